#pragma once

#include "cantine/v1/site.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/logging/logger.h"
#include "services/site/site_catalog.h"
#include "services/site/site_directory.h"

namespace cantine::site {

// cantine.v1.SiteService: validates each request, checks the admin credential on manager
// writes, and delegates to the SiteCatalog. Thread-safe.
class SiteServiceImpl final : public v1::SiteService::Service {
 public:
  // None owned; all outlive the service.
  SiteServiceImpl(SiteCatalog* catalog, SiteDirectory* directory,
                  const auth::AdminCredential* admin);

  grpc::Status GetSite(grpc::ServerContext* context, const v1::GetSiteRequest* request,
                       v1::Site* response) override;
  grpc::Status ListSites(grpc::ServerContext* context, const v1::ListSitesRequest* request,
                         v1::ListSitesResponse* response) override;
  grpc::Status ListSpaces(grpc::ServerContext* context, const v1::ListSpacesRequest* request,
                          v1::ListSpacesResponse* response) override;
  grpc::Status GetSpace(grpc::ServerContext* context, const v1::GetSpaceRequest* request,
                        v1::Space* response) override;
  grpc::Status CreateSpace(grpc::ServerContext* context, const v1::CreateSpaceRequest* request,
                           v1::Space* response) override;
  grpc::Status UpdateSpace(grpc::ServerContext* context, const v1::UpdateSpaceRequest* request,
                           v1::Space* response) override;
  grpc::Status RetireSpace(grpc::ServerContext* context, const v1::RetireSpaceRequest* request,
                           v1::Space* response) override;
  grpc::Status UpdatePolicy(grpc::ServerContext* context, const v1::UpdatePolicyRequest* request,
                            v1::SitePolicy* response) override;

 private:
  v1::Space ToProto(const domain::Space& space) const;

  SiteCatalog* const catalog_;
  SiteDirectory* const directory_;
  const auth::AdminCredential* const admin_;
  const logging::Logger log_{"site"};
};

}  // namespace cantine::site
