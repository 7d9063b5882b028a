#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/v1/site.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/cantinectl/site_client.h"

namespace cantine::cantinectl {

// The channel to the node at `target` (host:port). The one place that picks the transport
// security: plaintext when `insecure`; else TLS trusting the CA certificates in `ca_file`
// (PEM), or the system's trusted roots when `ca_file` is empty. FAILED_PRECONDITION naming
// the file when it cannot be read. Connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file);

// SiteClient over gRPC. Every call gets its own deadline, `timeout` from its start.
// Not thread-safe (cantinectl makes one call at a time).
class GrpcSiteClient final : public SiteClient {
 public:
  GrpcSiteClient(const std::shared_ptr<grpc::ChannelInterface>& channel, absl::Duration timeout);

  absl::StatusOr<v1::Site> GetSite() override;
  absl::StatusOr<v1::ListSitesResponse> ListSites() override;
  absl::StatusOr<v1::ListSpacesResponse> ListSpaces(const v1::ListSpacesRequest& request) override;
  absl::StatusOr<v1::Space> GetSpace(const v1::GetSpaceRequest& request) override;
  absl::StatusOr<v1::Space> CreateSpace(const v1::CreateSpaceRequest& request,
                                        const std::string& admin_credential) override;
  absl::StatusOr<v1::Space> UpdateSpace(const v1::UpdateSpaceRequest& request,
                                        const std::string& admin_credential) override;
  absl::StatusOr<v1::Space> RetireSpace(const v1::RetireSpaceRequest& request,
                                        const std::string& admin_credential) override;
  absl::StatusOr<v1::SitePolicy> UpdatePolicy(const v1::UpdatePolicyRequest& request,
                                              const std::string& admin_credential) override;

 private:
  using Stub = v1::SiteService::StubInterface;

  // CallUnary (grpc_call.h) on this client's stub with its timeout.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request, const std::string* admin_credential);

  std::unique_ptr<Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace cantine::cantinectl
