#include "tools/cantinectl/grpc_call.h"

#include "absl/strings/str_cat.h"

namespace cantine::cantinectl {

void PrepareCallContext(grpc::ClientContext& context, absl::Duration timeout,
                        const std::string* admin_credential) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (admin_credential != nullptr) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", *admin_credential));
  }
}

}  // namespace cantine::cantinectl
