#include "tools/bench/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "tests/support/proc_stats.h"
#include "tools/bench/bench_client.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/latency.h"
#include "tools/bench/slot_tally.h"
#include "tools/bench/venue_check.h"

namespace cantine::bench {
namespace {

using testing::MachineCpu;
using testing::MachineCpuTime;
using testing::ProcessCpuTime;

using Steady = std::chrono::steady_clock;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr size_t kMaxMessagesShown = 5;
// Times a call that failed without an answer is repeated, same key, to learn its outcome.
constexpr int kResolveAttempts = 3;
constexpr absl::Duration kProgressInterval = absl::Seconds(10);

// Wall and CPU time from its construction to Stop().
class PhaseClock {
 public:
  explicit PhaseClock(int node_pid)
      : node_pid_(node_pid),
        start_(absl::Now()),
        client_cpu_(ProcessCpuTime(getpid())),
        node_cpu_(node_pid > 0 ? ProcessCpuTime(node_pid) : absl::NotFoundError("")),
        machine_cpu_(MachineCpu()) {}

  PhaseTimes Stop() const {
    PhaseTimes times;
    times.wall = absl::Now() - start_;
    absl::StatusOr<absl::Duration> client = ProcessCpuTime(getpid());
    if (client.ok() && client_cpu_.ok()) times.client_cpu = *client - *client_cpu_;
    if (node_pid_ > 0 && node_cpu_.ok()) {
      absl::StatusOr<absl::Duration> node = ProcessCpuTime(node_pid_);
      if (node.ok()) times.node_cpu = *node - *node_cpu_;
    }
    absl::StatusOr<MachineCpuTime> machine = MachineCpu();
    if (machine.ok() && machine_cpu_.ok()) {
      times.machine_busy = machine->busy - machine_cpu_->busy;
      times.machine_idle = machine->idle - machine_cpu_->idle;
    }
    return times;
  }

 private:
  const int node_pid_;
  const absl::Time start_;
  const absl::StatusOr<absl::Duration> client_cpu_;
  const absl::StatusOr<absl::Duration> node_cpu_;
  const absl::StatusOr<MachineCpuTime> machine_cpu_;
};

// Counts of phase 2 shared by its threads, for the stop condition and progress lines.
struct PhaseCounters {
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int64_t> refused{0};
};

// What one phase-2 thread saw. Owned by that thread until it ends.
struct BookingWorker {
  BookingWorker(int spaces, int days, int slots) : tally(spaces, days, slots) {}

  int64_t acknowledged = 0;
  int64_t refused = 0;
  int64_t errors = 0;
  int64_t resolved = 0;
  int64_t unresolved = 0;
  std::vector<int64_t> acknowledged_nanos;
  std::vector<int64_t> refused_nanos;
  std::vector<AcknowledgedBooking> bookings;
  std::vector<std::string> first_errors;
  SlotTally tally;
  Steady::time_point last_acknowledgement{};
};

class Bench {
 public:
  Bench(const BenchOptions& options, std::ostream& progress)
      : options_(options), progress_(progress) {}

  absl::StatusOr<BenchReport> Run() {
    for (int i = 0; i < options_.threads; ++i) {
      stubs_.push_back(std::make_unique<NodeStubs>(options_.node, options_.ca_pem));
    }
    if (absl::Status s = SetUp(); !s.ok()) return s;
    MeasureCeiling();
    Book();
    if (absl::Status s = Verify(); !s.ok()) return s;
    report_.node_pid = options_.node_pid;
    if (options_.node_pid > 0) {
      absl::StatusOr<int64_t> rss = testing::ProcStatusKb(options_.node_pid, "VmRSS");
      if (rss.ok()) {
        report_.node_rss_kb = *rss;
      } else {
        progress_ << "cannot read the node's RSS: " << rss.status().message() << std::endl;
      }
    }
    return report_;
  }

 private:
  int spaces() const { return static_cast<int>(space_ids_.size()); }
  int days() const { return static_cast<int>(window_->open_days().size()); }
  int slots() const { return window_->slots_per_day(); }

  absl::Status SetUp() {
    const absl::Time start = absl::Now();
    report_.node = options_.node;
    report_.node_is_local = IsLoopback(options_.node);
    report_.cores = static_cast<int>(std::thread::hardware_concurrency());
    report_.threads = options_.threads;

    for (int i = 0; i < options_.threads; ++i) {
      if (!stubs_[i]->channel->WaitForConnected(absl::ToChronoTime(start + options_.rpc_timeout))) {
        return absl::UnavailableError(absl::StrCat("cannot connect to the node at ", options_.node,
                                                   " within ",
                                                   absl::FormatDuration(options_.rpc_timeout)));
      }
    }
    grpc::Status status = Call(*stubs_[0]->sites, &v1::SiteService::Stub::GetSite,
                               v1::GetSiteRequest(), &site_, options_.rpc_timeout);
    if (!status.ok()) return Failed("GetSite", status);
    report_.site_id = site_.site_id();
    report_.time_zone = site_.time_zone();
    absl::StatusOr<BookingWindow> window = BookingWindow::ForSite(site_, options_.days);
    if (!window.ok()) return window.status();
    window_ = *std::move(window);

    run_id_ = NewRunId();
    report_.run_id = run_id_;
    space_ids_.resize(options_.spaces);
    capacities_.resize(options_.spaces);
    absl::Status created =
        ParallelFor(options_.threads, options_.spaces, [&](int worker, int64_t i) {
          const v1::CreateSpaceRequest request =
              DeskPoolRequest("bench", run_id_, i, options_.seats);
          const v1::Space* space = &request.space();
          v1::Space created;
          grpc::Status status =
              Call(*stubs_[worker]->sites, &v1::SiteService::Stub::CreateSpace, request, &created,
                   options_.rpc_timeout, &options_.admin_credential);
          if (!status.ok()) return Failed(absl::StrCat("CreateSpace ", space->space_id()), status);
          space_ids_[i] = created.space_id();
          capacities_[i] = created.seats();
          return absl::OkStatus();
        });
    if (!created.ok()) return created;
    member_ids_.resize(options_.threads);
    absl::Status registered =
        ParallelFor(options_.threads, options_.threads, [&](int worker, int64_t i) {
          v1::RegisterMemberRequest request;
          request.set_display_name(absl::StrCat("Bench ", run_id_, " member ", i));
          request.set_email(absl::StrCat("bench-", run_id_, "-", i, "@bench.example"));
          v1::Member member;
          grpc::Status status =
              Call(*stubs_[worker]->members, &v1::MemberService::Stub::RegisterMember, request,
                   &member, options_.rpc_timeout, &options_.admin_credential);
          if (!status.ok()) return Failed("RegisterMember", status);
          member_ids_[i] = member.member_id();
          return absl::OkStatus();
        });
    if (!registered.ok()) return registered;

    report_.spaces = options_.spaces;
    report_.seats_per_space = options_.seats;
    report_.first_day = window_->first_day();
    report_.last_day = window_->last_day();
    report_.open_days = days();
    report_.slots_per_day = slots();
    for (int32_t capacity : capacities_) {
      report_.capacity_seat_slots += static_cast<int64_t>(capacity) * days() * slots();
    }
    report_.setup_wall = absl::Now() - start;
    progress_ << "set-up done: site " << site_.site_id() << ", spaces bench-" << run_id_ << "-0.."
              << options_.spaces - 1 << ", " << options_.threads << " members" << std::endl;
    return absl::OkStatus();
  }

  void MeasureCeiling() {
    progress_ << "phase 1: Health/Check for " << absl::FormatDuration(options_.ceiling_duration)
              << std::endl;
    std::vector<int64_t> calls(options_.threads);
    std::vector<int64_t> errors(options_.threads);
    const PhaseClock clock(options_.node_pid);
    const Steady::time_point end =
        Steady::now() + absl::ToChronoNanoseconds(options_.ceiling_duration);
    RunOnThreads(options_.threads, [&](int worker) {
      Health::Stub& stub = *stubs_[worker]->health;
      const HealthCheckRequest request;
      HealthCheckResponse response;
      int64_t ok = 0;
      int64_t failed = 0;
      while (Steady::now() < end) {
        grpc::Status status =
            Call(stub, &Health::Stub::Check, request, &response, options_.rpc_timeout);
        if (status.ok() && response.status() == HealthCheckResponse::SERVING) {
          ++ok;
        } else {
          ++failed;
        }
      }
      calls[worker] = ok;
      errors[worker] = failed;
    });
    report_.ceiling = clock.Stop();
    for (int i = 0; i < options_.threads; ++i) {
      report_.ceiling_calls += calls[i];
      report_.ceiling_errors += errors[i];
    }
  }

  void BookLoop(int worker_index, BookingWorker& w, Steady::time_point end, PhaseCounters& totals) {
    v1::BookingService::Stub& stub = *stubs_[worker_index]->bookings;
    absl::BitGen random;
    v1::CreateBookingRequest request;
    request.set_member_id(member_ids_[worker_index]);
    request.set_seats(1);
    v1::Booking booking;
    const auto create = [&] {
      // As the site's desk (admin credential) for the members the bench registered.
      return Call(stub, &v1::BookingService::Stub::CreateBooking, request, &booking,
                  options_.rpc_timeout, &options_.admin_credential);
    };
    int64_t sequence = 0;
    while (Steady::now() < end &&
           (options_.max_bookings == 0 || totals.acknowledged.load() < options_.max_bookings)) {
      const int space = absl::Uniform(random, 0, spaces());
      const int day = absl::Uniform(random, 0, days());
      const int slot = absl::Uniform(random, 0, slots());
      request.set_space_id(space_ids_[space]);
      *request.mutable_start() = window_->SlotStart(day, slot);
      *request.mutable_end() = window_->SlotEnd(day, slot);
      request.set_idempotency_key(absl::StrCat(run_id_, "-", worker_index, "-", sequence++));

      const Steady::time_point call_start = Steady::now();
      grpc::Status status = create();
      const int64_t nanos =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - call_start).count();
      bool answered = true;
      if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
        answered = false;
        ++w.errors;
        if (w.first_errors.size() < kMaxMessagesShown) {
          w.first_errors.push_back(absl::StrCat("CreateBooking ", request.space_id(), " ",
                                                request.idempotency_key(), ": ", Describe(status)));
        }
        const grpc::StatusCode code = status.error_code();
        if (code != grpc::StatusCode::DEADLINE_EXCEEDED && code != grpc::StatusCode::UNAVAILABLE &&
            code != grpc::StatusCode::CANCELLED) {
          continue;  // An answer: nothing was booked.
        }
        // No answer: the node may have booked. The same key returns the same booking.
        for (int attempt = 0; attempt < kResolveAttempts; ++attempt) {
          status = create();
          if (status.ok() || status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) break;
        }
        if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
          ++w.unresolved;
          continue;
        }
        ++w.resolved;
      }
      SlotCount& count = w.tally.at(space, day, slot);
      if (status.ok()) {
        ++totals.acknowledged;
        ++w.acknowledged;
        count.acknowledged_seats += booking.seats();
        w.last_acknowledgement = Steady::now();
        if (answered) w.acknowledged_nanos.push_back(nanos);
        w.bookings.push_back({booking.booking_id(), space, day, slot, request.member_id()});
      } else {
        ++totals.refused;
        ++w.refused;
        ++count.refusals;
        if (answered) w.refused_nanos.push_back(nanos);
      }
    }
  }

  // Every kProgressInterval until `done`, a line with the phase's counts so far.
  // Every kProgressInterval until `done`, a line with the phase's counts so far and the
  // CPU shares of the interval, to see a rate change and what it comes with.
  void ReportProgress(Steady::time_point start, const PhaseCounters& totals,
                      const absl::Notification& done) {
    int64_t previous_acknowledged = 0;
    int64_t previous_answered = 0;
    std::optional<PhaseClock> interval(std::in_place, options_.node_pid);
    while (!done.WaitForNotificationWithTimeout(kProgressInterval)) {
      const PhaseTimes times = interval->Stop();
      interval.emplace(options_.node_pid);
      const int64_t acknowledged = totals.acknowledged.load();
      const int64_t refused = totals.refused.load();
      const int64_t answered = acknowledged + refused - previous_answered;
      const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
      std::string line =
          absl::StrFormat("  %.0f s: %d acknowledged (%.0f/s), %d refused", seconds, acknowledged,
                          static_cast<double>(acknowledged - previous_acknowledged) /
                              absl::ToDoubleSeconds(times.wall),
                          refused);
      if (times.node_cpu.has_value() && times.machine_busy.has_value() && answered > 0) {
        const double node = absl::ToDoubleSeconds(*times.node_cpu);
        const double client = absl::ToDoubleSeconds(times.client_cpu);
        const double machine = absl::ToDoubleSeconds(*times.machine_busy + *times.machine_idle);
        absl::StrAppendFormat(
            &line, "; node cpu %.0f%% (%.2f ms per answered call), client %.0f%%, others %.0f%%",
            100 * node / machine, 1000 * node / static_cast<double>(answered),
            100 * client / machine,
            100 * std::max(0.0, absl::ToDoubleSeconds(*times.machine_busy) - node - client) /
                machine);
      }
      progress_ << line << std::endl;
      previous_acknowledged = acknowledged;
      previous_answered = acknowledged + refused;
    }
  }

  void Book() {
    progress_ << "phase 2: CreateBooking for " << absl::FormatDuration(options_.duration)
              << std::endl;
    std::vector<BookingWorker> workers;
    workers.reserve(options_.threads);
    for (int i = 0; i < options_.threads; ++i) workers.emplace_back(spaces(), days(), slots());
    PhaseCounters totals;
    const PhaseClock clock(options_.node_pid);
    const Steady::time_point start = Steady::now();
    const Steady::time_point end = start + absl::ToChronoNanoseconds(options_.duration);
    absl::Notification done;
    std::thread reporter([&] { ReportProgress(start, totals, done); });
    RunOnThreads(options_.threads,
                 [&](int worker) { BookLoop(worker, workers[worker], end, totals); });
    report_.booking = clock.Stop();
    done.Notify();
    reporter.join();

    tally_.emplace(spaces(), days(), slots());
    std::vector<int64_t> acknowledged_nanos;
    std::vector<int64_t> refused_nanos;
    Steady::time_point last_acknowledgement = start;
    for (BookingWorker& w : workers) {
      report_.acknowledged += w.acknowledged;
      report_.refused += w.refused;
      report_.errors += w.errors;
      report_.resolved += w.resolved;
      report_.unresolved += w.unresolved;
      for (std::string& error : w.first_errors) {
        if (report_.first_errors.size() < kMaxMessagesShown) {
          report_.first_errors.push_back(std::move(error));
        }
      }
      acknowledged_nanos.insert(acknowledged_nanos.end(), w.acknowledged_nanos.begin(),
                                w.acknowledged_nanos.end());
      refused_nanos.insert(refused_nanos.end(), w.refused_nanos.begin(), w.refused_nanos.end());
      last_acknowledgement = std::max(last_acknowledgement, w.last_acknowledgement);
      tally_->Merge(w.tally);
      std::move(w.bookings.begin(), w.bookings.end(), std::back_inserter(bookings_));
      w = BookingWorker(0, 0, 0);  // Frees its memory early.
    }
    report_.last_acknowledgement = absl::FromChrono(last_acknowledgement - start);
    std::vector<int64_t> answered = acknowledged_nanos;
    answered.insert(answered.end(), refused_nanos.begin(), refused_nanos.end());
    report_.answered_latency = SummarizeLatencies(answered);
    report_.acknowledged_latency = SummarizeLatencies(acknowledged_nanos);
    report_.refused_latency = SummarizeLatencies(refused_nanos);
  }

  void NoteProblem(std::string problem) {
    absl::MutexLock lock(&problems_mu_);
    if (problems_.size() < kMaxMessagesShown) problems_.push_back(std::move(problem));
  }

  // GetAvailability and ListBookings(space_day) of every slot of space `space`.
  absl::Status VerifySpace(NodeStubs& stubs, int space, std::atomic<int64_t>* counts) {
    absl::StatusOr<SpaceCheck> check =
        CheckSpace(stubs, {space_ids_[space], capacities_[space], space}, *window_, *tally_,
                   options_.admin_credential, options_.rpc_timeout, kMaxMessagesShown);
    if (!check.ok()) return check.status();
    counts[kSlotsChecked] += check->slots_checked;
    counts[kOversold] += check->oversold;
    counts[kAvailabilityMismatches] += check->availability_mismatches;
    counts[kListingMismatches] += check->listing_mismatches;
    counts[kSpuriousRefusals] += check->spurious_refusals;
    for (std::string& problem : check->problems) NoteProblem(std::move(problem));
    return absl::OkStatus();
  }

  // GetBooking of acknowledged booking `i`.
  void VerifyBooking(NodeStubs& stubs, const AcknowledgedBooking& acknowledged,
                     std::atomic<int64_t>* counts) {
    BookingCheck check =
        CheckAcknowledgedBooking(stubs, acknowledged, space_ids_[acknowledged.space], *window_,
                                 options_.admin_credential, options_.rpc_timeout);
    if (check.verdict == BookingVerdict::kSame) return;
    ++counts[check.verdict == BookingVerdict::kLost ? kLost : kAltered];
    NoteProblem(std::move(check.problem));
  }

  absl::Status Verify() {
    progress_ << "verifying " << bookings_.size() << " acknowledged bookings and "
              << static_cast<int64_t>(spaces()) * days() * slots() << " slots" << std::endl;
    const absl::Time start = absl::Now();
    std::atomic<int64_t> counts[kCountKinds] = {};
    absl::Status slots_ok = ParallelFor(options_.threads, spaces(), [&](int worker, int64_t i) {
      return VerifySpace(*stubs_[worker], static_cast<int>(i), counts);
    });
    if (!slots_ok.ok()) return slots_ok;
    absl::Status bookings_ok = ParallelFor(options_.threads, static_cast<int64_t>(bookings_.size()),
                                           [&](int worker, int64_t i) {
                                             VerifyBooking(*stubs_[worker], bookings_[i], counts);
                                             return absl::OkStatus();
                                           });
    if (!bookings_ok.ok()) return bookings_ok;
    report_.verification_wall = absl::Now() - start;
    report_.slots_checked = counts[kSlotsChecked];
    report_.oversold_slots = counts[kOversold];
    report_.lost_bookings = counts[kLost];
    report_.altered_bookings = counts[kAltered];
    report_.availability_mismatches = counts[kAvailabilityMismatches];
    report_.listing_mismatches = counts[kListingMismatches];
    report_.spurious_refusals = counts[kSpuriousRefusals];
    absl::MutexLock lock(&problems_mu_);
    report_.first_problems = problems_;
    return absl::OkStatus();
  }

  // Indexes of the verification counters.
  enum CountKind {
    kSlotsChecked,
    kOversold,
    kLost,
    kAltered,
    kAvailabilityMismatches,
    kListingMismatches,
    kSpuriousRefusals,
    kCountKinds,
  };

  const BenchOptions options_;
  std::ostream& progress_;
  std::vector<std::unique_ptr<NodeStubs>> stubs_;  // One per thread.
  v1::Site site_;
  std::optional<BookingWindow> window_;
  std::string run_id_;
  std::vector<std::string> space_ids_;
  std::vector<int32_t> capacities_;
  std::vector<std::string> member_ids_;  // One per thread.
  std::optional<SlotTally> tally_;       // Of every phase-2 thread, after phase 2.
  std::vector<AcknowledgedBooking> bookings_;
  absl::Mutex problems_mu_;
  std::vector<std::string> problems_ ABSL_GUARDED_BY(problems_mu_);  // The first few.
  BenchReport report_;
};

}  // namespace

absl::StatusOr<BenchReport> RunBench(const BenchOptions& options, std::ostream& progress) {
  if (absl::Status s = ValidateBenchOptions(options); !s.ok()) return s;
  Bench bench(options, progress);
  return bench.Run();
}

}  // namespace cantine::bench
