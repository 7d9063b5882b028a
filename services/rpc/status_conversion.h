#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace cantine::rpc {

// The one conversion between absl::Status and grpc::Status; the codes are the same set.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace cantine::rpc
