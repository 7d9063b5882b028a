#include "services/rpc/admin_check.h"

#include "services/rpc/bearer_token.h"
#include "storage/status_macros.h"

namespace cantine::rpc {

absl::Status CheckAdmin(const grpc::ServerContextBase& context,
                        const auth::AdminCredential& admin) {
  ASSIGN_OR_RETURN(std::optional<std::string> token, BearerToken(context));
  return admin.Check(token);
}

}  // namespace cantine::rpc
