#include "tools/cantinectl/grpc_call.h"

#include "absl/strings/str_cat.h"

namespace cantine::cantinectl {

void PrepareCallContext(grpc::ClientContext& context, absl::Duration timeout,
                        const std::string* bearer_token) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (bearer_token != nullptr) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", *bearer_token));
  }
}

}  // namespace cantine::cantinectl
