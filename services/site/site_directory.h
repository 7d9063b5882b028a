#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/member_token.h"
#include "services/domain/visits.h"
#include "services/replication/record_applier.h"
#include "storage/oplog.h"
#include "storage/store.h"

namespace cantine::site {

// The site directory as this node holds it: every site's entry (identity, zone, currency,
// endpoints, public key, status), replicated. Each site publishes its own entry; the latest
// by (hlc, origin) wins. Thread-safe.
class SiteDirectory final : public auth::TokenKeyResolver, public domain::VisitAllowances {
 public:
  // Neither owned; both outlive the directory.
  SiteDirectory(storage::Store* store, storage::Oplog* oplog) : store_(store), oplog_(oplog) {}

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

  // Merges a replicated ENTRY_KIND_DIRECTORY entry. INVALID_ARGUMENT when it does not parse
  // or describes a site other than its origin.
  absl::Status ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry);
  // Has `applier` route remote ENTRY_KIND_DIRECTORY entries to ApplyRemote, at assembly;
  // this outlives the applier's use.
  void RegisterWith(replication::RecordApplier& applier);

 private:
  // Publishes `entry` as it is, unless the stored one already says the same.
  absl::Status Publish(const v1::DirectoryEntry& entry);

  storage::Store* const store_;
  storage::Oplog* const oplog_;
};

}  // namespace cantine::site
