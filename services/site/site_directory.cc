#include "services/site/site_directory.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/auth/member_token.h"
#include "services/replication/record_stamp.h"
#include "services/rpc/proto_time.h"
#include "services/site/directory_change.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"
#include "storage/transaction_retry.h"

namespace cantine::site {
namespace {

using storage::Table;

constexpr size_t kMaxSites = 100000;

std::string SiteKey(absl::string_view site_id) {
  return storage::KeyBuilder().AddString(site_id).Build();
}

constexpr absl::string_view kRecordName = "stored directory entry";
constexpr absl::string_view kListingName = "site listing";

// One point read, from the store or in a transaction.
using PointRead =
    absl::FunctionRef<absl::StatusOr<std::optional<std::string>>(Table, absl::string_view)>;

absl::StatusOr<std::optional<v1::StoredDirectoryEntry>> Parse(
    const absl::StatusOr<std::optional<std::string>>& read) {
  return storage::ParseOptionalRecord<v1::StoredDirectoryEntry>(read, kRecordName);
}

// A listed change, as the admin signed it. It was opened and checked before it was stored.
absl::StatusOr<v1::DirectoryChange> ListedChange(const v1::SignedDirectoryChange& listed) {
  return storage::ParseRecord<v1::DirectoryChange>(listed.change(), kListingName);
}

// What the rules read of the change a node holds for a site; nullopt when it holds none.
absl::StatusOr<std::optional<domain::ListingChange>> HeldChange(
    const absl::StatusOr<std::optional<std::string>>& read) {
  ASSIGN_OR_RETURN(std::optional<v1::SignedDirectoryChange> listed,
                   storage::ParseOptionalRecord<v1::SignedDirectoryChange>(read, kListingName));
  if (!listed.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(const v1::DirectoryChange change, ListedChange(*listed));
  return ListingChangeOf(change, listed->change());
}

// `entry` (the site's own, or empty) with what `listing` says of the site in its place.
void OverrideWithListing(const v1::SiteListing& listing, v1::DirectoryEntry& entry) {
  // The site's own policy, and its web address unless the admin listed one.
  std::optional<v1::SitePolicy> policy;
  if (entry.site().has_policy()) policy = entry.site().policy();
  std::string web_url = entry.site().web_url();
  *entry.mutable_site() = listing.site();
  if (policy.has_value()) *entry.mutable_site()->mutable_policy() = std::move(*policy);
  if (entry.site().web_url().empty()) entry.mutable_site()->set_web_url(std::move(web_url));
  entry.set_public_endpoint(listing.public_endpoint());
  entry.set_federation_endpoint(listing.federation_endpoint());
  entry.set_public_key(listing.token_public_key());
  entry.set_status(listing.status());
  *entry.mutable_retired_keys() = listing.retired_token_keys();
}

// The entry of `site_id`: its own, overridden by its listing; NOT_FOUND when it has neither.
absl::StatusOr<v1::DirectoryEntry> EntryOf(PointRead read, absl::string_view site_id) {
  const std::string key = SiteKey(site_id);
  ASSIGN_OR_RETURN(std::optional<v1::StoredDirectoryEntry> own,
                   Parse(read(Table::kDirectory, key)));
  ASSIGN_OR_RETURN(std::optional<v1::SignedDirectoryChange> listed,
                   storage::ParseOptionalRecord<v1::SignedDirectoryChange>(
                       read(Table::kSiteListings, key), kListingName));
  if (!own.has_value() && !listed.has_value()) {
    return absl::NotFoundError(absl::StrCat("the directory has no site '", site_id, "'"));
  }
  v1::DirectoryEntry entry =
      own.has_value() ? std::move(*own->mutable_entry()) : v1::DirectoryEntry();
  if (listed.has_value()) {
    ASSIGN_OR_RETURN(const v1::DirectoryChange change, ListedChange(*listed));
    OverrideWithListing(change.listing(), entry);
  }
  return entry;
}

}  // namespace

absl::Status SiteDirectory::PublishOwn(v1::DirectoryEntry entry, absl::Time now,
                                       absl::Duration retired_key_lifetime) {
  entry.clear_retired_keys();
  absl::StatusOr<v1::DirectoryEntry> published = OwnEntry(entry.site().site_id());
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
  absl::StatusOr<v1::DirectoryEntry> current = OwnEntry(entry.site().site_id());
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
  ASSIGN_OR_RETURN(v1::DirectoryEntry entry, OwnEntry(site_id));
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
  // By site id, as the keys sort.
  std::map<std::string, v1::DirectoryEntry> entries;
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> own,
                   store_->Scan(Table::kDirectory, "", kMaxSites));
  for (const storage::KeyValue& row : own) {
    ASSIGN_OR_RETURN(v1::StoredDirectoryEntry stored,
                     storage::ParseRecord<v1::StoredDirectoryEntry>(row.value, kRecordName));
    entries[row.key] = std::move(*stored.mutable_entry());
  }
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> listed,
                   store_->Scan(Table::kSiteListings, "", kMaxSites));
  for (const storage::KeyValue& row : listed) {
    ASSIGN_OR_RETURN(const v1::SignedDirectoryChange signed_change,
                     storage::ParseRecord<v1::SignedDirectoryChange>(row.value, kListingName));
    ASSIGN_OR_RETURN(const v1::DirectoryChange change, ListedChange(signed_change));
    OverrideWithListing(change.listing(), entries[row.key]);
  }
  std::vector<v1::DirectoryEntry> list;
  list.reserve(entries.size());
  for (auto& [key, entry] : entries) list.push_back(std::move(entry));
  return list;
}

absl::StatusOr<v1::DirectoryEntry> SiteDirectory::OwnEntry(absl::string_view site_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::StoredDirectoryEntry> own,
                   Parse(store_->Get(Table::kDirectory, SiteKey(site_id))));
  if (!own.has_value()) {
    return absl::NotFoundError(absl::StrCat("site '", site_id, "' has published no entry"));
  }
  return std::move(*own->mutable_entry());
}

absl::StatusOr<v1::DirectoryEntry> SiteDirectory::Get(absl::string_view site_id) const {
  return EntryOf([&](Table table, absl::string_view key) { return store_->Get(table, key); },
                 site_id);
}

absl::StatusOr<v1::DirectoryEntry> SiteDirectory::Get(storage::Transaction& txn,
                                                      absl::string_view site_id) const {
  return EntryOf([&](Table table, absl::string_view key) { return txn.Get(table, key); }, site_id);
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
  absl::StatusOr<ParsedKey> current = ParsedKeyOf(entry->public_key());
  if (current.ok() && current->key_id == key_id) return current->key;
  for (const v1::RetiredKey& retired : entry->retired_keys()) {
    absl::StatusOr<ParsedKey> old = ParsedKeyOf(retired.public_key());
    if (!old.ok() || old->key_id != key_id) continue;
    absl::StatusOr<absl::Time> expiry = rpc::TimeFromProto("expire_time", retired.expire_time());
    if (expiry.ok() && now < *expiry) return old->key;
    return absl::UnauthenticatedError(absl::StrCat("member token refused: key '", key_id,
                                                   "' of site '", site_id,
                                                   "' was retired and has expired; log in again"));
  }
  return absl::UnauthenticatedError(
      absl::StrCat("member token refused: site '", site_id, "' lists no key '", key_id, "'"));
}

absl::StatusOr<SiteDirectory::ParsedKey> SiteDirectory::ParsedKeyOf(const std::string& raw) const {
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    if (auto it = parsed_keys_.find(raw); it != parsed_keys_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(auth::Ed25519PublicKey key, auth::Ed25519PublicKey::FromRaw(raw));
  ParsedKey parsed{.key = key, .key_id = auth::KeyId(key)};
  absl::MutexLock lock(&keys_mu_);
  if (parsed_keys_.size() >= kMaxParsedKeys) parsed_keys_.clear();
  parsed_keys_.emplace(raw, parsed);
  return parsed;
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

absl::StatusOr<v1::DirectoryChange> SiteDirectory::Open(
    const v1::SignedDirectoryChange& signed_change) const {
  if (!admin_key_.has_value()) {
    return absl::FailedPreconditionError(
        "this node has no network admin key (admin_public_key_file): it takes no directory "
        "change");
  }
  return OpenDirectoryChange(signed_change, *admin_key_);
}

absl::StatusOr<v1::DirectoryChange> SiteDirectory::TakeChange(
    const v1::SignedDirectoryChange& signed_change, v1::DirectoryAction action) {
  ASSIGN_OR_RETURN(const v1::DirectoryChange change, Open(signed_change));
  if (change.action() != action) {
    return absl::InvalidArgumentError(
        absl::StrCat("change.action is ", v1::DirectoryAction_Name(change.action()),
                     "; this call takes ", v1::DirectoryAction_Name(action)));
  }
  const std::string key = SiteKey(change.site_id());
  RETURN_IF_ERROR(
      oplog_
          ->CommitLocal([&](storage::Transaction& txn,
                            storage::HybridTime) -> absl::StatusOr<storage::LocalEntry> {
            ASSIGN_OR_RETURN(const std::optional<domain::ListingChange> held,
                             HeldChange(txn.GetForUpdate(Table::kSiteListings, key)));
            RETURN_IF_ERROR(domain::CheckFollows(held.has_value() ? &*held : nullptr,
                                                 ListingChangeOf(change, signed_change.change())));
            RETURN_IF_ERROR(PutListing(txn, signed_change, change));
            return storage::LocalEntry(v1::ENTRY_KIND_DIRECTORY_CHANGE,
                                       signed_change.SerializeAsString());
          })
          .status());
  return change;
}

std::string SiteDirectory::AdminKeyId() const {
  return admin_key_.has_value() ? auth::KeyId(*admin_key_) : "";
}

absl::StatusOr<std::vector<v1::SignedDirectoryChange>> SiteDirectory::ListChanges() const {
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                   store_->Scan(Table::kSiteListings, "", kMaxSites));
  std::vector<v1::SignedDirectoryChange> changes;
  changes.reserve(rows.size());
  for (const storage::KeyValue& row : rows) {
    ASSIGN_OR_RETURN(v1::SignedDirectoryChange change,
                     storage::ParseRecord<v1::SignedDirectoryChange>(row.value, kListingName));
    changes.push_back(std::move(change));
  }
  return changes;
}

absl::Status SiteDirectory::ApplyRemoteChange(storage::Transaction& txn,
                                              const v1::OplogEntry& entry) {
  v1::SignedDirectoryChange signed_change;
  if (!signed_change.ParseFromString(entry.payload())) {
    return absl::InvalidArgumentError("signed directory change does not parse");
  }
  absl::StatusOr<v1::DirectoryChange> change = Open(signed_change);
  if (absl::IsUnauthenticated(change.status())) {
    // A rejection: the entry is kept as refused, and changes nothing.
    return absl::InvalidArgumentError(change.status().message());
  }
  RETURN_IF_ERROR(change.status());
  return Merge(txn, signed_change, *change).status();
}

absl::StatusOr<SiteDirectory::MergeReport> SiteDirectory::MergeChanges(
    const std::vector<v1::SignedDirectoryChange>& changes) {
  return storage::RetryAborted([&]() -> absl::StatusOr<MergeReport> {
    MergeReport report;
    std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
    for (const v1::SignedDirectoryChange& signed_change : changes) {
      absl::StatusOr<v1::DirectoryChange> change = Open(signed_change);
      if (!change.ok()) {
        ++report.refused;
        continue;
      }
      ASSIGN_OR_RETURN(const bool listed, Merge(*txn, signed_change, *change));
      report.listed += listed ? 1 : 0;
    }
    if (report.listed > 0) RETURN_IF_ERROR(txn->Commit());
    return report;
  });
}

absl::StatusOr<bool> SiteDirectory::Merge(storage::Transaction& txn,
                                          const v1::SignedDirectoryChange& signed_change,
                                          const v1::DirectoryChange& change) {
  ASSIGN_OR_RETURN(const std::optional<domain::ListingChange> held,
                   HeldChange(txn.GetForUpdate(Table::kSiteListings, SiteKey(change.site_id()))));
  if (held.has_value() &&
      !domain::Supersedes(ListingChangeOf(change, signed_change.change()), *held)) {
    return false;
  }
  RETURN_IF_ERROR(PutListing(txn, signed_change, change));
  return true;
}

absl::Status SiteDirectory::PutListing(storage::Transaction& txn,
                                       const v1::SignedDirectoryChange& signed_change,
                                       const v1::DirectoryChange& change) {
  RETURN_IF_ERROR(
      storage::PutRecord(txn, Table::kSiteListings, SiteKey(change.site_id()), signed_change));
  // Before the commit: a change the admin signed may be trusted even if the write is lost;
  // it arrives again.
  TrustKeys(change.listing());
  return absl::OkStatus();
}

void SiteDirectory::TrustKeys(const v1::SiteListing& listing) const {
  if (key_ring_ == nullptr) return;
  std::vector<std::string> raw_keys = {listing.entry_public_key()};
  raw_keys.insert(raw_keys.end(), listing.retired_entry_keys().begin(),
                  listing.retired_entry_keys().end());
  std::vector<auth::Ed25519PublicKey> keys;
  for (const std::string& raw : raw_keys) {
    // Each parsed when its change was opened.
    absl::StatusOr<auth::Ed25519PublicKey> key = auth::Ed25519PublicKey::FromRaw(raw);
    if (key.ok()) keys.push_back(*std::move(key));
  }
  key_ring_->SetListed(listing.site().site_id(), std::move(keys));
}

absl::StatusOr<std::vector<v1::DirectoryChange>> SiteDirectory::ListListings() const {
  ASSIGN_OR_RETURN(const std::vector<v1::SignedDirectoryChange> signed_changes, ListChanges());
  std::vector<v1::DirectoryChange> changes;
  changes.reserve(signed_changes.size());
  for (const v1::SignedDirectoryChange& signed_change : signed_changes) {
    ASSIGN_OR_RETURN(v1::DirectoryChange change, ListedChange(signed_change));
    changes.push_back(std::move(change));
  }
  return changes;
}

absl::Status SiteDirectory::TrustListedKeys() const {
  ASSIGN_OR_RETURN(const std::vector<v1::DirectoryChange> changes, ListListings());
  for (const v1::DirectoryChange& change : changes) TrustKeys(change.listing());
  return absl::OkStatus();
}

void SiteDirectory::RegisterWith(replication::RecordApplier& applier) {
  applier.Register(v1::ENTRY_KIND_DIRECTORY,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemote(txn, entry);
                   });
  applier.Register(v1::ENTRY_KIND_DIRECTORY_CHANGE,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemoteChange(txn, entry);
                   });
}

}  // namespace cantine::site
