#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "cantine/v1/site.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "services/node/node.h"
#include "tests/support/rpc_client.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/options.h"
#include "tools/bench/report.h"

namespace cantine::bench {

// The booking load that --mode=direct and --mode=forwarded share: the client side (stubs
// over connections of their own, calls with a deadline and a bearer credential, thread
// fan-out), the run's desk pools and members, phases of CreateBooking from client threads,
// and the verification at the venue of what the bench was told.

// What the bench itself saw of one slot of one space.
struct SlotCount {
  int32_t acknowledged_seats = 0;  // Seats of the bookings the node acknowledged.
  int32_t refusals = 0;            // Requests refused with FAILED_PRECONDITION.
};

// A SlotCount per (space, open day, slot), dense: spaces x days x slots_per_day.
// Not thread-safe: each worker keeps its own and they are merged afterwards.
class SlotTally {
 public:
  SlotTally(int spaces, int days, int slots_per_day);

  SlotCount& at(int space, int day, int slot) { return counts_[Index(space, day, slot)]; }
  const SlotCount& at(int space, int day, int slot) const {
    return counts_[Index(space, day, slot)];
  }

  // Adds `other`, which must have the same shape.
  void Merge(const SlotTally& other);

  int spaces() const { return spaces_; }
  int days() const { return days_; }
  int slots_per_day() const { return slots_per_day_; }

 private:
  size_t Index(int space, int day, int slot) const {
    return (static_cast<size_t>(space) * days_ + day) * slots_per_day_ + slot;
  }

  int spaces_;
  int days_;
  int slots_per_day_;
  std::vector<SlotCount> counts_;
};

// Everything known of one slot after a run: the bench's own count and what the node
// reports through GetAvailability and ListBookings(space_day).
struct SlotEvidence {
  int32_t capacity = 0;  // The space's seats.
  SlotCount bench;
  bool reported = false;  // Whether GetAvailability listed the slot at all.
  int32_t seats_total = 0;
  int32_t seats_free = 0;
  int32_t listed_confirmed_seats = 0;  // Seats of the CONFIRMED bookings listed on it.
};

struct SlotVerdict {
  // More seats held than the space has, by any of the three accounts.
  bool oversold = false;
  // GetAvailability disagrees with the bookings the bench was acknowledged (or is missing).
  bool availability_mismatch = false;
  // ListBookings disagrees with the bookings the bench was acknowledged.
  bool listing_mismatch = false;
  // A request for the slot was refused as full, yet the slot ends the run with free seats.
  // Bench runs never cancel, so a slot's held seats only grow.
  bool spurious_refusal = false;
};

SlotVerdict JudgeSlot(const SlotEvidence& evidence);

// The client side every mode shares: stubs over a connection of their own, thread fan-out,
// and the federation modes' readings. Calls carry a deadline and, when given, a bearer token
// (testing::Context of tests/support/rpc_client.h).

// The stubs over one channel with a TCP connection of its own. Stubs are thread-safe, but
// each client thread of a bench uses its own so that no connection is shared.
struct NodeStubs {
  // TLS trusting `ca_pem` unless it is empty (plaintext).
  NodeStubs(const std::string& target, const std::string& ca_pem);

  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  std::unique_ptr<v1::SiteService::Stub> sites;
  std::unique_ptr<v1::MemberService::Stub> members;
  std::unique_ptr<v1::BookingService::Stub> bookings;
  std::unique_ptr<v1::AdminService::Stub> admin;
};

// The status of a failed call, its message prefixed with what was being done.
absl::Status Failed(absl::string_view what, const grpc::Status& status);

// Eight random hex digits naming one bench run's records.
std::string NewRunId();

// Runs work(i) for every i in [0, threads) on a thread of its own; returns when all have.
void RunOnThreads(int threads, const std::function<void(int)>& work);

// Calls work(worker, i) for every i in [0, count), spread over `workers` threads. Stops
// handing out work at the first error, and returns it once every thread has stopped.
absl::Status ParallelFor(int workers, int64_t count,
                         const std::function<absl::Status(int, int64_t)>& work);

// What the federation modes read of their nodes.

// The seq that `vector` holds of site `site_id`'s origin; 0 when it holds none.
uint64_t SeqOf(const std::vector<v1::VersionVectorEntry>& vector, absl::string_view site_id);

// Entries received over all of `node`'s peer links.
uint64_t EntriesReceived(const node::Node& node);

// A Pull stream from the federation service at `address` (plaintext), as `site_id`, with a
// deadline `timeout` away: hands each response to `done` until it answers true, then cancels
// the stream. The error of `done`; UNAVAILABLE when the stream ends first.
absl::Status Pull(const std::string& address, const std::string& site_id, absl::Duration timeout,
                  const std::function<absl::StatusOr<bool>(const v1::PullResponse&)>& done);

// One desk pool of the run: its id, its seats, and its index in the bench's SlotTally.
struct BenchSpace {
  std::string space_id;
  int32_t capacity = 0;
  int index = 0;
};

// A booking the venue acknowledged, as the bench saw it.
struct AcknowledgedBooking {
  std::string booking_id;
  int32_t space = 0;  // Index of the run's spaces.
  int32_t day = 0;    // Index in the window's open days.
  int32_t slot = 0;
  std::string member_id;  // Empty: not checked.
};

enum class BookingVerdict { kSame, kLost, kAltered };
struct BookingCheck {
  BookingVerdict verdict = BookingVerdict::kSame;
  std::string problem;  // Empty when kSame.
};

// What the venue's GetBooking answer (`status`, `booking`) says of `acknowledged`, booked
// in `space_id` on venue day `day`: lost when the venue has no such booking (NOT_FOUND),
// altered when it answers another space, slot, day, member or a state other than
// CONFIRMED. Any other failure (the node gone, a deadline) says nothing of the booking: an
// error, so that the verification fails rather than count a loss.
absl::StatusOr<BookingCheck> JudgeBooking(const AcknowledgedBooking& acknowledged,
                                          const grpc::Status& status, const v1::Booking& booking,
                                          absl::string_view space_id, absl::CivilDay day);

// One stub set per client thread, each its own connection.
using ThreadStubs = std::vector<std::unique_ptr<NodeStubs>>;
// `threads` stub sets to `target`, as NodeStubs.
ThreadStubs StubsPerThread(int threads, const std::string& target, const std::string& ca_pem);

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
// at the venue and the members at `home`, spread over the threads. direct: pools
// "bench-<run id>-<i>", one member per thread, booking as the site's desk; forwarded: pools
// "fwd-<run id>-<i>", options.members members, each with a token of its home. The first
// failing call's error.
absl::StatusOr<LoadSetUp> SetUpLoad(const ThreadStubs& venue, const ThreadStubs& home,
                                    const BenchOptions& options,
                                    const std::string& admin_credential);

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

// The phases of one run over one LoadSetUp, and what they were acknowledged. Each of the
// stubs' clients (closed_loop.h, one call in flight each) books a random space, open day and
// slot, 1 seat, as member t, t + threads, ... in turn. A call without an answer is repeated
// with the same key to learn its outcome. Not thread-safe: one phase at a time.
class BookingLoad {
 public:
  BookingLoad(const LoadSetUp& setup, std::string admin_credential);

  PhaseResult Run(const PhaseSpec& spec);

  // GetAvailability and ListBookings of every slot, GetBooking of every acknowledged
  // booking, at the venue (saying so on `progress`); the first failing call's error.
  absl::StatusOr<VerificationFigures> Verify(const ThreadStubs& venue, absl::Duration rpc_timeout,
                                             std::ostream& progress) const;

 private:
  struct Worker;
  class Booker;

  const LoadSetUp& setup_;
  const std::string admin_credential_;
  SlotTally tally_;  // Of every phase.
  std::vector<AcknowledgedBooking> bookings_;
  // Of the phase running, over its threads: for its stop condition and progress lines.
  std::atomic<int64_t> phase_acknowledged_{0};
  std::atomic<int64_t> phase_refused_{0};
};

}  // namespace cantine::bench
