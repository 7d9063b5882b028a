#include "tests/fault/fault_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cantine::testing {
namespace {

// How long a blocked pump or the acceptor waits before it looks at the proxy's state again:
// the longest a Cut takes to reach an idle connection.
constexpr int kPollMillis = 20;
constexpr size_t kChunkBytes = 16 * 1024;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// Closing the socket then sends RST rather than FIN, as a peer that vanished does.
void ArmReset(int fd) {
  const linger abort{.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
}

void ResetAndClose(int fd) {
  ArmReset(fd);
  close(fd);
}

// Writes all of `data`; false when the socket is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = send(fd, data, size, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(int target_port) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener, 64) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = strerror(errno);
    close(listener);
    return absl::UnavailableError(absl::StrCat("proxy listener on 127.0.0.1: ", error));
  }
  return std::unique_ptr<FaultProxy>(
      new FaultProxy(listener, ntohs(address.sin_port), target_port));
}

FaultProxy::FaultProxy(int listener, int port, int target_port)
    : listener_(listener), port_(port), target_port_(target_port) {
  acceptor_ = std::thread([this] { Accept(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  acceptor_.join();
  close(listener_);
  {
    absl::MutexLock lock(&connections_mu_);
    for (const std::unique_ptr<Connection>& connection : open_) {
      shutdown(connection->client, SHUT_RDWR);
      shutdown(connection->upstream, SHUT_RDWR);
    }
  }
  Reap(/*all=*/true);
}

void FaultProxy::SetTarget(int target_port) { target_port_ = target_port; }

void FaultProxy::Cut() {
  absl::MutexLock lock(&mu_);
  cut_ = true;
  ++generation_;
}

void FaultProxy::Heal() {
  absl::MutexLock lock(&mu_);
  cut_ = false;
  shaping_ = Shaping();
}

void FaultProxy::Delay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  shaping_.delay = delay;
}

void FaultProxy::Throttle(int64_t bytes_per_second) {
  absl::MutexLock lock(&mu_);
  shaping_.bytes_per_second = bytes_per_second;
}

void FaultProxy::Reset() {
  absl::MutexLock lock(&mu_);
  ++generation_;
}

bool FaultProxy::cut() const {
  absl::MutexLock lock(&mu_);
  return cut_;
}

bool FaultProxy::Current(const Connection& connection) const {
  absl::MutexLock lock(&mu_);
  return !cut_ && connection.generation == generation_;
}

FaultProxy::Shaping FaultProxy::shaping() const {
  absl::MutexLock lock(&mu_);
  return shaping_;
}

void FaultProxy::Accept() {
  while (!stopping_) {
    Reap(/*all=*/false);
    pollfd ready{.fd = listener_, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, kPollMillis) <= 0) continue;
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    auto connection = std::make_unique<Connection>();
    {
      absl::MutexLock lock(&mu_);
      if (cut_) {
        ResetAndClose(client);
        continue;
      }
      connection->generation = generation_;
    }
    const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in target = Loopback(target_port_);
    if (upstream < 0 ||
        connect(upstream, reinterpret_cast<const sockaddr*>(&target), sizeof(target)) != 0) {
      // The node behind is down: the caller sees its connection refused, as it would.
      if (upstream >= 0) close(upstream);
      ResetAndClose(client);
      continue;
    }
    const int no_delay = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof(no_delay));
    setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof(no_delay));
    connection->client = client;
    connection->upstream = upstream;
    Connection* raw = connection.get();
    ++connections_;
    absl::MutexLock lock(&connections_mu_);
    raw->to_upstream = std::thread([this, raw] { Pump(raw, raw->client, raw->upstream); });
    raw->to_client = std::thread([this, raw] { Pump(raw, raw->upstream, raw->client); });
    open_.push_back(std::move(connection));
  }
}

void FaultProxy::Pump(Connection* connection, int from, int to) {
  char buffer[kChunkBytes];
  bool reset = false;
  while (!stopping_) {
    if (!Current(*connection)) {
      reset = true;
      break;
    }
    pollfd ready{.fd = from, .events = POLLIN, .revents = 0};
    const int polled = poll(&ready, 1, kPollMillis);
    if (polled == 0 || (polled < 0 && errno == EINTR)) continue;
    const ssize_t read = recv(from, buffer, sizeof(buffer), 0);
    if (read < 0 && errno == EINTR) continue;
    if (read <= 0) {
      // The sender closed its side (or failed): pass the end on, keep the other direction.
      shutdown(to, SHUT_WR);
      if (read < 0) reset = true;
      break;
    }
    const Shaping shaping = this->shaping();
    absl::Duration hold = shaping.delay;
    if (shaping.bytes_per_second > 0) {
      hold += absl::Seconds(static_cast<double>(read) / shaping.bytes_per_second);
    }
    if (hold > absl::ZeroDuration()) absl::SleepFor(hold);
    if (!Current(*connection)) {
      reset = true;
      break;
    }
    if (!WriteAll(to, buffer, static_cast<size_t>(read))) {
      reset = true;
      break;
    }
  }
  if (reset || stopping_) {
    // Both sockets end now; the other pump sees its read end and stops too.
    ArmReset(connection->client);
    ArmReset(connection->upstream);
    shutdown(connection->client, SHUT_RDWR);
    shutdown(connection->upstream, SHUT_RDWR);
  }
  --connection->pumps_running;
}

void FaultProxy::Reap(bool all) {
  std::vector<std::unique_ptr<Connection>> ended;
  {
    absl::MutexLock lock(&connections_mu_);
    auto done = std::partition(open_.begin(), open_.end(), [all](const auto& connection) {
      return !all && connection->pumps_running.load() > 0;
    });
    ended.insert(ended.end(), std::make_move_iterator(done), std::make_move_iterator(open_.end()));
    open_.erase(done, open_.end());
  }
  for (const std::unique_ptr<Connection>& connection : ended) {
    connection->to_upstream.join();
    connection->to_client.join();
    close(connection->client);
    close(connection->upstream);
  }
}

}  // namespace cantine::testing
