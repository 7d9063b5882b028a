#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/v1/site.pb.h"
#include "tools/bench/bench_client.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/report.h"
#include "tools/bench/slot_tally.h"
#include "tools/bench/venue_check.h"

namespace cantine::bench {

// The booking load that --mode=direct and --mode=forwarded share: the run's desk pools and
// members, phases of CreateBooking from client threads, and the verification at the venue.

inline constexpr size_t kMaxMessagesShown = 5;

// One stub set per client thread, each its own connection.
using ThreadStubs = std::vector<std::unique_ptr<NodeStubs>>;

struct SetUpOptions {
  // Spaces "<prefix>-<run id>-<i>"; members "<member_name> <run id> member <i>", e-mail
  // "<prefix>-<run id>-<i>@bench.example".
  std::string prefix;
  std::string member_name;
  int spaces = 0;
  int seats = 0;
  int members = 0;
  int days = 0;
  bool issue_tokens = false;  // Members book with tokens of their home; else as the desk.
  std::string admin_credential;
  absl::Duration rpc_timeout;
};

// What SetUpLoad made. Immutable afterwards.
struct LoadSetUp {
  v1::Site site;  // The venue's.
  std::optional<BookingWindow> window;
  std::string run_id;
  std::vector<BenchSpace> spaces;
  std::vector<std::string> member_ids;
  std::vector<std::string> tokens;  // Per member, when issued.
  absl::Duration wall;

  int days() const { return static_cast<int>(window->open_days().size()); }
  int slots() const { return window->slots_per_day(); }
  LoadShape Shape(int threads) const;
};

// Waits for every channel to connect; GetSite and the window at the venue; the desk pools
// at the venue and the members (and their tokens) at `home`, spread over the threads. The
// first failing call's error.
absl::StatusOr<LoadSetUp> SetUpLoad(const ThreadStubs& venue, const ThreadStubs& home,
                                    const SetUpOptions& options);

// One phase of bookings.
struct PhaseSpec {
  const ThreadStubs* stubs = nullptr;  // Where each thread books.
  std::string site_id;                 // Of every request; empty: the node's own.
  std::string key_prefix;              // Idempotency keys: <prefix><thread>-<sequence>.
  absl::Duration duration;
  int64_t max_bookings = 0;  // The phase also ends after this many acknowledged; 0: no limit.
  absl::Duration rpc_timeout;
  std::vector<int> pids;             // The nodes' processes, for BookingFigures::cpu.
  std::ostream* progress = nullptr;  // When set, a line every 10 s.
};

// A phase's figures and its latencies, summed with Add over phases of one kind.
struct PhaseResult {
  BookingFigures figures;
  std::vector<int64_t> acknowledged_nanos;
  std::vector<int64_t> refused_nanos;
  std::vector<int64_t> other_nanos;  // Answered with another code.
};
void Add(PhaseResult& sum, PhaseResult more);
// The figures with their latency summaries.
BookingFigures Summarize(PhaseResult result);

// The phases of one run over one LoadSetUp, and what they were acknowledged. Each thread
// books a random space, open day and slot, 1 seat, as member t, t + threads, ... in turn. A
// call without an answer is repeated with the same key to learn its outcome. Not
// thread-safe: one phase at a time.
class BookingLoad {
 public:
  BookingLoad(const LoadSetUp& setup, std::string admin_credential);

  PhaseResult Run(const PhaseSpec& spec);

  // GetAvailability and ListBookings of every slot, GetBooking of every acknowledged
  // booking, at the venue; the first failing call's error.
  absl::StatusOr<VerificationFigures> Verify(const ThreadStubs& venue,
                                             absl::Duration rpc_timeout) const;

  int64_t acknowledged() const { return static_cast<int64_t>(bookings_.size()); }

 private:
  struct Worker;
  void Book(const PhaseSpec& spec, int thread, Worker& w);

  const LoadSetUp& setup_;
  const std::string admin_credential_;
  SlotTally tally_;  // Of every phase.
  std::vector<AcknowledgedBooking> bookings_;
};

}  // namespace cantine::bench
