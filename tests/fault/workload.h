#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tests/fault/history.h"

namespace cantine::testing {

// The first of the venue days a run books, from today: far enough ahead that no venue's
// zone, skew or cancellation window makes it today.
inline constexpr int kFirstRunDayAhead = 3;

struct WorkloadOptions {
  uint64_t seed = 1;
  // Venue days booked: from kFirstRunDayAhead days ahead, this many.
  int days = 7;
  // How long a client waits for one answer.
  absl::Duration deadline = absl::Seconds(5);
  // Tries of one booking or cancellation, each through a node chosen anew, the same
  // idempotency key every time.
  int tries = 4;
};

// The clients of a fault run: each plays one member, through the public ports of the
// network's nodes (never through the fault proxies), in a loop of its own until Stop:
//
//   book a desk or the room at its home or another venue, through a node chosen at random
//   (the venue itself, or another that forwards); cancel one of its bookings; read its
//   itinerary through any node; have its home desk rename it; have a desk announce an
//   event; rarely, have its home desk erase it (the client then plays a new member).
//
// Every call and what its caller learnt of it goes to the History. The random choices come
// from the run's seed; how calls interleave with faults does not replay exactly.
class Workload {
 public:
  Workload(WorkloadOptions options, std::string admin_secret, History* history);
  ~Workload();

  // A site that now serves: clients may call it and book its venue.
  void AddSite(const std::string& site, int port) ABSL_LOCKS_EXCLUDED(mu_);
  // Registers `count` members at `site`, each with a client started at once. Fails when a
  // registration is not answered within a minute.
  absl::Status AddClients(const std::string& site, int count) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops every client, waits for them, and closes their connections.
  void Stop();

  // The calls made since the last window (every try of every call, answered or not) and
  // their latencies, for a soak's figures.
  struct Window {
    int64_t calls = 0;
    absl::Duration p50 = absl::ZeroDuration();
    absl::Duration p99 = absl::ZeroDuration();
    absl::Duration max = absl::ZeroDuration();
  };
  Window TakeWindow() ABSL_LOCKS_EXCLUDED(latency_mu_);

  // The venue days a run books (the same dates at every venue, whatever its zone).
  static std::vector<absl::CivilDay> RunDays(int days);

 private:
  struct Node {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::BookingService::Stub> bookings;
    std::unique_ptr<v1::MemberService::Stub> members;
    std::unique_ptr<v1::EventService::Stub> events;
  };
  class Client;

  // Registers a member at `home` through the desk and issues its token: its index in the
  // history; the call's error when the home does not answer.
  absl::StatusOr<size_t> Register(const std::string& home);
  std::vector<std::string> Sites() const ABSL_LOCKS_EXCLUDED(mu_);
  Node& NodeOf(const std::string& site) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordLatency(absl::Duration latency) ABSL_LOCKS_EXCLUDED(latency_mu_);

  const WorkloadOptions options_;
  const std::string admin_secret_;
  History* const history_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> registrations_{0};
  mutable absl::Mutex mu_;
  std::vector<std::string> sites_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<Node>> nodes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  absl::Mutex latency_mu_;
  std::vector<absl::Duration> latencies_ ABSL_GUARDED_BY(latency_mu_);
};

}  // namespace cantine::testing
