#include "services/site/site_service.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/status_conversion.h"
#include "services/site/site_codec.h"

namespace cantine::site {

using rpc::ToGrpcStatus;

SiteServiceImpl::SiteServiceImpl(SiteCatalog* catalog, SiteDirectory* directory,
                                 const auth::AdminCredential* admin)
    : catalog_(catalog), directory_(directory), admin_(admin) {}

v1::Space SiteServiceImpl::ToProto(const domain::Space& space) const {
  return SpaceToProto(space, catalog_->profile().currency_code);
}

grpc::Status SiteServiceImpl::GetSite(grpc::ServerContext*, const v1::GetSiteRequest*,
                                      v1::Site* response) {
  *response = SiteToProto(catalog_->profile(), catalog_->policy());
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::ListSites(grpc::ServerContext*, const v1::ListSitesRequest*,
                                        v1::ListSitesResponse* response) {
  absl::StatusOr<std::vector<v1::DirectoryEntry>> entries = directory_->List();
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  for (const v1::DirectoryEntry& entry : *entries) *response->add_sites() = entry.site();
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::ListSpaces(grpc::ServerContext*, const v1::ListSpacesRequest* request,
                                         v1::ListSpacesResponse* response) {
  absl::StatusOr<std::vector<domain::Space>> spaces =
      catalog_->ListSpaces(request->include_retired());
  if (!spaces.ok()) return ToGrpcStatus(spaces.status());
  for (const domain::Space& space : *spaces) *response->add_spaces() = ToProto(space);
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::GetSpace(grpc::ServerContext*, const v1::GetSpaceRequest* request,
                                       v1::Space* response) {
  if (absl::Status s = domain::CheckSlug("space_id", request->space_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::Space> space = catalog_->GetSpace(request->space_id());
  if (!space.ok()) return ToGrpcStatus(space.status());
  *response = ToProto(*space);
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::CreateSpace(grpc::ServerContext* context,
                                          const v1::CreateSpaceRequest* request,
                                          v1::Space* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (!request->has_space()) {
    return ToGrpcStatus(absl::InvalidArgumentError("space is required"));
  }
  absl::StatusOr<domain::Space> space =
      SpaceFromProto(request->space(), catalog_->profile().currency_code);
  if (!space.ok()) return ToGrpcStatus(space.status());
  absl::StatusOr<domain::Space> created = catalog_->CreateSpace(*std::move(space));
  if (!created.ok()) return ToGrpcStatus(created.status());
  log_.Info("created ", domain::SpaceKindName(created->kind), " '", created->space_id, "' with ",
            created->seats, " seats");
  *response = ToProto(*created);
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::UpdateSpace(grpc::ServerContext* context,
                                          const v1::UpdateSpaceRequest* request,
                                          v1::Space* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("space_id", request->space_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  domain::SpaceUpdate update;
  if (request->has_display_name()) update.display_name = request->display_name();
  if (request->has_description()) update.description = request->description();
  if (request->has_seats()) update.seats = request->seats();
  const std::string& site_currency = catalog_->profile().currency_code;
  if (request->has_price_per_slot()) {
    absl::StatusOr<int64_t> price =
        AmountInSiteCurrency("price_per_slot", request->price_per_slot(), site_currency);
    if (!price.ok()) return ToGrpcStatus(price.status());
    update.price_per_slot_minor = *price;
  }
  if (request->has_visitor_price_per_slot()) {
    absl::StatusOr<int64_t> price = AmountInSiteCurrency(
        "visitor_price_per_slot", request->visitor_price_per_slot(), site_currency);
    if (!price.ok()) return ToGrpcStatus(price.status());
    update.visitor_price_per_slot_minor = *price;
  }
  absl::StatusOr<domain::Space> updated = catalog_->UpdateSpace(request->space_id(), update);
  if (!updated.ok()) return ToGrpcStatus(updated.status());
  log_.Info("updated space '", updated->space_id, "'");
  *response = ToProto(*updated);
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::RetireSpace(grpc::ServerContext* context,
                                          const v1::RetireSpaceRequest* request,
                                          v1::Space* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("space_id", request->space_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::Space> retired = catalog_->RetireSpace(request->space_id());
  if (!retired.ok()) return ToGrpcStatus(retired.status());
  log_.Info("retired space '", retired->space_id, "'");
  *response = ToProto(*retired);
  return grpc::Status::OK;
}

grpc::Status SiteServiceImpl::UpdatePolicy(grpc::ServerContext* context,
                                           const v1::UpdatePolicyRequest* request,
                                           v1::SitePolicy* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (!request->has_policy()) {
    return ToGrpcStatus(absl::InvalidArgumentError("policy is required"));
  }
  absl::StatusOr<domain::SitePolicy> policy = PolicyFromProto(request->policy());
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  std::optional<domain::SitePolicy> expected;
  if (request->has_expected_policy()) {
    absl::StatusOr<domain::SitePolicy> read = PolicyFromProto(request->expected_policy());
    if (!read.ok()) return ToGrpcStatus(read.status());
    expected = *std::move(read);
  }
  if (absl::Status s = catalog_->UpdatePolicy(*policy, expected); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // Other sites check this site's members' visits against the allowance in its directory
  // entry.
  if (absl::Status s = directory_->PublishOwnVisitAllowance(catalog_->profile().site_id,
                                                            policy->member_visit_days_per_month);
      !s.ok() && !absl::IsNotFound(s)) {
    return ToGrpcStatus(s);
  }
  log_.Info("updated the site policy");
  *response = PolicyToProto(*policy);
  return grpc::Status::OK;
}

}  // namespace cantine::site
