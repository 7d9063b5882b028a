#include "services/site/site_service.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/status_conversion.h"
#include "services/site/site_codec.h"
#include "storage/status_macros.h"

namespace cantine::site {

namespace {

// The changes an UpdateSpaceRequest asks for, its prices in the site's currency.
absl::StatusOr<domain::SpaceUpdate> SpaceUpdateFromRequest(const v1::UpdateSpaceRequest& request,
                                                           const std::string& site_currency) {
  domain::SpaceUpdate update;
  if (request.has_display_name()) update.display_name = request.display_name();
  if (request.has_description()) update.description = request.description();
  if (request.has_seats()) update.seats = request.seats();
  if (request.has_price_per_slot()) {
    ASSIGN_OR_RETURN(
        update.price_per_slot_minor,
        AmountInSiteCurrency("price_per_slot", request.price_per_slot(), site_currency));
  }
  if (request.has_visitor_price_per_slot()) {
    ASSIGN_OR_RETURN(update.visitor_price_per_slot_minor,
                     AmountInSiteCurrency("visitor_price_per_slot",
                                          request.visitor_price_per_slot(), site_currency));
  }
  return update;
}

}  // namespace

SiteServiceImpl::SiteServiceImpl(SiteCatalog* catalog, SiteDirectory* directory,
                                 const auth::AdminCredential* admin)
    : catalog_(catalog), directory_(directory), admin_(admin) {}

v1::Space SiteServiceImpl::ToProto(const domain::Space& space) const {
  return SpaceToProto(space, catalog_->profile().currency_code);
}

grpc::Status SiteServiceImpl::GetSite(grpc::ServerContext*, const v1::GetSiteRequest*,
                                      v1::Site* response) {
  return rpc::Serve([&]() -> absl::Status {
    *response = SiteToProto(catalog_->profile(), catalog_->policy());
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::ListSites(grpc::ServerContext*, const v1::ListSitesRequest*,
                                        v1::ListSitesResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::DirectoryEntry> entries, directory_->List());
    for (const v1::DirectoryEntry& entry : entries) *response->add_sites() = entry.site();
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::ListSpaces(grpc::ServerContext*, const v1::ListSpacesRequest* request,
                                         v1::ListSpacesResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<domain::Space> spaces,
                     catalog_->ListSpaces(request->include_retired()));
    for (const domain::Space& space : spaces) *response->add_spaces() = ToProto(space);
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::GetSpace(grpc::ServerContext*, const v1::GetSpaceRequest* request,
                                       v1::Space* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("space_id", request->space_id()));
    ASSIGN_OR_RETURN(domain::Space space, catalog_->GetSpace(request->space_id()));
    *response = ToProto(space);
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::CreateSpace(grpc::ServerContext* context,
                                          const v1::CreateSpaceRequest* request,
                                          v1::Space* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    if (!request->has_space()) return absl::InvalidArgumentError("space is required");
    ASSIGN_OR_RETURN(domain::Space space,
                     SpaceFromProto(request->space(), catalog_->profile().currency_code));
    ASSIGN_OR_RETURN(domain::Space created, catalog_->CreateSpace(std::move(space)));
    log_.Info("created ", domain::SpaceKindName(created.kind), " '", created.space_id, "' with ",
              created.seats, " seats");
    *response = ToProto(created);
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::UpdateSpace(grpc::ServerContext* context,
                                          const v1::UpdateSpaceRequest* request,
                                          v1::Space* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    RETURN_IF_ERROR(domain::CheckSlug("space_id", request->space_id()));
    ASSIGN_OR_RETURN(domain::SpaceUpdate update,
                     SpaceUpdateFromRequest(*request, catalog_->profile().currency_code));
    ASSIGN_OR_RETURN(domain::Space updated, catalog_->UpdateSpace(request->space_id(), update));
    log_.Info("updated space '", updated.space_id, "'");
    *response = ToProto(updated);
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::RetireSpace(grpc::ServerContext* context,
                                          const v1::RetireSpaceRequest* request,
                                          v1::Space* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    RETURN_IF_ERROR(domain::CheckSlug("space_id", request->space_id()));
    ASSIGN_OR_RETURN(domain::Space retired, catalog_->RetireSpace(request->space_id()));
    log_.Info("retired space '", retired.space_id, "'");
    *response = ToProto(retired);
    return absl::OkStatus();
  });
}

grpc::Status SiteServiceImpl::UpdatePolicy(grpc::ServerContext* context,
                                           const v1::UpdatePolicyRequest* request,
                                           v1::SitePolicy* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    if (!request->has_policy()) return absl::InvalidArgumentError("policy is required");
    ASSIGN_OR_RETURN(domain::SitePolicy policy, PolicyFromProto(request->policy()));
    std::optional<domain::SitePolicy> expected;
    if (request->has_expected_policy()) {
      ASSIGN_OR_RETURN(expected, PolicyFromProto(request->expected_policy()));
    }
    RETURN_IF_ERROR(catalog_->UpdatePolicy(policy, expected));
    // Other sites check this site's members' visits against the allowance in its directory
    // entry.
    if (absl::Status s = directory_->PublishOwnVisitAllowance(catalog_->profile().site_id,
                                                              policy.member_visit_days_per_month);
        !s.ok() && !absl::IsNotFound(s)) {
      return s;
    }
    log_.Info("updated the site policy");
    *response = PolicyToProto(policy);
    return absl::OkStatus();
  });
}

}  // namespace cantine::site
