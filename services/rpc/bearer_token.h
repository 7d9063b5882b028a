#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"

namespace cantine::rpc {

// The token of the call's `authorization: Bearer <token>` metadata; nullopt when the call
// carries no authorization header. A header in another form is UNAUTHENTICATED.
absl::StatusOr<std::optional<std::string>> BearerToken(const grpc::ServerContextBase& context);

}  // namespace cantine::rpc
