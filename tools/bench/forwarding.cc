#include "tools/bench/forwarding.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/rpc/proto_time.h"
#include "tests/support/proc_stats.h"
#include "tools/bench/bench_client.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/forwarding_network.h"
#include "tools/bench/slot_tally.h"
#include "tools/bench/venue_check.h"

namespace cantine::bench {
namespace {

using testing::MachineCpu;
using testing::MachineCpuTime;
using testing::ProcessCpuTime;

using Steady = std::chrono::steady_clock;

constexpr size_t kMaxMessagesShown = 5;
// Times a call that got no answer is repeated, same key, to learn its outcome.
constexpr int kResolveAttempts = 3;
constexpr absl::Duration kReplicationPoll = absl::Milliseconds(20);
// Settled: the venue's own sequence unchanged over this many polls, and held by the
// forwarder.
constexpr absl::Duration kSettlePoll = absl::Milliseconds(100);
constexpr int kSettleStablePolls = 3;
constexpr int kStatusCodes = 17;  // grpc::StatusCode 0..16.

absl::Status Bad(absl::string_view flag, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", message));
}

double PerSecond(int64_t count, absl::Duration wall) {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

// CPU times so far of this process, both nodes and the machine.
struct CpuReading {
  absl::StatusOr<absl::Duration> client;
  absl::StatusOr<absl::Duration> venue;
  absl::StatusOr<absl::Duration> forwarder;
  absl::StatusOr<MachineCpuTime> machine;
};

CpuReading ReadCpu(int venue_pid, int forwarder_pid) {
  return {ProcessCpuTime(getpid()), ProcessCpuTime(venue_pid), ProcessCpuTime(forwarder_pid),
          MachineCpu()};
}

// Adds what was used between `start` and `end` to `cpu`.
void AddCpu(const CpuReading& start, const CpuReading& end, ForwardingCpu& cpu) {
  const auto add = [](const absl::StatusOr<absl::Duration>& a,
                      const absl::StatusOr<absl::Duration>& b, absl::Duration& sum) {
    if (a.ok() && b.ok()) sum += *b - *a;
  };
  add(start.client, end.client, cpu.client);
  add(start.venue, end.venue, cpu.venue);
  add(start.forwarder, end.forwarder, cpu.forwarder);
  if (start.machine.ok() && end.machine.ok()) {
    cpu.machine_busy =
        cpu.machine_busy.value_or(absl::ZeroDuration()) + end.machine->busy - start.machine->busy;
    cpu.machine_idle =
        cpu.machine_idle.value_or(absl::ZeroDuration()) + end.machine->idle - start.machine->idle;
  }
}

// What one client thread saw in one phase. Owned by that thread until the phase ends.
struct PhaseWorker {
  PhaseWorker(int spaces, int days, int slots) : tally(spaces, days, slots) {}

  int64_t attempts = 0;
  int64_t acknowledged = 0;
  int64_t refused = 0;
  int64_t unanswered = 0;
  int64_t resolved = 0;
  int64_t unresolved = 0;
  std::array<int64_t, kStatusCodes> codes{};
  std::vector<std::string> first_errors;
  std::vector<int64_t> acknowledged_nanos;
  std::vector<int64_t> answered_nanos;
  std::vector<AcknowledgedBooking> bookings;
  SlotTally tally;
};

// A mode's figures while its rounds run; summarized into ModeFigures at the end.
struct ModeTotals {
  ModeFigures figures;
  std::vector<int64_t> acknowledged_nanos;
  std::vector<int64_t> answered_nanos;
};

// "1190 bookings/s (23807 in 20.0 s); cpu per booking: paris 0.796 ms, milan 0.104 ms,
// client 0.165 ms".
std::string DescribePhase(const ForwardingReport& r, const PhaseLine& line) {
  const auto per_booking = [&](absl::Duration d) {
    return line.acknowledged > 0
               ? absl::StrFormat("%.3f ms", 1000 * absl::ToDoubleSeconds(d) /
                                                static_cast<double>(line.acknowledged))
               : std::string("-");
  };
  return absl::StrFormat(
      "%.0f bookings/s (%d in %.1f s); cpu per booking: %s %s, %s %s, client %s; settled in "
      "%.2f s (%s %.2f core-s, %s %.2f core-s)",
      PerSecond(line.acknowledged, line.wall), line.acknowledged, absl::ToDoubleSeconds(line.wall),
      r.venue_site, per_booking(line.cpu.venue), r.forwarder_site, per_booking(line.cpu.forwarder),
      per_booking(line.cpu.client), absl::ToDoubleSeconds(line.settle), r.venue_site,
      absl::ToDoubleSeconds(line.settle_cpu.venue), r.forwarder_site,
      absl::ToDoubleSeconds(line.settle_cpu.forwarder));
}

class ForwardingBench {
 public:
  ForwardingBench(const ForwardingOptions& options, std::ostream& progress)
      : options_(options), progress_(progress) {}

  absl::StatusOr<ForwardingReport> Run() {
    report_.venue_site = TwoSiteNetwork::kVenue;
    report_.forwarder_site = TwoSiteNetwork::kForwarder;
    report_.cores = static_cast<int>(std::thread::hardware_concurrency());
    report_.threads = options_.threads;
    report_.members = options_.members;
    report_.rounds = options_.rounds;
    if (absl::Status s = PrepareWorkDir(); !s.ok()) return s;
    absl::StatusOr<ForwardingReport> report = RunInWorkDir();
    // Logs and data are kept when the run fails, for a look at the nodes' logs.
    const bool failed = !report.ok() || ForwardingFailed(*report);
    if (made_work_dir_ && !options_.keep_work_dir && !failed) {
      std::error_code error;
      std::filesystem::remove_all(work_dir_, error);
    } else if (report.ok()) {
      report->work_dir_kept = true;
    } else {
      progress_ << "the work folder is kept: " << work_dir_ << std::endl;
    }
    return report;
  }

 private:
  int spaces() const { return static_cast<int>(spaces_.size()); }
  int days() const { return static_cast<int>(window_->open_days().size()); }
  int slots() const { return window_->slots_per_day(); }

  absl::Status PrepareWorkDir() {
    work_dir_ = options_.work_dir;
    if (work_dir_.empty()) {
      std::string pattern = "/tmp/cantine-forwarding-bench-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) {
        return absl::FailedPreconditionError("cannot create a work folder under /tmp");
      }
      work_dir_ = pattern;
      made_work_dir_ = true;
    }
    report_.work_dir = work_dir_;
    return absl::OkStatus();
  }

  absl::StatusOr<ForwardingReport> RunInWorkDir() {
    progress_ << "work folder " << work_dir_ << "; making certificates and starting "
              << TwoSiteNetwork::kVenue << " and " << TwoSiteNetwork::kForwarder << std::endl;
    const absl::Time start = absl::Now();
    absl::StatusOr<std::unique_ptr<TwoSiteNetwork>> network =
        TwoSiteNetwork::Start({.cantined_path = options_.cantined_path,
                               .make_certs_path = options_.make_certs_path,
                               .work_dir = work_dir_,
                               .startup_timeout = options_.startup_timeout});
    if (!network.ok()) return network.status();
    network_ = *std::move(network);
    report_.startup_wall = absl::Now() - start;
    report_.venue_address = network_->venue_address();
    report_.forwarder_address = network_->forwarder_address();
    report_.venue_pid = network_->venue_pid();
    report_.forwarder_pid = network_->forwarder_pid();
    progress_ << "nodes up in " << absl::FormatDuration(report_.startup_wall) << ": "
              << TwoSiteNetwork::kVenue << " " << report_.venue_address << " (pid "
              << report_.venue_pid << "), " << TwoSiteNetwork::kForwarder << " "
              << report_.forwarder_address << " (pid " << report_.forwarder_pid << ")" << std::endl;

    for (int i = 0; i < options_.threads; ++i) {
      venue_stubs_.push_back(
          std::make_unique<NodeStubs>(network_->venue_address(), network_->ca_pem()));
      forwarder_stubs_.push_back(
          std::make_unique<NodeStubs>(network_->forwarder_address(), network_->ca_pem()));
    }
    if (absl::Status s = SetUp(); !s.ok()) return s;
    if (absl::Status s = WaitForReplication(); !s.ok()) return s;

    ModeTotals direct;
    ModeTotals forwarded;
    tally_.emplace(spaces(), days(), slots());
    for (int round = 1; round <= options_.rounds; ++round) {
      const bool forwarded_first = round % 2 == 0;
      for (const bool phase_forwarded : {forwarded_first, !forwarded_first}) {
        RunPhase(phase_forwarded, round, phase_forwarded ? forwarded : direct);
      }
    }
    report_.direct = Summarize(direct);
    report_.forwarded = Summarize(forwarded);

    if (!network_->Running()) {
      return absl::UnavailableError(absl::StrCat("a node stopped during the run; see ",
                                                 network_->venue_log(), " and ",
                                                 network_->forwarder_log()));
    }
    if (absl::Status s = Verify(); !s.ok()) return s;
    if (absl::Status s = network_->Stop(); !s.ok()) {
      report_.shutdown_problem = std::string(s.message());
    }
    return report_;
  }

  absl::Status SetUp() {
    const absl::Time start = absl::Now();
    // Every connection made (TLS handshakes included) before anything is timed.
    for (const auto* stubs : {&venue_stubs_, &forwarder_stubs_}) {
      for (const std::unique_ptr<NodeStubs>& node : *stubs) {
        if (!node->channel->WaitForConnected(absl::ToChronoTime(start + options_.rpc_timeout))) {
          return absl::UnavailableError(absl::StrCat("a client channel did not connect within ",
                                                     absl::FormatDuration(options_.rpc_timeout)));
        }
      }
    }
    NodeStubs& venue = *venue_stubs_[0];
    v1::Site site;
    grpc::Status status = Call(*venue.sites, &v1::SiteService::Stub::GetSite, v1::GetSiteRequest(),
                               &site, options_.rpc_timeout);
    if (!status.ok()) return Failed("GetSite at the venue", status);
    report_.time_zone = site.time_zone();
    absl::StatusOr<BookingWindow> window = BookingWindow::ForSite(site, options_.days);
    if (!window.ok()) return window.status();
    window_ = *std::move(window);

    run_id_ = NewRunId();
    report_.run_id = run_id_;
    const std::string& admin = network_->admin_credential();
    spaces_.resize(options_.spaces);
    absl::Status created =
        ParallelFor(options_.threads, options_.spaces, [&](int worker, int64_t i) {
          const v1::CreateSpaceRequest request = DeskPoolRequest("fwd", run_id_, i, options_.seats);
          const v1::Space* space = &request.space();
          v1::Space answer;
          grpc::Status status =
              Call(*venue_stubs_[worker]->sites, &v1::SiteService::Stub::CreateSpace, request,
                   &answer, options_.rpc_timeout, &admin);
          if (!status.ok()) return Failed(absl::StrCat("CreateSpace ", space->space_id()), status);
          spaces_[i] = {answer.space_id(), answer.seats(), static_cast<int>(i)};
          return absl::OkStatus();
        });
    if (!created.ok()) return created;

    // The members' home is the forwarder: registered there, with tokens it signs.
    member_ids_.resize(options_.members);
    tokens_.resize(options_.members);
    absl::Status registered =
        ParallelFor(options_.threads, options_.members, [&](int worker, int64_t i) {
          v1::MemberService::Stub& members = *forwarder_stubs_[worker]->members;
          v1::RegisterMemberRequest request;
          request.set_display_name(absl::StrCat("Forwarding bench ", run_id_, " member ", i));
          request.set_email(absl::StrCat("fwd-", run_id_, "-", i, "@bench.example"));
          v1::Member member;
          grpc::Status status = Call(members, &v1::MemberService::Stub::RegisterMember, request,
                                     &member, options_.rpc_timeout, &admin);
          if (!status.ok()) return Failed("RegisterMember at the forwarder", status);
          v1::IssueTokenRequest issue;
          issue.set_member_id(member.member_id());
          v1::IssueTokenResponse issued;
          status = Call(members, &v1::MemberService::Stub::IssueToken, issue, &issued,
                        options_.rpc_timeout, &admin);
          if (!status.ok()) return Failed("IssueToken at the forwarder", status);
          member_ids_[i] = member.member_id();
          tokens_[i] = issued.token();
          return absl::OkStatus();
        });
    if (!registered.ok()) return registered;

    report_.spaces = options_.spaces;
    report_.seats_per_space = options_.seats;
    report_.first_day = window_->first_day();
    report_.last_day = window_->last_day();
    report_.open_days = days();
    report_.slots_per_day = slots();
    for (const BenchSpace& space : spaces_) {
      report_.capacity_seat_slots += static_cast<int64_t>(space.capacity) * days() * slots();
    }
    report_.setup_wall = absl::Now() - start;
    progress_ << "set-up: " << options_.spaces << " desk pools at " << TwoSiteNetwork::kVenue
              << ", " << options_.members << " members of " << TwoSiteNetwork::kForwarder
              << " with tokens, " << absl::FormatDuration(report_.setup_wall) << std::endl;
    return absl::OkStatus();
  }

  // Until the venue knows every member (replicated from the forwarder, with the
  // forwarder's directory entry and key) and the forwarder can route to the venue (it
  // holds the venue's directory entry, and mutual TLS between them works).
  absl::Status WaitForReplication() {
    const absl::Time start = absl::Now();
    const absl::Time give_up = start + options_.startup_timeout;
    absl::Status known =
        ParallelFor(options_.threads, options_.members, [&](int worker, int64_t i) {
          v1::GetMemberRequest request;
          request.set_member_id(member_ids_[i]);
          while (true) {
            v1::Member member;
            grpc::Status status =
                Call(*venue_stubs_[worker]->members, &v1::MemberService::Stub::GetMember, request,
                     &member, options_.rpc_timeout);
            if (status.ok()) return absl::OkStatus();
            if (status.error_code() != grpc::StatusCode::NOT_FOUND || absl::Now() > give_up) {
              return Failed(absl::StrCat("GetMember ", member_ids_[i], " at the venue"), status);
            }
            absl::SleepFor(kReplicationPoll);
          }
        });
    if (!known.ok()) return known;

    v1::GetAvailabilityRequest probe;
    probe.set_site_id(TwoSiteNetwork::kVenue);
    probe.set_space_id(spaces_[0].space_id);
    *probe.mutable_first_day() = rpc::CivilDayToProto(window_->open_days()[0]);
    *probe.mutable_last_day() = rpc::CivilDayToProto(window_->open_days()[0]);
    while (true) {
      v1::GetAvailabilityResponse response;
      grpc::Status status =
          Call(*forwarder_stubs_[0]->bookings, &v1::BookingService::Stub::GetAvailability, probe,
               &response, options_.rpc_timeout);
      if (status.ok()) break;
      if (absl::Now() > give_up) {
        return Failed("GetAvailability forwarded to the venue (the route never worked)", status);
      }
      absl::SleepFor(kReplicationPoll);
    }
    report_.replication_wait = absl::Now() - start;
    progress_ << "replication: " << TwoSiteNetwork::kVenue << " knows every member and "
              << TwoSiteNetwork::kForwarder << " routes to it after "
              << absl::FormatDuration(report_.replication_wait) << std::endl;
    return absl::OkStatus();
  }

  void BookLoop(int thread, bool forwarded, int round, Steady::time_point end, PhaseWorker& w) {
    NodeStubs& stubs = forwarded ? *forwarder_stubs_[thread] : *venue_stubs_[thread];
    v1::BookingService::Stub& stub = *stubs.bookings;
    absl::BitGen random;
    v1::CreateBookingRequest request;
    request.set_site_id(TwoSiteNetwork::kVenue);  // The same request either way.
    request.set_seats(1);
    v1::Booking booking;
    const std::string key_prefix =
        absl::StrCat(run_id_, "-", forwarded ? "f" : "d", round, "-", thread, "-");
    for (int64_t sequence = 0; Steady::now() < end; ++sequence) {
      // Thread t books for members t, t + threads, t + 2 threads, ... in turn.
      const int member = static_cast<int>((thread + sequence * options_.threads) %
                                          static_cast<int64_t>(options_.members));
      const int space = absl::Uniform(random, 0, spaces());
      const int day = absl::Uniform(random, 0, days());
      const int slot = absl::Uniform(random, 0, slots());
      request.set_member_id(member_ids_[member]);
      request.set_space_id(spaces_[space].space_id);
      *request.mutable_start() = window_->SlotStart(day, slot);
      *request.mutable_end() = window_->SlotEnd(day, slot);
      request.set_idempotency_key(absl::StrCat(key_prefix, sequence));
      const std::string& token = tokens_[member];
      const auto create = [&] {
        return Call(stub, &v1::BookingService::Stub::CreateBooking, request, &booking,
                    options_.rpc_timeout, &token);
      };

      ++w.attempts;
      const Steady::time_point call_start = Steady::now();
      grpc::Status status = create();
      const int64_t nanos =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - call_start).count();
      const bool answered = !IsUnanswered(status.error_code());
      if (!status.ok()) {
        const int code = static_cast<int>(status.error_code());
        if (code >= 0 && code < kStatusCodes) ++w.codes[code];
        if (w.first_errors.size() < kMaxMessagesShown) {
          w.first_errors.push_back(
              absl::StrCat("CreateBooking ", request.idempotency_key(), ": ", Describe(status)));
        }
      }
      if (!answered) {
        // No answer: the venue may have booked. The same key returns the same booking.
        ++w.unanswered;
        for (int attempt = 0; attempt < kResolveAttempts && IsUnanswered(status.error_code());
             ++attempt) {
          status = create();
        }
        if (IsUnanswered(status.error_code())) {
          ++w.unresolved;
          continue;
        }
        ++w.resolved;
      }
      SlotCount& count = w.tally.at(space, day, slot);
      if (status.ok()) {
        ++w.acknowledged;
        count.acknowledged_seats += booking.seats();
        if (answered) {
          w.acknowledged_nanos.push_back(nanos);
          w.answered_nanos.push_back(nanos);
        }
        w.bookings.push_back({booking.booking_id(), space, day, slot, member_ids_[member]});
      } else {
        ++w.refused;
        if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) ++count.refusals;
        if (answered) w.answered_nanos.push_back(nanos);
      }
    }
  }

  void RunPhase(bool forwarded, int round, ModeTotals& totals) {
    const std::string name = forwarded ? "forwarded" : "direct";
    progress_ << "round " << round << ", " << name << ": " << options_.threads
              << " clients book at "
              << (forwarded ? TwoSiteNetwork::kForwarder : TwoSiteNetwork::kVenue) << " for "
              << absl::FormatDuration(options_.phase_duration) << std::endl;
    std::vector<PhaseWorker> workers;
    workers.reserve(options_.threads);
    for (int i = 0; i < options_.threads; ++i) workers.emplace_back(spaces(), days(), slots());
    const CpuReading cpu_start = ReadCpu(report_.venue_pid, report_.forwarder_pid);
    const absl::Time start = absl::Now();
    const Steady::time_point end =
        Steady::now() + absl::ToChronoNanoseconds(options_.phase_duration);
    RunOnThreads(options_.threads,
                 [&](int thread) { BookLoop(thread, forwarded, round, end, workers[thread]); });
    const absl::Duration wall = absl::Now() - start;
    const CpuReading cpu_end = ReadCpu(report_.venue_pid, report_.forwarder_pid);
    AddCpu(cpu_start, cpu_end, totals.figures.cpu);
    PhaseLine line;
    line.round = round;
    line.forwarded = forwarded;
    line.wall = wall;
    AddCpu(cpu_start, cpu_end, line.cpu);

    ModeFigures& f = totals.figures;
    f.wall += wall;
    int64_t acknowledged = 0;
    for (PhaseWorker& w : workers) {
      f.attempts += w.attempts;
      f.acknowledged += w.acknowledged;
      f.refused += w.refused;
      f.unanswered += w.unanswered;
      f.resolved += w.resolved;
      f.unresolved += w.unresolved;
      acknowledged += w.acknowledged;
      for (int code = 0; code < kStatusCodes; ++code) {
        if (w.codes[code] == 0) continue;
        f.codes[absl::StatusCodeToString(static_cast<absl::StatusCode>(code))] += w.codes[code];
      }
      for (std::string& error : w.first_errors) {
        if (f.first_errors.size() < kMaxMessagesShown) f.first_errors.push_back(std::move(error));
      }
      totals.acknowledged_nanos.insert(totals.acknowledged_nanos.end(),
                                       w.acknowledged_nanos.begin(), w.acknowledged_nanos.end());
      totals.answered_nanos.insert(totals.answered_nanos.end(), w.answered_nanos.begin(),
                                   w.answered_nanos.end());
      tally_->Merge(w.tally);
      std::move(w.bookings.begin(), w.bookings.end(), std::back_inserter(bookings_));
      w = PhaseWorker(0, 0, 0);  // Frees its memory early.
    }
    line.acknowledged = acknowledged;
    const absl::Time settle_start = absl::Now();
    if (absl::Status s = Settle(); !s.ok()) {
      progress_ << "  replication did not settle: " << s.message() << std::endl;
    }
    line.settle = absl::Now() - settle_start;
    AddCpu(cpu_end, ReadCpu(report_.venue_pid, report_.forwarder_pid), line.settle_cpu);
    report_.phases.push_back(line);
    progress_ << "  " << DescribePhase(report_, line) << std::endl;
  }

  // The highest contiguous sequence of the venue's own entries that `node` holds.
  absl::StatusOr<uint64_t> VenueSeqAt(NodeStubs& node) {
    v1::NetworkStatus status;
    grpc::Status call =
        Call(*node.admin, &v1::AdminService::Stub::GetNetworkStatus, v1::GetNetworkStatusRequest(),
             &status, options_.rpc_timeout, &network_->admin_credential());
    if (!call.ok()) return Failed("GetNetworkStatus", call);
    for (const v1::VersionVectorEntry& entry : status.origins()) {
      if (entry.origin().site_id() == TwoSiteNetwork::kVenue) return entry.seq();
    }
    return 0;
  }

  // Waits until the venue's oplog stops growing (its receipt publisher has drained its
  // outbox) and the forwarder holds all of it.
  absl::Status Settle() {
    const absl::Time give_up = absl::Now() + options_.startup_timeout;
    uint64_t previous = 0;
    int stable = 0;
    while (true) {
      absl::StatusOr<uint64_t> venue = VenueSeqAt(*venue_stubs_[0]);
      if (!venue.ok()) return venue.status();
      absl::StatusOr<uint64_t> forwarder = VenueSeqAt(*forwarder_stubs_[0]);
      if (!forwarder.ok()) return forwarder.status();
      stable = *venue == previous && *forwarder == *venue ? stable + 1 : 0;
      if (stable >= kSettleStablePolls) return absl::OkStatus();
      previous = *venue;
      if (absl::Now() > give_up) {
        return absl::DeadlineExceededError(absl::StrCat(
            TwoSiteNetwork::kForwarder, " holds ", *forwarder, " of ", *venue, " entries of ",
            TwoSiteNetwork::kVenue, " after ", absl::FormatDuration(options_.startup_timeout)));
      }
      absl::SleepFor(kSettlePoll);
    }
  }

  static ModeFigures Summarize(ModeTotals& totals) {
    ModeFigures figures = std::move(totals.figures);
    figures.acknowledged_latency = SummarizeLatencies(totals.acknowledged_nanos);
    figures.answered_latency = SummarizeLatencies(totals.answered_nanos);
    return figures;
  }

  void NoteProblem(std::string problem) {
    absl::MutexLock lock(&problems_mu_);
    if (problems_.size() < kMaxMessagesShown) problems_.push_back(std::move(problem));
  }

  absl::Status Verify() {
    progress_ << "verifying " << bookings_.size() << " acknowledged bookings and "
              << static_cast<int64_t>(spaces()) * days() * slots() << " slots at "
              << TwoSiteNetwork::kVenue << std::endl;
    const absl::Time start = absl::Now();
    const std::string& admin = network_->admin_credential();
    absl::Mutex mu;
    std::vector<SpaceCheck> checks;
    absl::Status slots_ok = ParallelFor(options_.threads, spaces(), [&](int worker, int64_t i) {
      absl::StatusOr<SpaceCheck> check =
          CheckSpace(*venue_stubs_[worker], spaces_[i], *window_, *tally_, admin,
                     options_.rpc_timeout, kMaxMessagesShown);
      if (!check.ok()) return check.status();
      absl::MutexLock lock(&mu);
      checks.push_back(*std::move(check));
      return absl::OkStatus();
    });
    if (!slots_ok.ok()) return slots_ok;
    for (SpaceCheck& check : checks) {
      report_.slots_checked += check.slots_checked;
      report_.oversold_slots += check.oversold;
      report_.availability_mismatches += check.availability_mismatches;
      report_.listing_mismatches += check.listing_mismatches;
      report_.spurious_refusals += check.spurious_refusals;
      report_.held_seats += check.held_seats;
      report_.listed_confirmed_seats += check.listed_confirmed_seats;
      for (std::string& problem : check.problems) NoteProblem(std::move(problem));
    }

    std::atomic<int64_t> lost{0};
    std::atomic<int64_t> altered{0};
    absl::Status bookings_ok = ParallelFor(
        options_.threads, static_cast<int64_t>(bookings_.size()), [&](int worker, int64_t i) {
          const AcknowledgedBooking& booking = bookings_[i];
          BookingCheck check = CheckAcknowledgedBooking(*venue_stubs_[worker], booking,
                                                        spaces_[booking.space].space_id, *window_,
                                                        admin, options_.rpc_timeout);
          if (check.verdict == BookingVerdict::kSame) return absl::OkStatus();
          ++(check.verdict == BookingVerdict::kLost ? lost : altered);
          NoteProblem(std::move(check.problem));
          return absl::OkStatus();
        });
    if (!bookings_ok.ok()) return bookings_ok;
    report_.lost_bookings = lost;
    report_.altered_bookings = altered;
    for (int space = 0; space < spaces(); ++space) {
      for (int day = 0; day < days(); ++day) {
        for (int slot = 0; slot < slots(); ++slot) {
          report_.acknowledged_seats += tally_->at(space, day, slot).acknowledged_seats;
        }
      }
    }
    report_.verification_wall = absl::Now() - start;
    absl::MutexLock lock(&problems_mu_);
    report_.first_problems = problems_;
    return absl::OkStatus();
  }

  const ForwardingOptions options_;
  std::ostream& progress_;
  std::string work_dir_;
  bool made_work_dir_ = false;
  std::unique_ptr<TwoSiteNetwork> network_;
  // One of each per client thread, each its own connection.
  std::vector<std::unique_ptr<NodeStubs>> venue_stubs_;
  std::vector<std::unique_ptr<NodeStubs>> forwarder_stubs_;
  std::optional<BookingWindow> window_;
  std::string run_id_;
  std::vector<BenchSpace> spaces_;
  std::vector<std::string> member_ids_;
  std::vector<std::string> tokens_;
  std::optional<SlotTally> tally_;  // Of every phase of both kinds.
  std::vector<AcknowledgedBooking> bookings_;
  absl::Mutex problems_mu_;
  std::vector<std::string> problems_ ABSL_GUARDED_BY(problems_mu_);  // The first few.
  ForwardingReport report_;
};

std::string Latency(const LatencySummary& l) {
  return absl::StrFormat("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%d calls)", l.p50_ms, l.p99_ms,
                         l.p999_ms, l.max_ms, l.count);
}

void PrintMode(const ForwardingReport& r, const ModeFigures& m, absl::string_view title,
               std::ostream& out) {
  out << absl::StrFormat("%s, %.1f s over %d round(s):\n", title, absl::ToDoubleSeconds(m.wall),
                         r.rounds);
  out << absl::StrFormat("  bookings/s: %.0f  (%d acknowledged of %d asked)\n",
                         PerSecond(m.acknowledged, m.wall), m.acknowledged, m.attempts);
  std::vector<std::string> codes;
  for (const auto& [code, count] : m.codes) codes.push_back(absl::StrCat(code, " ", count));
  out << absl::StrFormat("  refused: %d; not OK by code: %s\n", m.refused,
                         codes.empty() ? "none" : absl::StrJoin(codes, ", "));
  out << absl::StrFormat(
      "  unanswered: %d  (outcome learnt by retrying the same key: %d, "
      "unknown: %d)\n",
      m.unanswered, m.resolved, m.unresolved);
  for (const std::string& error : m.first_errors) out << "    " << error << "\n";
  out << "  latency ms, acknowledged: " << Latency(m.acknowledged_latency) << "\n";
  out << "  latency ms, answered:     " << Latency(m.answered_latency) << "\n";

  const ForwardingCpu& c = m.cpu;
  const double machine = c.machine_busy.has_value() && c.machine_idle.has_value()
                             ? absl::ToDoubleSeconds(*c.machine_busy + *c.machine_idle)
                             : absl::ToDoubleSeconds(m.wall) * std::max(1, r.cores);
  const auto share = [&](absl::Duration d) {
    const double seconds = absl::ToDoubleSeconds(d);
    return absl::StrFormat("%.1f s (%.0f%%)", seconds, machine > 0 ? 100 * seconds / machine : 0);
  };
  std::string line = absl::StrCat("client ", share(c.client), ", ", r.venue_site, " ",
                                  share(c.venue), ", ", r.forwarder_site, " ", share(c.forwarder));
  if (c.machine_busy.has_value()) {
    absl::StrAppend(
        &line, ", other processes ",
        share(std::max(absl::ZeroDuration(), *c.machine_busy - c.client - c.venue - c.forwarder)));
  }
  if (c.machine_idle.has_value()) absl::StrAppend(&line, ", idle ", share(*c.machine_idle));
  absl::StrAppendFormat(&line, " of %.1f core-s", machine);
  out << "  cpu: " << line << "\n";
  const auto per_booking = [&](absl::Duration d) {
    return m.acknowledged > 0 ? absl::StrFormat("%.3f ms", 1000 * absl::ToDoubleSeconds(d) /
                                                               static_cast<double>(m.acknowledged))
                              : std::string("-");
  };
  out << "  cpu per acknowledged booking: " << r.venue_site << " " << per_booking(c.venue) << ", "
      << r.forwarder_site << " " << per_booking(c.forwarder) << ", client " << per_booking(c.client)
      << ", all three " << per_booking(c.venue + c.forwarder + c.client) << "\n";
}

}  // namespace

absl::Status ValidateForwardingOptions(const ForwardingOptions& o) {
  if (o.cantined_path.empty()) return Bad("--cantined", "is required: the cantined binary");
  if (o.make_certs_path.empty()) return Bad("--make_certs", "is required: tools/make-certs");
  if (o.threads < 1 || o.threads > 1024) return Bad("--threads", "must be 1..1024");
  if (o.members < 1 || o.members > 100000) return Bad("--members", "must be 1..100000");
  if (o.spaces < 1 || o.spaces > 100000) return Bad("--spaces", "must be 1..100000");
  if (o.seats < 1) return Bad("--seats", "must be at least 1");
  if (o.days < 1) return Bad("--days", "must be at least 1");
  if (o.phase_duration <= absl::ZeroDuration()) return Bad("--seconds", "must be positive");
  if (o.rounds < 1 || o.rounds > 100) return Bad("--rounds", "must be 1..100");
  if (o.rpc_timeout <= absl::ZeroDuration())
    return Bad("--rpc_timeout_seconds", "must be positive");
  if (o.startup_timeout <= absl::ZeroDuration()) {
    return Bad("--startup_timeout_seconds", "must be positive");
  }
  return absl::OkStatus();
}

double ForwardedToDirectRatio(const ForwardingReport& r) {
  const double direct = PerSecond(r.direct.acknowledged, r.direct.wall);
  return direct > 0 ? PerSecond(r.forwarded.acknowledged, r.forwarded.wall) / direct : 0;
}

bool ForwardingFailed(const ForwardingReport& r) {
  return r.oversold_slots != 0 || r.lost_bookings != 0 || r.altered_bookings != 0 ||
         r.availability_mismatches != 0 || r.listing_mismatches != 0 || r.spurious_refusals != 0 ||
         r.acknowledged_seats != r.held_seats || r.acknowledged_seats != r.listed_confirmed_seats ||
         !r.shutdown_problem.empty();
}

void PrintForwardingReport(const ForwardingReport& r, std::ostream& out) {
  out << absl::StrFormat("cantine-forwarding-bench, run %s\n", r.run_id);
  out << absl::StrFormat("  venue %s at %s (pid %d), forwarder %s at %s (pid %d): real cantined\n",
                         r.venue_site, r.venue_address, r.venue_pid, r.forwarder_site,
                         r.forwarder_address, r.forwarder_pid);
  out << "  processes; public ports TLS (clients trust the run's CA), federation ports mutual "
         "TLS\n";
  out << absl::StrFormat(
      "  %d client threads, each with its own connection to each node; %d members of %s with "
      "tokens, booking for themselves\n",
      r.threads, r.members, r.forwarder_site);
  out << absl::StrFormat(
      "  note: the client and both nodes share this machine's %d cores; every rate includes "
      "the client's own CPU\n",
      r.cores);
  out << absl::StrFormat(
      "set-up: %d desk pools of %d seats at %s, %d open days %s..%s x %d slots = %d seat-slots; "
      "nodes %.2f s, set-up %.2f s, replication %.2f s\n",
      r.spaces, r.seats_per_space, r.venue_site, r.open_days, absl::FormatCivilTime(r.first_day),
      absl::FormatCivilTime(r.last_day), r.slots_per_day, r.capacity_seat_slots,
      absl::ToDoubleSeconds(r.startup_wall), absl::ToDoubleSeconds(r.setup_wall),
      absl::ToDoubleSeconds(r.replication_wait));
  PrintMode(
      r, r.direct,
      absl::StrCat("direct: CreateBooking at ", r.venue_site, " (site_id ", r.venue_site, ")"),
      out);
  PrintMode(r, r.forwarded,
            absl::StrCat("forwarded: CreateBooking at ", r.forwarder_site, " (site_id ",
                         r.venue_site, "), forwarded to ", r.venue_site),
            out);
  out << "phases in the order run:\n";
  for (const PhaseLine& line : r.phases) {
    out << absl::StrFormat("  round %d %-9s ", line.round, line.forwarded ? "forwarded" : "direct")
        << DescribePhase(r, line) << "\n";
  }
  const double ratio = ForwardedToDirectRatio(r);
  out << absl::StrFormat("ratio forwarded / direct bookings/s: %.3f  (target >= 0.50: %s)\n", ratio,
                         ratio >= 0.5 ? "met" : "MISSED");
  out << absl::StrFormat("verification at %s, %.1f s, %d slots:\n", r.venue_site,
                         absl::ToDoubleSeconds(r.verification_wall), r.slots_checked);
  out << absl::StrFormat(
      "  seats acknowledged %d (direct %d + forwarded %d), held (GetAvailability) %d, listed "
      "CONFIRMED (ListBookings) %d\n",
      r.acknowledged_seats, r.direct.acknowledged, r.forwarded.acknowledged, r.held_seats,
      r.listed_confirmed_seats);
  out << absl::StrFormat("  oversold slots: %d\n", r.oversold_slots);
  out << absl::StrFormat("  lost acknowledged bookings: %d\n", r.lost_bookings);
  out << absl::StrFormat("  altered acknowledged bookings: %d\n", r.altered_bookings);
  out << absl::StrFormat("  availability mismatches: %d\n", r.availability_mismatches);
  out << absl::StrFormat("  listing mismatches: %d\n", r.listing_mismatches);
  out << absl::StrFormat("  refusals of slots left with free seats: %d\n", r.spurious_refusals);
  for (const std::string& problem : r.first_problems) out << "    " << problem << "\n";
  if (!r.shutdown_problem.empty()) out << "  node shutdown: " << r.shutdown_problem << "\n";
  if (r.work_dir_kept) out << "work folder kept: " << r.work_dir << "\n";
  out << (ForwardingFailed(r) ? "FAILED\n" : "verification passed\n");
}

absl::StatusOr<ForwardingReport> RunForwardingBench(const ForwardingOptions& options,
                                                    std::ostream& progress) {
  if (absl::Status s = ValidateForwardingOptions(options); !s.ok()) return s;
  ForwardingBench bench(options, progress);
  return bench.Run();
}

}  // namespace cantine::bench
