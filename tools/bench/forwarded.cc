// --mode=forwarded: booking throughput through a forwarding node against direct booking at
// the venue, in the same run, over TLS.

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"
#include "tests/support/cantined_launcher.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/forwarding_network.h"
#include "tools/bench/modes.h"

namespace cantine::bench {
namespace {

constexpr absl::Duration kReplicationPoll = absl::Milliseconds(20);
// Settled: the venue's own sequence unchanged over this many polls, and held by the
// forwarder.
constexpr absl::Duration kSettlePoll = absl::Milliseconds(100);
constexpr int kSettleStablePolls = 3;

// Repeats `call` until it answers OK; the error of the last call when it fails with another
// code than NOT_FOUND (with only_not_found) or `give_up` passes.
absl::Status PollUntilOk(absl::Time give_up, const std::string& what, bool only_not_found,
                         const std::function<grpc::Status()>& call) {
  while (true) {
    const grpc::Status status = call();
    if (status.ok()) return absl::OkStatus();
    if ((only_not_found && status.error_code() != grpc::StatusCode::NOT_FOUND) ||
        absl::Now() > give_up) {
      return Failed(what, status);
    }
    absl::SleepFor(kReplicationPoll);
  }
}

class ForwardedBench {
 public:
  ForwardedBench(const BenchOptions& options, std::ostream& progress)
      : options_(options), progress_(progress) {}

  absl::StatusOr<ForwardedReport> Run() {
    report_.venue_site = TwoSiteNetwork::kVenue;
    report_.forwarder_site = TwoSiteNetwork::kForwarder;
    report_.members = options_.members;
    report_.rounds = options_.rounds;
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
    absl::StatusOr<ForwardedReport> report = RunInWorkDir();
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
  absl::StatusOr<ForwardedReport> RunInWorkDir() {
    progress_ << "work folder " << work_dir_ << "; making certificates and starting "
              << TwoSiteNetwork::kVenue << " and " << TwoSiteNetwork::kForwarder << std::endl;
    const absl::Time start = absl::Now();
    ASSIGN_OR_RETURN(network_,
                     TwoSiteNetwork::Start({.cantined_path = options_.cantined_path,
                                            .make_certs_path = options_.make_certs_path,
                                            .work_dir = work_dir_,
                                            .startup_timeout = options_.startup_timeout}));
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
      venue_.push_back(std::make_unique<NodeStubs>(network_->venue_address(), network_->ca_pem()));
      forwarder_.push_back(
          std::make_unique<NodeStubs>(network_->forwarder_address(), network_->ca_pem()));
    }
    // The members' home is the forwarder: registered there, with tokens it signs.
    ASSIGN_OR_RETURN(setup_, SetUpLoad(venue_, forwarder_,
                                       {.prefix = "fwd",
                                        .member_name = "Forwarding bench",
                                        .spaces = options_.spaces,
                                        .seats = options_.seats,
                                        .members = options_.members,
                                        .days = options_.days,
                                        .issue_tokens = true,
                                        .admin_credential = network_->admin_credential(),
                                        .rpc_timeout = options_.rpc_timeout}));
    report_.shape = setup_.Shape(options_.threads);
    progress_ << "set-up: " << options_.spaces << " desk pools at " << TwoSiteNetwork::kVenue
              << ", " << options_.members << " members of " << TwoSiteNetwork::kForwarder
              << " with tokens, " << absl::FormatDuration(setup_.wall) << std::endl;
    RETURN_IF_ERROR(WaitForReplication());

    BookingLoad load(setup_, network_->admin_credential());
    PhaseResult direct;
    PhaseResult forwarded;
    for (int round = 1; round <= options_.rounds; ++round) {
      const bool forwarded_first = round % 2 == 0;
      for (const bool phase_forwarded : {forwarded_first, !forwarded_first}) {
        RunPhase(load, phase_forwarded, round, phase_forwarded ? forwarded : direct);
      }
    }
    report_.direct = Summarize(std::move(direct));
    report_.forwarded = Summarize(std::move(forwarded));

    if (!network_->Running()) {
      return absl::UnavailableError(absl::StrCat("a node stopped during the run; see ",
                                                 network_->venue_log(), " and ",
                                                 network_->forwarder_log()));
    }
    progress_ << "verifying " << load.acknowledged() << " acknowledged bookings and "
              << static_cast<int64_t>(setup_.spaces.size()) * setup_.days() * setup_.slots()
              << " slots at " << TwoSiteNetwork::kVenue << std::endl;
    ASSIGN_OR_RETURN(report_.verification, load.Verify(venue_, options_.rpc_timeout));
    if (absl::Status s = network_->Stop(); !s.ok()) {
      report_.shutdown_problem = std::string(s.message());
    }
    return report_;
  }

  // Until the venue knows every member (replicated from the forwarder, with the
  // forwarder's directory entry and key) and the forwarder can route to the venue (it
  // holds the venue's directory entry, and mutual TLS between them works).
  absl::Status WaitForReplication() {
    const absl::Time start = absl::Now();
    const absl::Time give_up = start + options_.startup_timeout;
    RETURN_IF_ERROR(ParallelFor(options_.threads, options_.members, [&](int worker, int64_t i) {
      v1::GetMemberRequest request;
      request.set_member_id(setup_.member_ids[i]);
      v1::Member member;
      return PollUntilOk(give_up, absl::StrCat("GetMember ", setup_.member_ids[i], " at the venue"),
                         /*only_not_found=*/true, [&] {
                           return Call(*venue_[worker]->members,
                                       &v1::MemberService::Stub::GetMember, request, &member,
                                       options_.rpc_timeout);
                         });
    }));
    v1::GetAvailabilityRequest probe;
    probe.set_site_id(TwoSiteNetwork::kVenue);
    probe.set_space_id(setup_.spaces[0].space_id);
    *probe.mutable_first_day() = rpc::CivilDayToProto(setup_.window->open_days()[0]);
    *probe.mutable_last_day() = rpc::CivilDayToProto(setup_.window->open_days()[0]);
    v1::GetAvailabilityResponse response;
    RETURN_IF_ERROR(PollUntilOk(
        give_up, "GetAvailability forwarded to the venue (the route never worked)",
        /*only_not_found=*/false, [&] {
          return Call(*forwarder_[0]->bookings, &v1::BookingService::Stub::GetAvailability, probe,
                      &response, options_.rpc_timeout);
        }));
    report_.replication_wait = absl::Now() - start;
    progress_ << "replication: " << TwoSiteNetwork::kVenue << " knows every member and "
              << TwoSiteNetwork::kForwarder << " routes to it after "
              << absl::FormatDuration(report_.replication_wait) << std::endl;
    return absl::OkStatus();
  }

  void RunPhase(BookingLoad& load, bool forwarded, int round, PhaseResult& totals) {
    progress_ << "round " << round << ", " << (forwarded ? "forwarded" : "direct") << ": "
              << options_.threads << " clients book at "
              << (forwarded ? TwoSiteNetwork::kForwarder : TwoSiteNetwork::kVenue) << " for "
              << absl::FormatDuration(options_.duration) << std::endl;
    const std::vector<int> pids = {report_.venue_pid, report_.forwarder_pid};
    PhaseResult phase =
        load.Run({.stubs = forwarded ? &forwarder_ : &venue_,
                  .site_id = TwoSiteNetwork::kVenue,
                  .key_prefix = absl::StrCat(setup_.run_id, "-", forwarded ? "f" : "d", round, "-"),
                  .duration = options_.duration,
                  .max_bookings = 0,
                  .rpc_timeout = options_.rpc_timeout,
                  .pids = pids,
                  .progress = nullptr});
    PhaseLine line{.round = round,
                   .forwarded = forwarded,
                   .acknowledged = phase.figures.acknowledged,
                   .wall = phase.figures.wall,
                   .cpu = phase.figures.cpu,
                   .settle = absl::ZeroDuration(),
                   .settle_cpu = {}};
    Add(totals, std::move(phase));
    const testing::CpuSnapshot settle_start = testing::TakeCpuSnapshot(pids);
    if (absl::Status s = Settle(); !s.ok()) {
      progress_ << "  replication did not settle: " << s.message() << std::endl;
    }
    line.settle_cpu = testing::CpuBetween(settle_start, testing::TakeCpuSnapshot(pids));
    line.settle = line.settle_cpu.wall;
    report_.phases.push_back(line);
    progress_ << "  round " << round << " done, " << line.acknowledged << " acknowledged"
              << std::endl;
  }

  // Waits until the venue's oplog stops growing (its receipt publisher has drained its
  // outbox) and the forwarder holds all of it.
  absl::Status Settle() {
    const absl::Time give_up = absl::Now() + options_.startup_timeout;
    const std::string& admin = network_->admin_credential();
    uint64_t previous = 0;
    int stable = 0;
    while (true) {
      ASSIGN_OR_RETURN(
          const uint64_t venue,
          testing::HeldSeq(*venue_[0]->admin, admin, TwoSiteNetwork::kVenue, options_.rpc_timeout));
      ASSIGN_OR_RETURN(const uint64_t forwarder,
                       testing::HeldSeq(*forwarder_[0]->admin, admin, TwoSiteNetwork::kVenue,
                                        options_.rpc_timeout));
      stable = venue == previous && forwarder == venue ? stable + 1 : 0;
      if (stable >= kSettleStablePolls) return absl::OkStatus();
      previous = venue;
      if (absl::Now() > give_up) {
        return absl::DeadlineExceededError(absl::StrCat(
            TwoSiteNetwork::kForwarder, " holds ", forwarder, " of ", venue, " entries of ",
            TwoSiteNetwork::kVenue, " after ", absl::FormatDuration(options_.startup_timeout)));
      }
      absl::SleepFor(kSettlePoll);
    }
  }

  const BenchOptions options_;
  std::ostream& progress_;
  std::string work_dir_;
  bool made_work_dir_ = false;
  std::unique_ptr<TwoSiteNetwork> network_;
  ThreadStubs venue_;  // One per client thread, each its own connection.
  ThreadStubs forwarder_;
  LoadSetUp setup_;
  ForwardedReport report_;
};

}  // namespace

absl::StatusOr<ForwardedReport> RunForwarded(const BenchOptions& options, std::ostream& progress) {
  RETURN_IF_ERROR(ValidateBenchOptions(options));
  ForwardedBench bench(options, progress);
  return bench.Run();
}

}  // namespace cantine::bench
