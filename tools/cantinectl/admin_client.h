#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/admin.pb.h"

namespace cantine::cantinectl {

// The AdminService calls cantinectl makes, so that commands can be run against a fake.
// Errors are the call's status, as the node or the transport gave it. Implementations
// need not be thread-safe.
class AdminClient {
 public:
  virtual ~AdminClient() = default;

  // A manager read: `admin_credential` is presented as the call's bearer token.
  virtual absl::StatusOr<v1::NetworkStatus> GetNetworkStatus(
      const std::string& admin_credential) = 0;
};

}  // namespace cantine::cantinectl
