#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/federation.pb.h"
#include "services/domain/id_generator.h"
#include "services/domain/member.h"
#include "services/replication/record_applier.h"
#include "storage/oplog.h"
#include "storage/paged_scan.h"
#include "storage/store.h"

namespace cantine::member {

// Member profiles: those whose home is this site, which only this site changes, and the
// replicas of every other site's members. Every node, the home included, holds in the
// members table what each member shows network-wide (domain::NetworkView: the display name
// and the fields the member chose), each field merged last-writer-wins by (hlc, origin);
// erasure leaves a tombstone without personal data. The home site alone also holds each of
// its members' whole profile (email, fields not shown, the choice) in its home members
// table, which never replicates: no entry carries it. Thread-safe.
class MemberRegistry final : public domain::MemberDirectory {
 public:
  // None owned; all outlive the registry.
  MemberRegistry(storage::Store* store, storage::Oplog* oplog, domain::IdGenerator* ids,
                 std::string home_site_id);

  // Registers a member with a new id at this home site, with the display name, email, bio,
  // skills, city, links and choice of fields shown of `profile` (its other fields are the
  // registry's), and answers the whole profile. Its entry holds NetworkView(profile) only.
  // ALREADY_EXISTS when the email (case-insensitive) is taken here; INVALID_ARGUMENT naming a
  // bad field.
  absl::StatusOr<domain::Member> Register(const domain::Member& profile);
  // Changes a member of this home site and answers its whole profile. What the network
  // holds follows: a field shown and changed, newly shown, or no longer shown (sent empty,
  // which clears it everywhere) makes an entry; a change to the email or to fields not shown
  // is written here only, with no entry. FAILED_PRECONDITION naming the home site for a
  // member of another site, or for an erased member; ALREADY_EXISTS for an email taken.
  absl::StatusOr<domain::Member> Update(absl::string_view member_id,
                                        const domain::MemberUpdate& update);
  // Erases a member of this home site, its password and calendar feed too; erasing an erased member
  // returns the tombstone.
  absl::StatusOr<domain::Member> Erase(absl::string_view member_id);

  // Keeps `password_hash` (auth::HashPassword's) as the web password of `member_id`, a
  // member of this home site, in place of any before. NOT_FOUND for a member unknown or not
  // of this site; FAILED_PRECONDITION for an erased one.
  absl::Status SetPassword(absl::string_view member_id, const std::string& password_hash);
  // The secret key of `member_id`'s calendar feed (CalendarService): made at the first
  // call, the same until revoked; erasure drops it. NOT_FOUND for a member unknown or not of
  // this site; FAILED_PRECONDITION for an erased one.
  absl::StatusOr<std::string> CalendarFeedKey(absl::string_view member_id);
  // Forgets `member_id`'s feed key, if any: reads with it fail from then on. The errors of
  // CalendarFeedKey.
  absl::Status RevokeCalendarFeed(absl::string_view member_id);
  // OK when `feed_key` is `member_id`'s current feed key (compared in constant time);
  // NOT_FOUND otherwise, the same whether the member, its key or the match is missing.
  absl::Status CheckCalendarFeed(absl::string_view member_id, absl::string_view feed_key) const;
  // A member of this home site holding `email` (any case), with its password hash; nullopt
  // when no member of this site holds it or it has no password.
  struct PasswordHolder {
    domain::Member member;
    std::string password_hash;
  };
  absl::StatusOr<std::optional<PasswordHolder>> PasswordHolderOf(absl::string_view email) const;

  // Any member of the network as this node holds it: what the member shows network-wide
  // (never the email), erased ones as tombstones. NOT_FOUND naming the member when there is
  // none.
  absl::StatusOr<domain::Member> Get(absl::string_view member_id) const override;
  // The whole profile of a member of this home site, with its email and every field.
  // NOT_FOUND for a member of another site, an erased one, or one that does not exist.
  absl::StatusOr<domain::Member> GetAtHome(absl::string_view member_id) const;

  // The co-workers' directory: the members of the whole network `query` finds, as every
  // node holds them (domain::NetworkView: only what each shows network-wide), by member id.
  // `page_size` 0 means kSearchLimits.default_size; beyond kSearchLimits.max_size, a bad
  // query or a `page_token` not one this returned is INVALID_ARGUMENT. A page reads at most
  // kMaxMembersReadPerPage members: one of few matches may come back short, or empty, with a
  // token to go on.
  inline static constexpr storage::PageLimits kSearchLimits = {.default_size = 50, .max_size = 200};
  inline static constexpr size_t kMaxMembersReadPerPage = 20'000;
  absl::StatusOr<storage::Page<domain::Member>> Search(const domain::MemberQuery& query,
                                                       int page_size,
                                                       absl::string_view page_token) const;

  const std::string& home_site_id() const { return home_site_id_; }

  absl::StatusOr<std::string> HomeSiteOf(absl::string_view member_id) const override;
  // OK for a member that exists and is not erased.
  absl::Status CheckMember(absl::string_view member_id) const {
    return HomeSiteOf(member_id).status();
  }

  // Merges a replicated ENTRY_KIND_MEMBER entry. INVALID_ARGUMENT for a change that does not
  // parse, or that a site other than the member's home (the one its id names,
  // domain::ParseMemberId) wrote, or whose home_site_id is not that home.
  absl::Status ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry);
  // Erases a member on its home site's redaction notice (its signature already checked):
  // INVALID_ARGUMENT unless the notice's site is the home its member id names.
  absl::Status ApplyRedaction(storage::Transaction& txn, const v1::RedactionNotice& notice);
  // Has `applier` route remote ENTRY_KIND_MEMBER entries to ApplyRemote and redaction
  // notices to ApplyRedaction, at assembly; this outlives the applier's use.
  void RegisterWith(replication::RecordApplier& applier);

 private:
  struct StagedChange;
  // NOT_FOUND unless `member_id` is a member of this site, FAILED_PRECONDITION when it is
  // erased; read with a lock in `txn`.
  absl::Status CheckHomeMember(storage::Transaction& txn, absl::string_view member_id) const;
  absl::StatusOr<domain::Member> ChangeHomeMember(absl::string_view member_id,
                                                  const domain::MemberUpdate& update, bool erase);
  // Checks and stages in `txn` a change of a home member: the home record and email index
  // written, and the change the network needs (none when it holds what it should).
  absl::StatusOr<StagedChange> StageHomeChange(storage::Transaction& txn,
                                               absl::string_view member_id,
                                               const domain::MemberUpdate& update,
                                               bool erase) const;

  storage::Store* const store_;
  storage::Oplog* const oplog_;
  domain::IdGenerator* const ids_;
  const std::string home_site_id_;
};

}  // namespace cantine::member
