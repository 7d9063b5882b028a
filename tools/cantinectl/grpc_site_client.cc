#include "tools/cantinectl/grpc_site_client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tools/cantinectl/grpc_call.h"

namespace cantine::cantinectl {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file) {
  if (insecure) return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions options;
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    std::stringstream pem;
    if (!in || !(pem << in.rdbuf()) ||
        pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read a PEM certificate from the CA file '", ca_file, "' (--ca or $CANTINE_CA)"));
    }
    options.pem_root_certs = pem.str();
  }
  return grpc::CreateChannel(target, grpc::SslCredentials(options));
}

GrpcSiteClient::GrpcSiteClient(const std::shared_ptr<grpc::ChannelInterface>& channel,
                               absl::Duration timeout)
    : stub_(v1::SiteService::NewStub(channel)), timeout_(timeout) {}

template <typename Request, typename Response>
absl::StatusOr<Response> GrpcSiteClient::Call(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, const std::string* admin_credential) {
  return CallUnary(*stub_, method, request, timeout_, admin_credential);
}

absl::StatusOr<v1::Site> GrpcSiteClient::GetSite() {
  return Call(&Stub::GetSite, v1::GetSiteRequest(), nullptr);
}

absl::StatusOr<v1::ListSitesResponse> GrpcSiteClient::ListSites() {
  return Call(&Stub::ListSites, v1::ListSitesRequest(), nullptr);
}

absl::StatusOr<v1::ListSpacesResponse> GrpcSiteClient::ListSpaces(
    const v1::ListSpacesRequest& request) {
  return Call(&Stub::ListSpaces, request, nullptr);
}

absl::StatusOr<v1::Space> GrpcSiteClient::GetSpace(const v1::GetSpaceRequest& request) {
  return Call(&Stub::GetSpace, request, nullptr);
}

absl::StatusOr<v1::Space> GrpcSiteClient::CreateSpace(const v1::CreateSpaceRequest& request,
                                                      const std::string& admin_credential) {
  return Call(&Stub::CreateSpace, request, &admin_credential);
}

absl::StatusOr<v1::Space> GrpcSiteClient::UpdateSpace(const v1::UpdateSpaceRequest& request,
                                                      const std::string& admin_credential) {
  return Call(&Stub::UpdateSpace, request, &admin_credential);
}

absl::StatusOr<v1::Space> GrpcSiteClient::RetireSpace(const v1::RetireSpaceRequest& request,
                                                      const std::string& admin_credential) {
  return Call(&Stub::RetireSpace, request, &admin_credential);
}

absl::StatusOr<v1::SitePolicy> GrpcSiteClient::UpdatePolicy(const v1::UpdatePolicyRequest& request,
                                                            const std::string& admin_credential) {
  return Call(&Stub::UpdatePolicy, request, &admin_credential);
}

}  // namespace cantine::cantinectl
