#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"

namespace cantine::rpc {

// The one conversion between absl::Status and grpc::Status; the codes are the same set.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// A handler's answer: `result` copied into `response`, or its status converted.
template <typename Message>
grpc::Status Answer(const absl::StatusOr<Message>& result, Message* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *result;
  return grpc::Status::OK;
}

}  // namespace cantine::rpc
