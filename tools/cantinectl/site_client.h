#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/site.pb.h"

namespace cantine::cantinectl {

// The SiteService calls cantinectl makes, so that commands can be run against a fake.
// Errors are the call's status, as the node or the transport gave it. Implementations
// need not be thread-safe.
class SiteClient {
 public:
  virtual ~SiteClient() = default;

  virtual absl::StatusOr<v1::Site> GetSite() = 0;
  virtual absl::StatusOr<v1::ListSitesResponse> ListSites() = 0;
  virtual absl::StatusOr<v1::ListSpacesResponse> ListSpaces(
      const v1::ListSpacesRequest& request) = 0;
  virtual absl::StatusOr<v1::Space> GetSpace(const v1::GetSpaceRequest& request) = 0;

  // Manager writes: `admin_credential` is presented as the call's bearer token. The reads
  // above never carry it.
  virtual absl::StatusOr<v1::Space> CreateSpace(const v1::CreateSpaceRequest& request,
                                                const std::string& admin_credential) = 0;
  virtual absl::StatusOr<v1::Space> UpdateSpace(const v1::UpdateSpaceRequest& request,
                                                const std::string& admin_credential) = 0;
  virtual absl::StatusOr<v1::Space> RetireSpace(const v1::RetireSpaceRequest& request,
                                                const std::string& admin_credential) = 0;
  // Replaces the whole policy; the node answers with the policy it now holds.
  virtual absl::StatusOr<v1::SitePolicy> UpdatePolicy(const v1::UpdatePolicyRequest& request,
                                                      const std::string& admin_credential) = 0;
};

}  // namespace cantine::cantinectl
