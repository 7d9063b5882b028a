#include "services/rpc/admin_check.h"

#include "services/rpc/bearer_token.h"

namespace cantine::rpc {

absl::Status CheckAdmin(const grpc::ServerContextBase& context,
                        const auth::AdminCredential& admin) {
  absl::StatusOr<std::optional<std::string>> token = BearerToken(context);
  if (!token.ok()) return token.status();
  return admin.Check(*token);
}

}  // namespace cantine::rpc
