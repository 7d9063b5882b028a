#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/member_token.h"
#include "services/domain/visits.h"
#include "services/replication/entry_signing.h"
#include "services/replication/record_applier.h"
#include "services/site/signed_directory.h"
#include "storage/oplog.h"
#include "storage/store.h"

namespace cantine::site {

// The site directory as this node holds it: every site's entry (identity, zone, currency,
// endpoints, public key, status), replicated. Two sources make an entry:
//   - the site's own entry, which each site publishes (the latest by (hlc, origin) wins):
//     its policy and its members' visit allowance;
//   - the site's listing, which the network admin signs (SignedDirectory; of two changes
//     every node keeps the same, domain::Supersedes): identity, endpoints, token keys and
//     status. Where a site has a listing, it overrides what the site says of itself, so
//     that a site can neither unsuspend itself nor list keys the admin did not.
// Thread-safe.
class SiteDirectory final : public auth::TokenKeyResolver,
                            public domain::VisitAllowances,
                            public SignedDirectory {
 public:
  // None owned; all outlive the directory. Without `admin_key` every directory change is
  // refused, taken in or replicated. `key_ring`, when set, is given the entry keys of every
  // site listed (TrustListedKeys, then each listing as it is stored).
  SiteDirectory(storage::Store* store, storage::Oplog* oplog,
                std::optional<auth::Ed25519PublicKey> admin_key = std::nullopt,
                replication::SiteKeyRing* key_ring = nullptr)
      : store_(store), oplog_(oplog), admin_key_(std::move(admin_key)), key_ring_(key_ring) {}

  // Gives the key ring the entry keys of every site listed, at start.
  absl::Status TrustListedKeys() const;

  // Publishes this site's entry, unless the stored one already says the same. When its
  // public key differs from the one published before (the site's key was rotated), the old
  // key stays listed as retired until `now + retired_key_lifetime`, so tokens it signed
  // keep working until they expire; retired keys already past their expiry are dropped.
  absl::Status PublishOwn(v1::DirectoryEntry entry, absl::Time now,
                          absl::Duration retired_key_lifetime);
  // Republishes this site's entry (already published) with its members' visit allowance.
  absl::Status PublishOwnVisitAllowance(absl::string_view site_id,
                                        std::optional<int> visit_days_per_month);

  std::optional<int> VisitDaysPerMonth(absl::string_view home_site_id) const override;

  // Every site, by site id.
  absl::StatusOr<std::vector<v1::DirectoryEntry>> List() const;
  // NOT_FOUND naming the site when the directory has no such site.
  absl::StatusOr<v1::DirectoryEntry> Get(absl::string_view site_id) const;
  // The same, read in `txn`: it sees the entries applied before in the same transaction (a
  // batch of replicated entries applies in one).
  absl::StatusOr<v1::DirectoryEntry> Get(storage::Transaction& txn,
                                         absl::string_view site_id) const;
  // The status the directory lists for `site_id`; SITE_STATUS_UNSPECIFIED when it does not
  // list the site (yet). Errors only when the store fails.
  absl::StatusOr<v1::SiteStatus> StatusOf(absl::string_view site_id) const;

  // The key `site_id` signs member tokens with, if it is `key_id`. UNAUTHENTICATED for an
  // unknown site or key, PERMISSION_DENIED for a suspended or removed site.
  absl::StatusOr<auth::Ed25519PublicKey> Resolve(absl::string_view site_id,
                                                 absl::string_view key_id,
                                                 absl::Time now) const override;

  absl::StatusOr<v1::DirectoryChange> TakeChange(const v1::SignedDirectoryChange& signed_change,
                                                 v1::DirectoryAction action) override;
  absl::StatusOr<std::vector<v1::SignedDirectoryChange>> ListChanges() const override;
  std::string AdminKeyId() const override;
  // The same changes opened, by site id: each was checked against the admin key when it was
  // stored.
  absl::StatusOr<std::vector<v1::DirectoryChange>> ListListings() const;

  absl::StatusOr<MergeReport> MergeChanges(
      const std::vector<v1::SignedDirectoryChange>& changes) override;

  // Merges a replicated ENTRY_KIND_DIRECTORY entry. INVALID_ARGUMENT when it does not parse
  // or describes a site other than its origin.
  absl::Status ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry);
  // Merges a replicated ENTRY_KIND_DIRECTORY_CHANGE entry, whichever node carried it: keeps
  // the change domain::Supersedes orders first. INVALID_ARGUMENT when the admin key did not
  // sign it or it is malformed; FAILED_PRECONDITION when this node has no admin key.
  absl::Status ApplyRemoteChange(storage::Transaction& txn, const v1::OplogEntry& entry);
  // Has `applier` route remote ENTRY_KIND_DIRECTORY and ENTRY_KIND_DIRECTORY_CHANGE entries
  // here, at assembly; this outlives the applier's use.
  void RegisterWith(replication::RecordApplier& applier);

 private:
  // Publishes `entry` as it is, unless the stored one already says the same.
  absl::Status Publish(const v1::DirectoryEntry& entry);
  // The signed change opened with the admin key; FAILED_PRECONDITION without one.
  absl::StatusOr<v1::DirectoryChange> Open(const v1::SignedDirectoryChange& signed_change) const;
  // Merges one opened change into `txn`: stored when it supersedes the one held; says
  // whether it was.
  absl::StatusOr<bool> Merge(storage::Transaction& txn,
                             const v1::SignedDirectoryChange& signed_change,
                             const v1::DirectoryChange& change);
  // Stores `signed_change`, the change that now lists its site, and trusts its entry keys.
  absl::Status PutListing(storage::Transaction& txn, const v1::SignedDirectoryChange& signed_change,
                          const v1::DirectoryChange& change);
  // Gives the key ring the entry keys `listing` lists.
  void TrustKeys(const v1::SiteListing& listing) const;
  // The site's own entry, as it published it, without its listing; NOT_FOUND when none.
  absl::StatusOr<v1::DirectoryEntry> OwnEntry(absl::string_view site_id) const;

  // A raw public key of an entry, parsed, with its key id. Remembered by its bytes, so that
  // resolving a member token's key on every call parses nothing twice; the bytes still come
  // from the entry read at each call, so a key no longer listed is refused at once.
  struct ParsedKey {
    auth::Ed25519PublicKey key;
    std::string key_id;
  };
  absl::StatusOr<ParsedKey> ParsedKeyOf(const std::string& raw) const ABSL_LOCKS_EXCLUDED(keys_mu_);

  storage::Store* const store_;
  storage::Oplog* const oplog_;
  const std::optional<auth::Ed25519PublicKey> admin_key_;
  // A site's key and its retired ones: a few per site. Starts over past kMaxParsedKeys.
  inline static constexpr size_t kMaxParsedKeys = 4096;
  mutable absl::Mutex keys_mu_;
  mutable absl::flat_hash_map<std::string, ParsedKey> parsed_keys_ ABSL_GUARDED_BY(keys_mu_);
  replication::SiteKeyRing* const key_ring_;
};

}  // namespace cantine::site
