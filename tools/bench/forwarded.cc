// --mode=forwarded: booking throughput through a forwarding node against direct booking at
// the venue, in the same run, over TLS.

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/files/atomic_file.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"
#include "tests/support/cantined_launcher.h"
#include "tools/bench/booking_load.h"
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

constexpr char kVenue[] = "paris";
constexpr char kForwarder[] = "milan";
constexpr absl::Duration kStopTimeout = absl::Seconds(15);

// What the bench changes of the sites' profiles in deploy/sites (their policies: open on
// weekdays, two half-day slots, 90 days ahead; their seeded spaces, which the bench leaves
// alone): a short drain, and no visit allowance in effect (31 days a month; milan's deploy
// config caps its members' visits, which would refuse most bookings of a throughput run).
constexpr char kConfigOverride[] =
    "drain_timeout { seconds: 2 } initial_policy { member_visit_days_per_month: 31 }";

// Two real cantined processes on 127.0.0.1 (StartCantined), the venue paris and the
// forwarder milan, each pulling from the other; the public ports TLS and the federation
// ports mutual TLS, with a network CA of the run's own (tools/make-certs). A node's peers
// are fixed when it starts: milan starts alone, paris pulling from it, then milan again on
// the federation port it had, pulling from paris. The signing keys are the ones each node
// makes in its data folder. Stopped with SIGTERM at destruction.
struct TwoSites {
  const BenchOptions& options;
  std::string dir = {};
  std::string admin = NewRunId() + NewRunId() + NewRunId() + NewRunId();
  std::string ca_pem = {};
  testing::CantinedProcess venue = {};
  testing::CantinedProcess forwarder = {};

  ~TwoSites() { Stop().IgnoreError(); }

  std::string Path(absl::string_view name) const { return absl::StrCat(dir, "/", name); }

  absl::StatusOr<testing::CantinedProcess> StartNode(absl::string_view site, int federation_port,
                                                     absl::string_view peer, int peer_port) {
    std::string config = absl::StrCat(
        kConfigOverride, " tls { ca_file: ", testing::TextFormatString(Path("certs/ca.pem")),
        " cert_file: ", testing::TextFormatString(Path(absl::StrCat("certs/", site, ".pem"))),
        " key_file: ", testing::TextFormatString(Path(absl::StrCat("certs/", site, ".key"))), " }");
    if (!peer.empty()) {
      absl::StrAppend(&config, " peers { site_id: \"", peer, "\" address: \"127.0.0.1:", peer_port,
                      "\" public_key_file: ",
                      testing::TextFormatString(Path(absl::StrCat(peer, "/node.pub"))), " }");
    }
    return testing::StartCantined(
        {.cantined = options.cantined_path,
         .dir = dir,
         .site = std::string(site),
         .config = absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/", site, ".textproto"),
         .federation_port = federation_port,
         .config_override = config,
         .flags = {"--log_level=warning"},
         .ca_pem = ca_pem,
         .timeout = options.startup_timeout});
  }

  // FAILED_PRECONDITION when make-certs fails or a node exits or does not serve in time
  // (with the end of its log); UNAVAILABLE when a process cannot be started.
  absl::Status Start() {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    RETURN_IF_ERROR(files::WriteFileAtomically(Path("admin"), admin + "\n", 0600));
    testing::Subprocess make_certs({options.make_certs_path, Path("certs"), kVenue, kForwarder},
                                   Path("make-certs.log"));
    RETURN_IF_ERROR(make_certs.Spawn());
    if (const int code = make_certs.Stop(0, absl::Seconds(60)); code != 0) {
      return absl::FailedPreconditionError(absl::StrCat("tools/make-certs exited with code ", code,
                                                        testing::LogTail(Path("make-certs.log"))));
    }
    std::ifstream ca(Path("certs/ca.pem"));
    ca_pem.assign(std::istreambuf_iterator<char>(ca), std::istreambuf_iterator<char>());
    ASSIGN_OR_RETURN(testing::CantinedProcess alone, StartNode(kForwarder, 0, "", 0));
    ASSIGN_OR_RETURN(venue, StartNode(kVenue, 0, kForwarder, alone.federation_port));
    if (const int code = alone.process->Stop(SIGTERM, kStopTimeout); code != 0) {
      return absl::FailedPreconditionError(absl::StrCat(kForwarder, " exited with code ", code,
                                                        " when stopped for its restart",
                                                        testing::LogTail(alone.log_path)));
    }
    ASSIGN_OR_RETURN(forwarder,
                     StartNode(kForwarder, alone.federation_port, kVenue, venue.federation_port));
    return absl::OkStatus();
  }

  bool Running() { return venue.process->running() && forwarder.process->running(); }

  // SIGTERM to both, then waits for them. INTERNAL naming a node that did not exit with
  // code 0. Idempotent.
  absl::Status Stop() {
    std::vector<std::string> failures;
    for (const auto& [site, node] :
         {std::pair(kForwarder, &forwarder), std::pair(kVenue, &venue)}) {
      if (node->process == nullptr) continue;
      if (const int code = node->process->Stop(SIGTERM, kStopTimeout); code != 0) {
        failures.push_back(
            absl::StrCat(site, " exited with code ", code, " (see ", node->log_path, ")"));
      }
      node->process.reset();
    }
    if (failures.empty()) return absl::OkStatus();
    return absl::InternalError(absl::StrJoin(failures, "; "));
  }
};

class ForwardedBench {
 public:
  ForwardedBench(const BenchOptions& options, std::ostream& progress)
      : options_(options), progress_(progress) {}

  absl::StatusOr<ForwardedReport> Run() {
    report_.venue_site = kVenue;
    report_.forwarder_site = kForwarder;
    report_.members = options_.members;
    report_.rounds = options_.rounds;
    network_.dir = options_.work_dir;
    if (network_.dir.empty()) {
      std::string pattern = "/tmp/cantine-forwarding-bench-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) {
        return absl::FailedPreconditionError("cannot create a work folder under /tmp");
      }
      network_.dir = pattern;
      made_work_dir_ = true;
    }
    report_.work_dir = network_.dir;
    absl::StatusOr<ForwardedReport> report = RunInWorkDir();
    // Logs and data are kept when the run fails, for a look at the nodes' logs.
    const bool failed = !report.ok() || ForwardingFailed(*report);
    if (made_work_dir_ && !options_.keep_work_dir && !failed) {
      std::error_code error;
      std::filesystem::remove_all(network_.dir, error);
    } else if (report.ok()) {
      report->work_dir_kept = true;
    } else {
      progress_ << "the work folder is kept: " << network_.dir << std::endl;
    }
    return report;
  }

 private:
  absl::StatusOr<ForwardedReport> RunInWorkDir() {
    progress_ << "work folder " << network_.dir << "; making certificates and starting " << kVenue
              << " and " << kForwarder << std::endl;
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(network_.Start());
    report_.startup_wall = absl::Now() - start;
    report_.venue_address = absl::StrCat("127.0.0.1:", network_.venue.port);
    report_.forwarder_address = absl::StrCat("127.0.0.1:", network_.forwarder.port);
    report_.venue_pid = network_.venue.process->pid();
    report_.forwarder_pid = network_.forwarder.process->pid();
    progress_ << "nodes up in " << absl::FormatDuration(report_.startup_wall) << ": " << kVenue
              << " " << report_.venue_address << " (pid " << report_.venue_pid << "), "
              << kForwarder << " " << report_.forwarder_address << " (pid " << report_.forwarder_pid
              << ")" << std::endl;

    venue_ = StubsPerThread(options_.threads, report_.venue_address, network_.ca_pem);
    forwarder_ = StubsPerThread(options_.threads, report_.forwarder_address, network_.ca_pem);
    // The members' home is the forwarder: registered there, with tokens it signs.
    ASSIGN_OR_RETURN(setup_, SetUpLoad(venue_, forwarder_, options_, network_.admin));
    report_.shape = setup_.Shape(options_.threads);
    progress_ << "set-up: " << options_.spaces << " desk pools at " << kVenue << ", "
              << options_.members << " members of " << kForwarder << " with tokens, "
              << absl::FormatDuration(setup_.wall) << std::endl;
    RETURN_IF_ERROR(WaitForReplication());

    BookingLoad load(setup_, network_.admin);
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

    if (!network_.Running()) {
      return absl::UnavailableError(absl::StrCat("a node stopped during the run; see ",
                                                 network_.venue.log_path, " and ",
                                                 network_.forwarder.log_path));
    }
    ASSIGN_OR_RETURN(report_.verification, load.Verify(venue_, options_.rpc_timeout, progress_));
    if (absl::Status s = network_.Stop(); !s.ok()) {
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
                           return venue_[worker]->members->GetMember(
                               testing::Context("", options_.rpc_timeout).get(), request, &member);
                         });
    }));
    v1::GetAvailabilityRequest probe;
    probe.set_site_id(kVenue);
    probe.set_space_id(setup_.spaces[0].space_id);
    *probe.mutable_first_day() = rpc::CivilDayToProto(setup_.window->open_days()[0]);
    *probe.mutable_last_day() = rpc::CivilDayToProto(setup_.window->open_days()[0]);
    v1::GetAvailabilityResponse response;
    RETURN_IF_ERROR(
        PollUntilOk(give_up, "GetAvailability forwarded to the venue (the route never worked)",
                    /*only_not_found=*/false, [&] {
                      return forwarder_[0]->bookings->GetAvailability(
                          testing::Context("", options_.rpc_timeout).get(), probe, &response);
                    }));
    report_.replication_wait = absl::Now() - start;
    progress_ << "replication: " << kVenue << " knows every member and " << kForwarder
              << " routes to it after " << absl::FormatDuration(report_.replication_wait)
              << std::endl;
    return absl::OkStatus();
  }

  void RunPhase(BookingLoad& load, bool forwarded, int round, PhaseResult& totals) {
    progress_ << "round " << round << ", " << (forwarded ? "forwarded" : "direct") << ": "
              << options_.threads << " clients book at " << (forwarded ? kForwarder : kVenue)
              << " for " << absl::FormatDuration(options_.duration) << std::endl;
    const std::vector<int> pids = {report_.venue_pid, report_.forwarder_pid};
    PhaseResult phase =
        load.Run({.stubs = forwarded ? &forwarder_ : &venue_,
                  .site_id = kVenue,
                  .key_prefix = absl::StrCat(setup_.run_id, "-", forwarded ? "f" : "d", round, "-"),
                  .duration = options_.duration,
                  .max_bookings = 0,
                  .rpc_timeout = options_.rpc_timeout,
                  .pids = pids,
                  .progress = nullptr});
    PhaseLine line{.round = round,
                   .forwarded = forwarded,
                   .acknowledged = phase.figures.acknowledged,
                   .cpu = phase.figures.cpu,
                   .settle_cpu = {}};
    Add(totals, std::move(phase));
    const testing::CpuSnapshot settle_start = testing::TakeCpuSnapshot(pids);
    if (absl::Status s = Settle(); !s.ok()) {
      progress_ << "  replication did not settle: " << s.message() << std::endl;
    }
    line.settle_cpu = testing::CpuBetween(settle_start, testing::TakeCpuSnapshot(pids));
    report_.phases.push_back(line);
    progress_ << "  round " << round << " done, " << line.acknowledged << " acknowledged"
              << std::endl;
  }

  // Waits until the venue's oplog stops growing (its receipt publisher has drained its
  // outbox) and the forwarder holds all of it.
  absl::Status Settle() {
    const absl::Time give_up = absl::Now() + options_.startup_timeout;
    const std::string& admin = network_.admin;
    uint64_t previous = 0;
    int stable = 0;
    while (true) {
      ASSIGN_OR_RETURN(const uint64_t venue,
                       testing::HeldSeq(*venue_[0]->admin, admin, kVenue, options_.rpc_timeout));
      ASSIGN_OR_RETURN(const uint64_t forwarder, testing::HeldSeq(*forwarder_[0]->admin, admin,
                                                                  kVenue, options_.rpc_timeout));
      stable = venue == previous && forwarder == venue ? stable + 1 : 0;
      if (stable >= kSettleStablePolls) return absl::OkStatus();
      previous = venue;
      if (absl::Now() > give_up) {
        return absl::DeadlineExceededError(
            absl::StrCat(kForwarder, " holds ", forwarder, " of ", venue, " entries of ", kVenue,
                         " after ", absl::FormatDuration(options_.startup_timeout)));
      }
      absl::SleepFor(kSettlePoll);
    }
  }

  const BenchOptions options_;
  std::ostream& progress_;
  bool made_work_dir_ = false;
  TwoSites network_{.options = options_};
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
