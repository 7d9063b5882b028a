#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cantine::testing {

// A TCP proxy on 127.0.0.1 in front of one link of a test network (one node's dials to one
// peer's federation port), that the fault harness cuts, slows and resets on command. Each
// connection it accepts is forwarded to the target port, byte for byte, in both directions.
//
//   Cut      resets every open connection (RST, as a dropped route does not, but as a
//            firewall rejecting does), and resets each new one at once, until Heal.
//   Delay    holds every chunk read, in either direction, this long before it is written.
//   Throttle writes at most this many bytes a second in each direction of a connection.
//   Reset    resets the connections open now; new ones are forwarded.
//
// Thread-safe. Each connection takes two threads; the destructor closes everything.
class FaultProxy {
 public:
  // Listens on a port of 127.0.0.1 chosen now. UNAVAILABLE when it cannot.
  static absl::StatusOr<std::unique_ptr<FaultProxy>> Start(int target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  // Where new connections go: a restarted node may listen on another port.
  void SetTarget(int target_port);

  void Cut() ABSL_LOCKS_EXCLUDED(mu_);
  // Forwards again, with no delay nor throttle.
  void Heal() ABSL_LOCKS_EXCLUDED(mu_);
  void Delay(absl::Duration delay) ABSL_LOCKS_EXCLUDED(mu_);
  void Throttle(int64_t bytes_per_second) ABSL_LOCKS_EXCLUDED(mu_);
  void Reset() ABSL_LOCKS_EXCLUDED(mu_);

  bool cut() const ABSL_LOCKS_EXCLUDED(mu_);
  // Connections accepted and forwarded so far.
  int64_t connections() const { return connections_.load(); }

 private:
  // One proxied connection: its two sockets and the thread of each direction.
  struct Connection {
    int client = -1;
    int upstream = -1;
    // Bumped by Cut and Reset: a pump that sees another generation than its start resets.
    uint64_t generation = 0;
    std::atomic<int> pumps_running{2};
    std::thread to_upstream;
    std::thread to_client;
  };
  struct Shaping {
    absl::Duration delay = absl::ZeroDuration();
    int64_t bytes_per_second = 0;  // 0: unlimited.
  };

  FaultProxy(int listener, int port, int target_port);
  void Accept();
  void Pump(Connection* connection, int from, int to) ABSL_LOCKS_EXCLUDED(mu_);
  // Joins and frees the connections whose pumps have both ended.
  void Reap(bool all) ABSL_LOCKS_EXCLUDED(mu_);
  bool Current(const Connection& connection) const ABSL_LOCKS_EXCLUDED(mu_);
  Shaping shaping() const ABSL_LOCKS_EXCLUDED(mu_);

  const int listener_;
  const int port_;
  std::atomic<int> target_port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> connections_{0};
  mutable absl::Mutex mu_;
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  Shaping shaping_ ABSL_GUARDED_BY(mu_);
  absl::Mutex connections_mu_;
  std::vector<std::unique_ptr<Connection>> open_ ABSL_GUARDED_BY(connections_mu_);
  std::thread acceptor_;
};

}  // namespace cantine::testing
