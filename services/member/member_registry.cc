#include "services/member/member_registry.h"

#include <openssl/crypto.h>

#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/auth/random_bytes.h"
#include "services/domain/field_checks.h"
#include "services/member/member_codec.h"
#include "services/member/registration_requests.h"
#include "services/replication/record_stamp.h"
#include "services/rpc/proto_time.h"
#include "storage/digest.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"
#include "storage/transaction_retry.h"

namespace cantine::member {
namespace {

using storage::Table;
using storage::Transaction;

std::string MemberKey(absl::string_view member_id) {
  return storage::KeyBuilder().AddString(member_id).Build();
}

// The records a point read of Table::kMembers (the network record) or Table::kHomeMembers
// (the whole profile) returned; nullopt when there is none.
absl::StatusOr<std::optional<v1::StoredMember>> ParseStored(
    const absl::StatusOr<std::optional<std::string>>& read) {
  return storage::ParseOptionalRecord<v1::StoredMember>(read, "stored member");
}
absl::StatusOr<std::optional<v1::Member>> ParseHome(
    const absl::StatusOr<std::optional<std::string>>& read) {
  return storage::ParseOptionalRecord<v1::Member>(read, "home member");
}

// A digest, not the address: RocksDB keeps the keys at the edges of its files in its
// MANIFEST, which compaction does not rewrite, so no personal data may be a key.
std::string EmailKey(absl::string_view email) {
  return storage::KeyBuilder().AddString(storage::Sha256(absl::AsciiStrToLower(email))).Build();
}

// Reads a member in `txn`, locking it when `lock` (a record another writer may change
// concurrently).
absl::StatusOr<std::optional<v1::StoredMember>> ReadStored(Transaction& txn,
                                                           absl::string_view member_id,
                                                           bool lock = true) {
  return ParseStored(lock ? txn.GetForUpdate(Table::kMembers, MemberKey(member_id))
                          : txn.Get(Table::kMembers, MemberKey(member_id)));
}

absl::Status WriteStored(Transaction& txn, const v1::StoredMember& stored) {
  return storage::PutRecord(txn, Table::kMembers, MemberKey(stored.member().member_id()), stored);
}

absl::Status NotFound(absl::string_view member_id) {
  return absl::NotFoundError(absl::StrCat("no member '", member_id, "'"));
}

absl::Time RevokedBefore(const google::protobuf::Timestamp& proto) {
  return absl::FromUnixSeconds(proto.seconds()) + absl::Nanoseconds(proto.nanos());
}

// Reads, locked in `txn`, the whole profile of a member of this site; nullopt when there is
// no home record.
absl::StatusOr<std::optional<domain::Member>> ReadHome(Transaction& txn,
                                                       absl::string_view member_id) {
  ASSIGN_OR_RETURN(std::optional<v1::Member> proto,
                   ParseHome(txn.GetForUpdate(Table::kHomeMembers, MemberKey(member_id))));
  if (!proto.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(domain::Member member, MemberFromProto(*proto));
  return member;
}

absl::Status WriteHome(Transaction& txn, const domain::Member& member) {
  return storage::PutRecord(txn, Table::kHomeMembers, MemberKey(member.member_id),
                            MemberToProto(member));
}

// Takes `email` for `member_id` in the email index of this site's members, locked until
// `txn` ends. ALREADY_EXISTS when another member of `home_site_id` holds it.
absl::Status ClaimEmail(Transaction& txn, absl::string_view email, absl::string_view member_id,
                        absl::string_view home_site_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> owner,
                   txn.GetForUpdate(Table::kMemberEmails, EmailKey(email)));
  if (owner.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("a member with email '", email, "' is already registered at ", home_site_id));
  }
  return txn.Put(Table::kMemberEmails, EmailKey(email), member_id);
}

// Sets in `change` every field the network should hold as `target` holds it where `held`,
// what it holds now, differs.
void SetDifferences(const domain::Member& held, const domain::Member& target,
                    v1::MemberChange& change) {
  if (held.display_name != target.display_name) change.set_display_name(target.display_name);
  if (held.bio != target.bio) change.set_bio(target.bio);
  if (held.skills != target.skills) {
    change.mutable_skills()->mutable_values()->Assign(target.skills.begin(), target.skills.end());
  }
  if (held.city != target.city) change.set_city(target.city);
  if (held.links != target.links) {
    change.mutable_links()->mutable_values()->Assign(target.links.begin(), target.links.end());
  }
  if (held.shows_attendance != target.shows_attendance) {
    change.set_shows_attendance(target.shows_attendance);
  }
}

// Merges `change`, stamped `stamp`, into `stored`: each field set in the change replaces the
// stored one if the change is newer; an erasure clears personal data and wins over any
// field write; a revocation of tokens keeps the latest. The same changes in any order give the same
// result.
void Merge(const v1::MemberChange& change, const v1::RecordStamp& stamp, v1::StoredMember& stored) {
  v1::Member& member = *stored.mutable_member();
  member.set_member_id(change.member_id());
  member.set_home_site_id(change.home_site_id());
  // Erasure is final: it wins over every field write, whatever the order, and leaves only
  // the tombstone, alike on every node whatever each held before (no stamp to differ). An
  // erased member's tokens are refused whatever their revocation.
  if (change.erased() || member.erased()) {
    v1::StoredMember tombstone;
    tombstone.mutable_member()->set_member_id(member.member_id());
    tombstone.mutable_member()->set_home_site_id(member.home_site_id());
    tombstone.mutable_member()->set_erased(true);
    stored = std::move(tombstone);
    return;
  }
  // The email is the home site's only (records written before held it).
  member.clear_email();
  // A revocation is never undone: the latest instant wins, in any order.
  if (change.has_tokens_revoked_before() &&
      (!stored.has_tokens_revoked_before() || RevokedBefore(change.tokens_revoked_before()) >
                                                  RevokedBefore(stored.tokens_revoked_before()))) {
    *stored.mutable_tokens_revoked_before() = change.tokens_revoked_before();
  }
  auto merge_field = [&](bool has, const std::string& value, v1::RecordStamp* field_stamp,
                         std::string* field) {
    if (has && replication::IsNewer(stamp, *field_stamp)) {
      *field = value;
      *field_stamp = stamp;
    }
  };
  auto merge_list = [&](bool has, const v1::StringList& value, v1::RecordStamp* field_stamp,
                        google::protobuf::RepeatedPtrField<std::string>* field) {
    if (has && replication::IsNewer(stamp, *field_stamp)) {
      *field = value.values();
      *field_stamp = stamp;
    }
  };
  merge_field(change.has_display_name(), change.display_name(), stored.mutable_display_name_stamp(),
              member.mutable_display_name());
  merge_field(change.has_bio(), change.bio(), stored.mutable_bio_stamp(), member.mutable_bio());
  merge_list(change.has_skills(), change.skills(), stored.mutable_skills_stamp(),
             member.mutable_skills());
  merge_field(change.has_city(), change.city(), stored.mutable_city_stamp(), member.mutable_city());
  merge_list(change.has_links(), change.links(), stored.mutable_links_stamp(),
             member.mutable_links());
  if (change.has_shows_attendance() &&
      replication::IsNewer(stamp, stored.shows_attendance_stamp())) {
    member.set_shows_attendance(change.shows_attendance());
    *stored.mutable_shows_attendance_stamp() = stamp;
  }
}

// What a stored record shows network-wide.
absl::StatusOr<domain::Member> ToDomain(const v1::StoredMember& stored) {
  ASSIGN_OR_RETURN(domain::Member member, MemberFromProto(stored.member()));
  if (stored.has_tokens_revoked_before()) {
    member.tokens_revoked_before = RevokedBefore(stored.tokens_revoked_before());
  }
  member.email.clear();  // Records written before home records held it.
  member.network_visible_fields.clear();
  return member;
}

}  // namespace

MemberRegistry::MemberRegistry(storage::Store* store, storage::Oplog* oplog,
                               domain::IdGenerator* ids, std::string home_site_id)
    : store_(store), oplog_(oplog), ids_(ids), home_site_id_(std::move(home_site_id)) {}

absl::StatusOr<domain::Member> MemberRegistry::Register(const domain::Member& profile) {
  domain::Member member = profile;
  member.home_site_id = home_site_id_;
  member.erased = false;
  RETURN_IF_ERROR(domain::ValidateMember(member));

  absl::StatusOr<v1::OplogEntry> entry = oplog_->CommitLocal(
      [&](Transaction& txn, storage::HybridTime hlc) -> absl::StatusOr<storage::LocalEntry> {
        // Not locked: the generator never repeats its own ids, so only a committed member
        // (or an erased one's record) can hold one.
        ASSIGN_OR_RETURN(member.member_id,
                         domain::NewUnusedId(
                             *ids_, "member",
                             [&](absl::string_view unique_part) {
                               return domain::MakeMemberId(home_site_id_, unique_part);
                             },
                             [&](const std::string& member_id) {
                               return storage::HoldsKey(txn, Table::kMembers, MemberKey(member_id));
                             }));
        RETURN_IF_ERROR(ClaimEmail(txn, member.email, member.member_id, home_site_id_));
        // Registration time is the entry's, as every replica records it.
        member.create_time = absl::FromUnixMicros(hlc.wall_micros);
        RETURN_IF_ERROR(WriteHome(txn, member));
        v1::MemberChange change;
        change.set_member_id(member.member_id);
        change.set_home_site_id(home_site_id_);
        SetDifferences(domain::Member(), domain::NetworkView(member), change);
        // The network record is built as every replica builds it from the entry.
        v1::StoredMember stored;
        *stored.mutable_member()->mutable_create_time() = rpc::TimeToProto(member.create_time);
        Merge(change, replication::MakeStamp(hlc.wall_micros, hlc.logical, home_site_id_), stored);
        RETURN_IF_ERROR(WriteStored(txn, stored));
        return storage::LocalEntry(v1::ENTRY_KIND_MEMBER, change.SerializeAsString(),
                                   change.member_id());
      });
  if (!entry.ok()) return entry.status();
  return member;
}

absl::StatusOr<domain::Member> MemberRegistry::Update(absl::string_view member_id,
                                                      const domain::MemberUpdate& update) {
  return ChangeHomeMember(member_id, update, /*erase=*/false);
}

absl::StatusOr<domain::Member> MemberRegistry::Erase(absl::string_view member_id) {
  absl::StatusOr<domain::Member> member = Get(member_id);
  if (member.ok() && member->erased) return member;  // Erasing twice is harmless.
  return ChangeHomeMember(member_id, {}, /*erase=*/true);
}

struct MemberRegistry::StagedChange {
  domain::Member after;     // The whole profile after the change.
  v1::StoredMember record;  // The network record as it was.
  v1::MemberChange change;  // What the network needs to hold what it should.
  bool replicates() const {
    return change.erased() || change.has_display_name() || change.has_bio() ||
           change.has_skills() || change.has_city() || change.has_links() ||
           change.has_shows_attendance() || change.has_tokens_revoked_before();
  }
};

absl::StatusOr<MemberRegistry::StagedChange> MemberRegistry::StageHomeChange(
    Transaction& txn, absl::string_view member_id, const domain::MemberUpdate& update,
    bool erase) const {
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored, ReadStored(txn, member_id));
  if (!stored.has_value()) return NotFound(member_id);
  StagedChange staged;
  staged.record = std::move(*stored);
  const v1::Member& current = staged.record.member();
  if (current.home_site_id() != home_site_id_) {
    return absl::FailedPreconditionError(absl::StrCat("member '", member_id, "' belongs to ",
                                                      current.home_site_id(),
                                                      "; only the home site changes a profile"));
  }
  if (current.erased()) {
    return absl::FailedPreconditionError(absl::StrCat("member '", member_id, "' is erased"));
  }
  ASSIGN_OR_RETURN(std::optional<domain::Member> home, ReadHome(txn, member_id));
  // A member registered before home records existed has its whole profile in its record.
  ASSIGN_OR_RETURN(domain::Member before, home.has_value() ? absl::StatusOr<domain::Member>(*home)
                                                           : MemberFromProto(current));
  staged.after = domain::ApplyMemberUpdate(before, update);
  const domain::Member& after = staged.after;
  if (!erase) {
    RETURN_IF_ERROR(domain::ValidateMember(after));
  }

  // Keep the email index of home members in step with the profile.
  const bool email_changes =
      erase || absl::AsciiStrToLower(after.email) != absl::AsciiStrToLower(before.email);
  if (email_changes) {
    if (!erase) {
      RETURN_IF_ERROR(ClaimEmail(txn, after.email, after.member_id, home_site_id_));
    }
    RETURN_IF_ERROR(txn.Delete(Table::kMemberEmails, EmailKey(before.email)));
  }
  RETURN_IF_ERROR(erase ? txn.Delete(Table::kHomeMembers, MemberKey(member_id))
                        : WriteHome(txn, after));
  if (erase) {
    RETURN_IF_ERROR(txn.Delete(Table::kPasswords, MemberKey(member_id)));
    RETURN_IF_ERROR(txn.Delete(Table::kCalendarFeeds, MemberKey(member_id)));
  }
  // An erased member leaves no registration request for its email behind either.
  if (erase) {
    RETURN_IF_ERROR(RegistrationRequests::RemoveIn(txn, before.email));
  }

  staged.change.set_member_id(after.member_id);
  staged.change.set_home_site_id(home_site_id_);
  staged.change.set_erased(erase);
  if (!erase) {
    ASSIGN_OR_RETURN(domain::Member held, ToDomain(staged.record));
    SetDifferences(held, domain::NetworkView(after), staged.change);
    if (update.tokens_revoked_before) {
      *staged.change.mutable_tokens_revoked_before() =
          rpc::TimeToProto(*update.tokens_revoked_before);
    }
  }
  return staged;
}

absl::StatusOr<domain::Member> MemberRegistry::ChangeHomeMember(absl::string_view member_id,
                                                                const domain::MemberUpdate& update,
                                                                bool erase) {
  if (!erase) {
    // A change of what the network does not hold (the email, fields not shown) is written
    // here only: no entry tells other sites of it.
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    ASSIGN_OR_RETURN(StagedChange staged, StageHomeChange(*txn, member_id, update, erase));
    if (!staged.replicates()) {
      RETURN_IF_ERROR(txn->Commit());
      return staged.after;
    }
  }
  std::optional<domain::Member> result;
  absl::StatusOr<v1::OplogEntry> entry = oplog_->CommitLocal(
      [&](Transaction& txn, storage::HybridTime hlc) -> absl::StatusOr<storage::LocalEntry> {
        ASSIGN_OR_RETURN(StagedChange staged, StageHomeChange(txn, member_id, update, erase));
        // Erasure drops the member's earlier entries' payloads here, and its notice takes
        // the same to every node.
        if (erase) {
          oplog_->AssertInsideCommitLocal();
          RETURN_IF_ERROR(oplog_->RedactLocal(txn, member_id));
        }
        v1::StoredMember& record = staged.record;
        Merge(staged.change, replication::MakeStamp(hlc.wall_micros, hlc.logical, home_site_id_),
              record);
        RETURN_IF_ERROR(WriteStored(txn, record));
        if (erase) {
          ASSIGN_OR_RETURN(result, ToDomain(record));
        } else {
          result = staged.after;
          if (record.has_tokens_revoked_before()) {
            result->tokens_revoked_before = RevokedBefore(record.tokens_revoked_before());
          }
        }
        return storage::LocalEntry(v1::ENTRY_KIND_MEMBER, staged.change.SerializeAsString(),
                                   staged.change.member_id());
      });
  if (!entry.ok()) return entry.status();
  return *result;
}

absl::StatusOr<domain::Member> MemberRegistry::Get(absl::string_view member_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored,
                   ParseStored(store_->Get(Table::kMembers, MemberKey(member_id))));
  if (!stored.has_value()) return NotFound(member_id);
  return ToDomain(*stored);
}

absl::StatusOr<storage::Page<domain::Member>> MemberRegistry::Search(
    const domain::MemberQuery& query, int page_size, absl::string_view page_token) const {
  RETURN_IF_ERROR(domain::ValidateMemberQuery(query));
  ASSIGN_OR_RETURN(const size_t limit, storage::PageSizeLimit(page_size, kSearchLimits));
  // The token is the key of the last member read: a member id.
  if (!page_token.empty()) {
    const absl::Status token = domain::CheckSlug("page_token", page_token);
    if (!token.ok()) {
      return absl::InvalidArgumentError("page_token is not one this search returned");
    }
  }
  std::string start_after = page_token.empty() ? "" : MemberKey(page_token);
  constexpr size_t kScanBatch = 500;
  storage::Page<domain::Member> page;
  size_t read = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                     store_->Scan(Table::kMembers, /*prefix=*/"", kScanBatch, start_after));
    for (const storage::KeyValue& row : rows) {
      ASSIGN_OR_RETURN(const v1::StoredMember stored,
                       storage::ParseRecord<v1::StoredMember>(row.value, "stored member"));
      ASSIGN_OR_RETURN(domain::Member member, ToDomain(stored));
      ++read;
      const std::string member_id = member.member_id;
      if (domain::Matches(member, query)) {
        if (page.items.size() == limit) {
          page.next_page_token = page.items.back().member_id;
          return page;
        }
        page.items.push_back(std::move(member));
      }
      if (read == kMaxMembersReadPerPage) {
        page.next_page_token = member_id;  // Short of a full page: go on from here.
        return page;
      }
    }
    if (rows.size() < kScanBatch) return page;
    start_after = rows.back().key;
  }
}

absl::Status MemberRegistry::CheckHomeMember(Transaction& txn, absl::string_view member_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored, ReadStored(txn, member_id));
  if (!stored.has_value() || stored->member().home_site_id() != home_site_id_) {
    return absl::NotFoundError(
        absl::StrCat("member '", member_id, "' is not a member of ", home_site_id_));
  }
  if (stored->member().erased()) {
    return absl::FailedPreconditionError(absl::StrCat("member '", member_id, "' is erased"));
  }
  return absl::OkStatus();
}

absl::Status MemberRegistry::SetPassword(absl::string_view member_id,
                                         const std::string& password_hash) {
  return storage::RetryAborted([&]() -> absl::Status {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    RETURN_IF_ERROR(CheckHomeMember(*txn, member_id));
    RETURN_IF_ERROR(txn->Put(Table::kPasswords, MemberKey(member_id), password_hash));
    return txn->Commit();
  });
}

absl::StatusOr<std::string> MemberRegistry::CalendarFeedKey(absl::string_view member_id) {
  return storage::RetryAborted([&]() -> absl::StatusOr<std::string> {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    RETURN_IF_ERROR(CheckHomeMember(*txn, member_id));
    ASSIGN_OR_RETURN(std::optional<std::string> held,
                     txn->GetForUpdate(Table::kCalendarFeeds, MemberKey(member_id)));
    if (held.has_value()) return *std::move(held);
    // 256 bits: a key cannot be guessed, only leaked (and then revoked).
    ASSIGN_OR_RETURN(const std::string secret, auth::RandomBytes(32));
    std::string key = absl::WebSafeBase64Escape(secret);
    RETURN_IF_ERROR(txn->Put(Table::kCalendarFeeds, MemberKey(member_id), key));
    RETURN_IF_ERROR(txn->Commit());
    return key;
  });
}

absl::Status MemberRegistry::RevokeCalendarFeed(absl::string_view member_id) {
  return storage::RetryAborted([&]() -> absl::Status {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    RETURN_IF_ERROR(CheckHomeMember(*txn, member_id));
    RETURN_IF_ERROR(txn->Delete(Table::kCalendarFeeds, MemberKey(member_id)));
    return txn->Commit();
  });
}

absl::Status MemberRegistry::CheckCalendarFeed(absl::string_view member_id,
                                               absl::string_view feed_key) const {
  ASSIGN_OR_RETURN(std::optional<std::string> held,
                   store_->Get(Table::kCalendarFeeds, MemberKey(member_id)));
  if (!held.has_value() || held->size() != feed_key.size() ||
      CRYPTO_memcmp(held->data(), feed_key.data(), feed_key.size()) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no calendar feed of member '", member_id, "' has this key"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<MemberRegistry::PasswordHolder>> MemberRegistry::PasswordHolderOf(
    absl::string_view email) const {
  ASSIGN_OR_RETURN(std::optional<std::string> member_id,
                   store_->Get(Table::kMemberEmails, EmailKey(email)));
  if (!member_id.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<std::string> hash,
                   store_->Get(Table::kPasswords, MemberKey(*member_id)));
  if (!hash.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(domain::Member member, GetAtHome(*member_id));
  return PasswordHolder{.member = std::move(member), .password_hash = *std::move(hash)};
}

absl::StatusOr<domain::Member> MemberRegistry::GetAtHome(absl::string_view member_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::Member> home,
                   ParseHome(store_->Get(Table::kHomeMembers, MemberKey(member_id))));
  if (home.has_value()) return MemberFromProto(*home);
  // A member registered before home records existed has its whole profile in its record.
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored,
                   ParseStored(store_->Get(Table::kMembers, MemberKey(member_id))));
  if (!stored.has_value()) return NotFound(member_id);
  if (stored->member().home_site_id() != home_site_id_ || stored->member().erased()) {
    return absl::NotFoundError(
        absl::StrCat("member '", member_id, "' has no profile at ", home_site_id_));
  }
  return MemberFromProto(stored->member());
}

absl::StatusOr<std::string> MemberRegistry::HomeSiteOf(absl::string_view member_id) const {
  ASSIGN_OR_RETURN(domain::Member member, Get(member_id));
  if (member.erased) {
    return absl::NotFoundError(absl::StrCat("member '", member_id, "' has been erased"));
  }
  return member.home_site_id;
}

absl::Status MemberRegistry::ApplyRemote(Transaction& txn, const v1::OplogEntry& entry) {
  v1::MemberChange change;
  if (!change.ParseFromString(entry.payload())) {
    return absl::InvalidArgumentError("member change does not parse");
  }
  if (entry.subject() != change.member_id()) {
    return absl::InvalidArgumentError("a member change's entry must name the member as subject");
  }
  // Only the member's home, the site its id names, writes its profile.
  ASSIGN_OR_RETURN(domain::MemberIdParts id,
                   domain::ParseMemberId("member change member_id", change.member_id()));
  if (id.home_site_id != entry.origin().site_id() ||
      change.home_site_id() != entry.origin().site_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "site '", entry.origin().site_id(), "' wrote a change of member '", change.member_id(),
        "', whose home is ", id.home_site_id, " (the change says ", change.home_site_id(), ")"));
  }
  if (change.has_tokens_revoked_before()) {
    RETURN_IF_ERROR(
        rpc::TimeFromProto("member change tokens_revoked_before", change.tokens_revoked_before()));
  }
  // Another site's members change only here, under the oplog's one apply at a time: no
  // lock is needed, and a catch-up saves one per entry. This site's own members are also
  // written locally, so they stay locked.
  const bool own_member = change.home_site_id() == home_site_id_;
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored,
                   ReadStored(txn, change.member_id(), /*lock=*/own_member));
  v1::StoredMember record = stored.value_or(v1::StoredMember());
  if (!stored.has_value()) {
    // The first change of a member is its registration.
    *record.mutable_member()->mutable_create_time() =
        rpc::TimeToProto(absl::FromUnixMicros(entry.hlc().wall_micros()));
  }
  Merge(change, replication::StampOf(entry), record);
  return WriteStored(txn, record);
}

absl::Status MemberRegistry::ApplyRedaction(Transaction& txn, const v1::RedactionNotice& notice) {
  ASSIGN_OR_RETURN(domain::MemberIdParts id,
                   domain::ParseMemberId("redaction subject", notice.subject()));
  if (id.home_site_id != notice.site_id()) {
    return absl::InvalidArgumentError(absl::StrCat("site '", notice.site_id(),
                                                   "' cannot erase member '", notice.subject(),
                                                   "', whose home is ", id.home_site_id));
  }
  ASSIGN_OR_RETURN(std::optional<v1::StoredMember> stored,
                   ReadStored(txn, notice.subject(), /*lock=*/id.home_site_id == home_site_id_));
  v1::StoredMember record = stored.value_or(v1::StoredMember());
  v1::MemberChange erasure;
  erasure.set_member_id(notice.subject());
  erasure.set_home_site_id(id.home_site_id);
  erasure.set_erased(true);
  Merge(erasure, v1::RecordStamp(), record);
  return WriteStored(txn, record);
}

void MemberRegistry::RegisterWith(replication::RecordApplier& applier) {
  applier.Register(v1::ENTRY_KIND_MEMBER,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemote(txn, entry);
                   });
  applier.RegisterRedactions([this](storage::Transaction& txn, const v1::RedactionNotice& notice) {
    return ApplyRedaction(txn, notice);
  });
}

}  // namespace cantine::member
