#pragma once

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "services/auth/admin_credential.h"

namespace cantine::rpc {

// OK when the call carries `authorization: Bearer <the admin credential>`; otherwise
// UNAUTHENTICATED (no or malformed credential) or PERMISSION_DENIED (another one).
absl::Status CheckAdmin(const grpc::ServerContextBase& context, const auth::AdminCredential& admin);

}  // namespace cantine::rpc
