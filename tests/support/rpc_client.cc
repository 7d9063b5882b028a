#include "tests/support/rpc_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <random>

#include "absl/base/const_init.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

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

std::shared_ptr<grpc::Channel> LoopbackChannelOfItsOwn(int port) {
  static std::atomic<int> next{0};
  grpc::ChannelArguments arguments;
  arguments.SetInt("cantine.test.connection", next++);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), arguments);
}

namespace {

// `port` (0: one the kernel picks) once bound on 127.0.0.1 and released; 0 when it cannot
// be bound.
int BindLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t length = sizeof(address);
  int bound = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    bound = ntohs(address.sin_port);
  }
  close(fd);
  return bound;
}

}  // namespace

int UnusedLoopbackPort() { return BindLoopback(0); }

int UnusedLoopbackPortBelowEphemeral() {
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  static std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> ports(20000, 32767);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = BindLoopback(ports(random));
    if (port != 0) return port;
  }
  return 0;
}

}  // namespace cantine::testing
