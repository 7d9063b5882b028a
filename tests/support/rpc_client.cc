#include "tests/support/rpc_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"

namespace cantine::testing {

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

void Authorize(grpc::ClientContext& context, absl::string_view bearer) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", bearer));
}

std::unique_ptr<grpc::ClientContext> Context(absl::string_view bearer, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  SetDeadline(*context, timeout);
  if (!bearer.empty()) Authorize(*context, bearer);
  return context;
}

std::shared_ptr<grpc::Channel> LoopbackChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

}  // namespace cantine::testing
