#include "services/site/site_directory.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/replication/record_stamp.h"
#include "services/rpc/proto_time.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::site {
namespace {

using storage::Table;

constexpr size_t kMaxSites = 100000;

std::string SiteKey(absl::string_view site_id) {
  return storage::KeyBuilder().AddString(site_id).Build();
}

constexpr absl::string_view kRecordName = "stored directory entry";

absl::StatusOr<std::optional<v1::StoredDirectoryEntry>> Parse(
    const absl::StatusOr<std::optional<std::string>>& read) {
  return storage::ParseOptionalRecord<v1::StoredDirectoryEntry>(read, kRecordName);
}

// The entry of `site_id` a point read returned; NOT_FOUND when there is none.
absl::StatusOr<v1::DirectoryEntry> EntryOf(const absl::StatusOr<std::optional<std::string>>& read,
                                           absl::string_view site_id) {
  ASSIGN_OR_RETURN(std::optional<v1::StoredDirectoryEntry> stored, Parse(read));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("the directory has no site '", site_id, "'"));
  }
  return stored->entry();
}

}  // namespace

absl::Status SiteDirectory::PublishOwn(v1::DirectoryEntry entry, absl::Time now,
                                       absl::Duration retired_key_lifetime) {
  entry.clear_retired_keys();
  absl::StatusOr<v1::DirectoryEntry> published = Get(entry.site().site_id());
  if (published.ok()) {
    for (const v1::RetiredKey& retired : published->retired_keys()) {
      if (retired.public_key() == entry.public_key()) continue;  // Back in use.
      absl::StatusOr<absl::Time> expiry = rpc::TimeFromProto("expire_time", retired.expire_time());
      if (expiry.ok() && *expiry > now) *entry.add_retired_keys() = retired;
    }
    if (!published->public_key().empty() && published->public_key() != entry.public_key()) {
      v1::RetiredKey* retired = entry.add_retired_keys();
      retired->set_public_key(published->public_key());
      *retired->mutable_expire_time() = rpc::TimeToProto(now + retired_key_lifetime);
    }
  } else if (!absl::IsNotFound(published.status())) {
    return published.status();
  }
  return Publish(entry);
}

absl::Status SiteDirectory::Publish(const v1::DirectoryEntry& entry) {
  absl::StatusOr<v1::DirectoryEntry> current = Get(entry.site().site_id());
  if (current.ok() && google::protobuf::util::MessageDifferencer::Equals(*current, entry)) {
    return absl::OkStatus();
  }
  return oplog_
      ->CommitLocal([&](storage::Transaction& txn,
                        storage::HybridTime hlc) -> absl::StatusOr<storage::LocalEntry> {
        v1::StoredDirectoryEntry stored;
        *stored.mutable_entry() = entry;
        *stored.mutable_stamp() =
            replication::MakeStamp(hlc.wall_micros, hlc.logical, entry.site().site_id());
        RETURN_IF_ERROR(
            storage::PutRecord(txn, Table::kDirectory, SiteKey(entry.site().site_id()), stored));
        return storage::LocalEntry(v1::ENTRY_KIND_DIRECTORY, entry.SerializeAsString());
      })
      .status();
}

absl::Status SiteDirectory::PublishOwnVisitAllowance(absl::string_view site_id,
                                                     std::optional<int> visit_days_per_month) {
  ASSIGN_OR_RETURN(v1::DirectoryEntry entry, Get(site_id));
  if (visit_days_per_month.has_value()) {
    entry.set_member_visit_days_per_month(*visit_days_per_month);
  } else {
    entry.clear_member_visit_days_per_month();
  }
  return Publish(entry);
}

std::optional<int> SiteDirectory::VisitDaysPerMonth(absl::string_view home_site_id) const {
  absl::StatusOr<v1::DirectoryEntry> entry = Get(home_site_id);
  if (!entry.ok() || !entry->has_member_visit_days_per_month()) return std::nullopt;
  return entry->member_visit_days_per_month();
}

absl::StatusOr<std::vector<v1::DirectoryEntry>> SiteDirectory::List() const {
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                   store_->Scan(Table::kDirectory, "", kMaxSites));
  std::vector<v1::DirectoryEntry> entries;
  for (const storage::KeyValue& row : rows) {
    ASSIGN_OR_RETURN(v1::StoredDirectoryEntry stored,
                     storage::ParseRecord<v1::StoredDirectoryEntry>(row.value, kRecordName));
    entries.push_back(stored.entry());
  }
  return entries;
}

absl::StatusOr<v1::DirectoryEntry> SiteDirectory::Get(absl::string_view site_id) const {
  return EntryOf(store_->Get(Table::kDirectory, SiteKey(site_id)), site_id);
}

absl::StatusOr<v1::DirectoryEntry> SiteDirectory::Get(storage::Transaction& txn,
                                                      absl::string_view site_id) const {
  return EntryOf(txn.Get(Table::kDirectory, SiteKey(site_id)), site_id);
}

absl::StatusOr<v1::SiteStatus> SiteDirectory::StatusOf(absl::string_view site_id) const {
  absl::StatusOr<v1::DirectoryEntry> entry = Get(site_id);
  if (absl::IsNotFound(entry.status())) return v1::SITE_STATUS_UNSPECIFIED;
  if (!entry.ok()) return entry.status();
  return entry->status();
}

absl::StatusOr<auth::Ed25519PublicKey> SiteDirectory::Resolve(absl::string_view site_id,
                                                              absl::string_view key_id,
                                                              absl::Time now) const {
  absl::StatusOr<v1::DirectoryEntry> entry = Get(site_id);
  if (absl::IsNotFound(entry.status())) {
    return absl::UnauthenticatedError(
        absl::StrCat("member token refused: no site '", site_id, "' in the directory"));
  }
  if (!entry.ok()) return entry.status();
  if (entry->status() != v1::SITE_STATUS_ACTIVE) {
    return absl::PermissionDeniedError(
        absl::StrCat("site '", site_id, "' is not active in the directory"));
  }
  absl::StatusOr<auth::Ed25519PublicKey> key = auth::Ed25519PublicKey::FromRaw(entry->public_key());
  if (key.ok() && auth::KeyId(*key) == key_id) return key;
  for (const v1::RetiredKey& retired : entry->retired_keys()) {
    absl::StatusOr<auth::Ed25519PublicKey> old =
        auth::Ed25519PublicKey::FromRaw(retired.public_key());
    if (!old.ok() || auth::KeyId(*old) != key_id) continue;
    absl::StatusOr<absl::Time> expiry = rpc::TimeFromProto("expire_time", retired.expire_time());
    if (expiry.ok() && now < *expiry) return old;
    return absl::UnauthenticatedError(absl::StrCat("member token refused: key '", key_id,
                                                   "' of site '", site_id,
                                                   "' was retired and has expired; log in again"));
  }
  return absl::UnauthenticatedError(
      absl::StrCat("member token refused: site '", site_id, "' lists no key '", key_id, "'"));
}

absl::Status SiteDirectory::ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry) {
  v1::DirectoryEntry incoming;
  if (!incoming.ParseFromString(entry.payload())) {
    return absl::InvalidArgumentError("directory entry does not parse");
  }
  if (incoming.site().site_id() != entry.origin().site_id()) {
    return absl::InvalidArgumentError(absl::StrCat("site '", entry.origin().site_id(),
                                                   "' wrote the directory entry of '",
                                                   incoming.site().site_id(), "'"));
  }
  const std::string key = SiteKey(incoming.site().site_id());
  ASSIGN_OR_RETURN(std::optional<v1::StoredDirectoryEntry> stored,
                   Parse(txn.GetForUpdate(Table::kDirectory, key)));
  const v1::RecordStamp stamp = replication::StampOf(entry);
  if (stored.has_value() && !replication::IsNewer(stamp, (stored)->stamp())) {
    return absl::OkStatus();
  }
  v1::StoredDirectoryEntry updated;
  *updated.mutable_entry() = std::move(incoming);
  *updated.mutable_stamp() = stamp;
  return storage::PutRecord(txn, Table::kDirectory, key, updated);
}

void SiteDirectory::RegisterWith(replication::RecordApplier& applier) {
  applier.Register(v1::ENTRY_KIND_DIRECTORY,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemote(txn, entry);
                   });
}

}  // namespace cantine::site
