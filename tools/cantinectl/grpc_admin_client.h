#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/cantinectl/admin_client.h"

namespace cantine::cantinectl {

// AdminClient over gRPC. Every call gets its own deadline, `timeout` from its start.
// Not thread-safe (cantinectl makes one call at a time).
class GrpcAdminClient final : public AdminClient {
 public:
  GrpcAdminClient(const std::shared_ptr<grpc::ChannelInterface>& channel, absl::Duration timeout);

  absl::StatusOr<v1::NetworkStatus> GetNetworkStatus(const std::string& admin_credential) override;

 private:
  std::unique_ptr<v1::AdminService::StubInterface> stub_;
  absl::Duration timeout_;
};

}  // namespace cantine::cantinectl
