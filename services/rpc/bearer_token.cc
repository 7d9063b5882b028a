#include "services/rpc/bearer_token.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace cantine::rpc {

absl::StatusOr<std::optional<std::string>> BearerToken(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError("the authorization metadata must read 'Bearer <token>'");
  }
  value.remove_prefix(kScheme.size());
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return absl::UnauthenticatedError("the bearer token is empty");
  return std::optional<std::string>(std::string(value));
}

}  // namespace cantine::rpc
