#include "tools/cantinectl/grpc_admin_client.h"

#include "tools/cantinectl/grpc_call.h"

namespace cantine::cantinectl {
namespace {

using Stub = v1::AdminService::StubInterface;

}  // namespace

GrpcAdminClient::GrpcAdminClient(const std::shared_ptr<grpc::ChannelInterface>& channel,
                                 absl::Duration timeout)
    : stub_(v1::AdminService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::NetworkStatus> GrpcAdminClient::GetNetworkStatus(
    const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::GetNetworkStatus, v1::GetNetworkStatusRequest(), timeout_,
                   &admin_credential);
}

}  // namespace cantine::cantinectl
