#include "services/site/site_catalog.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/site/site_codec.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::site {
namespace {

constexpr absl::string_view kSiteKey = "site";
constexpr absl::string_view kPolicyKey = "policy";
constexpr size_t kMaxSpacesPerSite = 10000;

std::string SpaceKey(absl::string_view space_id) {
  return storage::KeyBuilder().AddString(space_id).Build();
}

absl::Status CorruptRecord(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
}

absl::StatusOr<domain::SitePolicy> DecodePolicy(const std::string& bytes) {
  ASSIGN_OR_RETURN(v1::SitePolicy proto,
                   storage::ParseRecord<v1::SitePolicy>(bytes, "stored site policy"));
  return PolicyFromProto(proto);
}

absl::Status SpaceNotFound(absl::string_view space_id) {
  return absl::NotFoundError(absl::StrCat("no space '", space_id, "' at this site"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SiteCatalog>> SiteCatalog::Open(storage::Store* store,
                                                               const storage::Clock* clock,
                                                               const Seed& seed) {
  RETURN_IF_ERROR(domain::ValidateSiteProfile(seed.profile));

  std::unique_ptr<storage::Transaction> txn = store->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> stored_site,
                   txn->GetForUpdate(storage::Table::kMeta, kSiteKey));

  domain::SitePolicy policy = seed.initial_policy;
  if (stored_site.has_value()) {
    ASSIGN_OR_RETURN(v1::Site site,
                     storage::ParseRecord<v1::Site>(*stored_site, "stored site record"));
    if (site.site_id() != seed.profile.site_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the data folder belongs to site '", site.site_id(), "', not to '", seed.profile.site_id,
          "'; point this node at its own "
          "data folder"));
    }
    ASSIGN_OR_RETURN(std::optional<std::string> stored_policy,
                     txn->Get(storage::Table::kMeta, kPolicyKey));
    if (!stored_policy.has_value()) return CorruptRecord("site without a policy");
    ASSIGN_OR_RETURN(policy, DecodePolicy(*stored_policy));
  } else {
    // First start: the seed is written with the site record, all or nothing.
    if (absl::Status s = domain::ValidateSitePolicy(policy); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("initial_policy: ", s.message()));
    }
    RETURN_IF_ERROR(
        storage::PutRecord(*txn, storage::Table::kMeta, kPolicyKey, PolicyToProto(policy)));
  }

  auto catalog = std::unique_ptr<SiteCatalog>(new SiteCatalog(store, clock, seed.profile, policy));
  if (!stored_site.has_value()) {
    const absl::Time now = clock->Now();
    for (domain::Space space : seed.initial_spaces) {
      space.site_id = seed.profile.site_id;
      space.state = domain::SpaceState::kActive;
      space.create_time = space.update_time = now;
      if (absl::Status s = domain::ValidateSpace(space); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("initial_spaces: ", s.message()));
      }
      ASSIGN_OR_RETURN(std::optional<std::string> existing,
                       txn->Get(storage::Table::kSpaces, SpaceKey(space.space_id)));
      if (existing.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("initial_spaces: space_id '", space.space_id, "' appears twice"));
      }
      RETURN_IF_ERROR(catalog->PutSpace(*txn, space));
    }
  }
  v1::Site site_record = SiteToProto(seed.profile, policy);
  site_record.clear_policy();  // Stored once, under kPolicyKey.
  RETURN_IF_ERROR(storage::PutRecord(*txn, storage::Table::kMeta, kSiteKey, site_record));
  RETURN_IF_ERROR(txn->Commit());
  return catalog;
}

SiteCatalog::SiteCatalog(storage::Store* store, const storage::Clock* clock,
                         domain::SiteProfile profile, domain::SitePolicy policy)
    : store_(store), clock_(clock), profile_(std::move(profile)), policy_(std::move(policy)) {}

domain::SitePolicy SiteCatalog::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

absl::StatusOr<domain::Space> SiteCatalog::DecodeSpace(absl::string_view bytes) const {
  ASSIGN_OR_RETURN(v1::Space proto, storage::ParseRecord<v1::Space>(bytes, "stored space"));
  return SpaceFromProto(proto, profile_.currency_code);
}

absl::Status SiteCatalog::PutSpace(storage::Transaction& txn, const domain::Space& space) const {
  return storage::PutRecord(txn, storage::Table::kSpaces, SpaceKey(space.space_id),
                            SpaceToProto(space, profile_.currency_code));
}

absl::StatusOr<std::vector<domain::Space>> SiteCatalog::ListSpaces(bool include_retired) const {
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                   store_->Scan(storage::Table::kSpaces, /*prefix=*/"", kMaxSpacesPerSite));
  std::vector<domain::Space> spaces;
  for (const storage::KeyValue& row : rows) {
    ASSIGN_OR_RETURN(domain::Space space, DecodeSpace(row.value));
    if (!include_retired && space.state == domain::SpaceState::kRetired) continue;
    spaces.push_back(std::move(space));
  }
  return spaces;
}

absl::StatusOr<domain::Space> SiteCatalog::GetSpace(absl::string_view space_id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(storage::Table::kSpaces, SpaceKey(space_id)));
  if (!bytes.has_value()) return SpaceNotFound(space_id);
  return DecodeSpace(*bytes);
}

absl::StatusOr<domain::Space> SiteCatalog::CreateSpace(domain::Space space) {
  space.site_id = profile_.site_id;
  space.state = domain::SpaceState::kActive;
  space.create_time = space.update_time = clock_->Now();
  RETURN_IF_ERROR(domain::ValidateSpace(space));

  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> existing,
                   txn->GetForUpdate(storage::Table::kSpaces, SpaceKey(space.space_id)));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("space '", space.space_id,
                                                 "' already exists at this site; "
                                                 "UpdateSpace changes it"));
  }
  RETURN_IF_ERROR(PutSpace(*txn, space));
  RETURN_IF_ERROR(txn->Commit());
  return space;
}

absl::StatusOr<domain::Space> SiteCatalog::UpdateSpace(absl::string_view space_id,
                                                       const domain::SpaceUpdate& update) {
  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   txn->GetForUpdate(storage::Table::kSpaces, SpaceKey(space_id)));
  if (!bytes.has_value()) return SpaceNotFound(space_id);
  ASSIGN_OR_RETURN(domain::Space space, DecodeSpace(*bytes));
  if (space.state == domain::SpaceState::kRetired) {
    return absl::FailedPreconditionError(
        absl::StrCat("space '", space_id, "' is retired and can no longer change"));
  }
  ASSIGN_OR_RETURN(domain::Space updated,
                   domain::ApplySpaceUpdate(std::move(space), update, clock_->Now()));
  RETURN_IF_ERROR(PutSpace(*txn, updated));
  RETURN_IF_ERROR(txn->Commit());
  return updated;
}

absl::StatusOr<domain::Space> SiteCatalog::RetireSpace(absl::string_view space_id) {
  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   txn->GetForUpdate(storage::Table::kSpaces, SpaceKey(space_id)));
  if (!bytes.has_value()) return SpaceNotFound(space_id);
  ASSIGN_OR_RETURN(domain::Space space, DecodeSpace(*bytes));
  if (space.state == domain::SpaceState::kRetired) return space;
  space.state = domain::SpaceState::kRetired;
  space.update_time = clock_->Now();
  RETURN_IF_ERROR(PutSpace(*txn, space));
  RETURN_IF_ERROR(txn->Commit());
  return space;
}

absl::Status SiteCatalog::UpdatePolicy(const domain::SitePolicy& policy,
                                       const std::optional<domain::SitePolicy>& expected) {
  RETURN_IF_ERROR(domain::ValidateSitePolicy(policy));
  // The mutex orders the stored write and the cache update, so readers never see the
  // cache ahead of, or behind, what a completed UpdatePolicy stored.
  absl::MutexLock lock(&mu_);
  if (expected.has_value() &&
      PolicyToProto(*expected).SerializeAsString() != PolicyToProto(policy_).SerializeAsString()) {
    return absl::AbortedError(
        "the policy changed since it was read (another manager's update): read it again and "
        "retry");
  }
  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  RETURN_IF_ERROR(
      storage::PutRecord(*txn, storage::Table::kMeta, kPolicyKey, PolicyToProto(policy)));
  RETURN_IF_ERROR(txn->Commit());
  policy_ = policy;
  return absl::OkStatus();
}

}  // namespace cantine::site
