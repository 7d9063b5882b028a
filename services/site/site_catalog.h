#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/domain/site_policy.h"
#include "services/domain/site_profile.h"
#include "services/domain/space.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace cantine::site {

// The site this node runs and its spaces: the rules of creating, changing and retiring
// spaces and the policy, persisted in the store. Plain C++, no gRPC. Thread-safe.
class SiteCatalog {
 public:
  // What the node's options give on start.
  struct Seed {
    domain::SiteProfile profile;
    domain::SitePolicy initial_policy;
    std::vector<domain::Space> initial_spaces;
  };

  // Opens the catalog over `store` (not owned; outlives the catalog). On an empty store it
  // writes the profile, the initial policy and the initial spaces in one transaction. On a
  // store that already has a site it refreshes the profile from `seed` but keeps the stored
  // policy and spaces; a store that belongs to another site id is FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<SiteCatalog>> Open(storage::Store* store,
                                                           const storage::Clock* clock,
                                                           const Seed& seed);

  // Immutable for the catalog's lifetime.
  const domain::SiteProfile& profile() const { return profile_; }
  domain::SitePolicy policy() const ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<std::vector<domain::Space>> ListSpaces(bool include_retired) const;
  // NOT_FOUND naming the space when there is none.
  absl::StatusOr<domain::Space> GetSpace(absl::string_view space_id) const;

  // Creates an active space. ALREADY_EXISTS when the id is taken (even by a retired space).
  absl::StatusOr<domain::Space> CreateSpace(domain::Space space);
  // NOT_FOUND, or FAILED_PRECONDITION when the space is retired.
  absl::StatusOr<domain::Space> UpdateSpace(absl::string_view space_id,
                                            const domain::SpaceUpdate& update);
  // Retiring a retired space is harmless and returns it unchanged.
  absl::StatusOr<domain::Space> RetireSpace(absl::string_view space_id);
  // Replaces the policy; with `expected`, only if the current policy is that one (ABORTED
  // otherwise).
  absl::Status UpdatePolicy(const domain::SitePolicy& policy,
                            const std::optional<domain::SitePolicy>& expected = std::nullopt)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  SiteCatalog(storage::Store* store, const storage::Clock* clock, domain::SiteProfile profile,
              domain::SitePolicy policy);

  absl::StatusOr<domain::Space> DecodeSpace(absl::string_view bytes) const;
  absl::Status PutSpace(storage::Transaction& txn, const domain::Space& space) const;

  storage::Store* const store_;
  const storage::Clock* const clock_;
  const domain::SiteProfile profile_;

  mutable absl::Mutex mu_;
  domain::SitePolicy policy_ ABSL_GUARDED_BY(mu_);  // Cache of the stored policy.
};

}  // namespace cantine::site
