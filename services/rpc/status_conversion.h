#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace cantine::rpc {

// The one conversion between absl::Status and grpc::Status; the codes are the same set.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// A gRPC handler's edge, the one place it translates: runs `body`, the whole handler
// speaking absl::Status (RETURN_IF_ERROR, ASSIGN_OR_RETURN) and filling the response, and
// returns its status converted, code and message unchanged.
//
//   grpc::Status GetThing(grpc::ServerContext* context, const GetThingRequest* request,
//                         Thing* response) override {
//     return rpc::Serve([&]() -> absl::Status {
//       RETURN_IF_ERROR(CheckAdmin(*context, *admin_));
//       ASSIGN_OR_RETURN(*response, things_->Get(request->thing_id()));
//       return absl::OkStatus();
//     });
//   }
template <typename Body>
grpc::Status Serve(Body&& body) {
  static_assert(std::is_same_v<std::invoke_result_t<Body>, absl::Status>,
                "a handler's body returns absl::Status");
  return ToGrpcStatus(std::invoke(std::forward<Body>(body)));
}

}  // namespace cantine::rpc
