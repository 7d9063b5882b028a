// --mode=direct: the booking load of one running node against its null-RPC ceiling.

#include <chrono>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/status_macros.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/closed_loop.h"
#include "tools/bench/modes.h"

namespace cantine::bench {
namespace {

using Steady = std::chrono::steady_clock;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Whether `target` (host:port) names this machine's loopback interface.
bool IsLoopback(absl::string_view target) {
  return absl::StartsWith(target, "127.") || absl::StartsWith(target, "localhost:") ||
         absl::StartsWith(target, "[::1]:") || absl::StartsWith(target, "ipv4:127.");
}

// Phase 1: --threads clients call Health/Check, the cheapest RPC the node serves, one call
// in flight each, driven as the bookings are (closed_loop.h).
class HealthChecker final : public ClosedLoopCaller {
 public:
  HealthChecker(Health::Stub& stub, absl::Duration timeout, Steady::time_point end)
      : stub_(stub), timeout_(timeout), end_(end) {}

  bool StartNext(grpc::CompletionQueue& queue, void* tag) override {
    if (Steady::now() >= end_) return false;
    call_.Start(testing::Context("", timeout_), queue, tag,
                [&](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
                  return stub_.PrepareAsyncCheck(context, request_, cq);
                });
    return true;
  }

  void Finished() override {
    call_.Release();
    ++(call_.status().ok() && call_.response().status() == HealthCheckResponse::SERVING ? calls_
                                                                                        : errors_);
  }

  int64_t calls() const { return calls_; }
  int64_t errors() const { return errors_; }

 private:
  int64_t calls_ = 0;
  int64_t errors_ = 0;
  Health::Stub& stub_;
  const absl::Duration timeout_;
  const Steady::time_point end_;
  const HealthCheckRequest request_;
  ClosedLoopCall<HealthCheckResponse> call_;
};

void MeasureCeiling(const BenchOptions& options, const ThreadStubs& stubs,
                    const std::vector<int>& pids, DirectReport& report) {
  const testing::CpuSnapshot start = testing::TakeCpuSnapshot(pids);
  const Steady::time_point end =
      Steady::now() + absl::ToChronoNanoseconds(options.ceiling_duration);
  std::vector<std::unique_ptr<HealthChecker>> checkers;
  std::vector<ClosedLoopCaller*> callers;
  for (const std::unique_ptr<NodeStubs>& node : stubs) {
    checkers.push_back(std::make_unique<HealthChecker>(*node->health, options.rpc_timeout, end));
    callers.push_back(checkers.back().get());
  }
  RunClosedLoop(callers, ClosedLoopThreads());
  report.ceiling = testing::CpuBetween(start, testing::TakeCpuSnapshot(pids));
  for (const std::unique_ptr<HealthChecker>& checker : checkers) {
    report.ceiling_calls += checker->calls();
    report.ceiling_errors += checker->errors();
  }
}

}  // namespace

absl::StatusOr<DirectReport> RunDirect(const BenchOptions& options, std::ostream& progress) {
  RETURN_IF_ERROR(ValidateBenchOptions(options));
  const ThreadStubs stubs = StubsPerThread(options.threads, options.node, options.ca_pem);
  ASSIGN_OR_RETURN(const LoadSetUp setup,
                   SetUpLoad(stubs, stubs, options, options.admin_credential));
  DirectReport report;
  report.node = options.node;
  report.node_is_local = IsLoopback(options.node);
  report.site_id = setup.site.site_id();
  report.shape = setup.Shape(options.threads);
  progress << "set-up done: site " << report.site_id << ", spaces bench-" << setup.run_id << "-0.."
           << options.spaces - 1 << ", " << options.threads << " members" << std::endl;

  progress << "phase 1: Health/Check for " << absl::FormatDuration(options.ceiling_duration)
           << std::endl;
  const std::vector<int> pids =
      options.node_pid > 0 ? std::vector<int>{options.node_pid} : std::vector<int>{};
  MeasureCeiling(options, stubs, pids, report);

  progress << "phase 2: CreateBooking for " << absl::FormatDuration(options.duration) << std::endl;
  BookingLoad load(setup, options.admin_credential);
  report.booking = Summarize(load.Run({.stubs = &stubs,
                                       .site_id = "",
                                       .key_prefix = absl::StrCat(setup.run_id, "-"),
                                       .duration = options.duration,
                                       .max_bookings = options.max_bookings,
                                       .rpc_timeout = options.rpc_timeout,
                                       .pids = pids,
                                       .progress = &progress}));

  ASSIGN_OR_RETURN(report.verification, load.Verify(stubs, options.rpc_timeout, progress));
  report.node_pid = options.node_pid;
  if (options.node_pid > 0) {
    absl::StatusOr<int64_t> rss = testing::ProcStatusKb(options.node_pid, "VmRSS");
    absl::StatusOr<int64_t> peak = testing::ProcStatusKb(options.node_pid, "VmHWM");
    if (rss.ok() && peak.ok()) {
      report.node_rss_kb = *rss;
      report.node_peak_rss_kb = *peak;
    } else {
      progress << "cannot read the node's RSS: "
               << (rss.ok() ? peak.status() : rss.status()).message() << std::endl;
    }
  }
  return report;
}

}  // namespace cantine::bench
