// cantine-forwarding-bench: its option checks, and a smoke run of the whole bench (two real
// cantined processes over TLS, 1 s per phase).

#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/bench/forwarding.h"

namespace cantine::bench {
namespace {

using ::testing::HasSubstr;

ForwardingOptions SmallRun() {
  ForwardingOptions options;
  options.cantined_path = CANTINED_PATH;
  options.make_certs_path = CANTINE_SOURCE_DIR "/tools/make-certs";
  options.threads = 4;
  options.members = 8;
  options.spaces = 4;
  options.seats = 50;
  options.days = 14;
  options.phase_duration = absl::Seconds(1);
  options.startup_timeout = absl::Seconds(20);
  return options;
}

TEST(ForwardingOptionsTest, NamesTheBadFlag) {
  EXPECT_TRUE(ValidateForwardingOptions(SmallRun()).ok());
  ForwardingOptions options = SmallRun();
  options.members = 0;
  EXPECT_THAT(ValidateForwardingOptions(options).message(), HasSubstr("--members"));
  options = SmallRun();
  options.phase_duration = absl::ZeroDuration();
  EXPECT_THAT(ValidateForwardingOptions(options).message(), HasSubstr("--seconds"));
  options = SmallRun();
  options.cantined_path.clear();
  EXPECT_THAT(ValidateForwardingOptions(options).message(), HasSubstr("--cantined"));
}

TEST(ForwardingReportTest, AnyDisagreementFailsTheRun) {
  ForwardingReport report;
  report.acknowledged_seats = report.held_seats = report.listed_confirmed_seats = 10;
  EXPECT_FALSE(ForwardingFailed(report));
  report.listed_confirmed_seats = 11;  // A booking the bench was never told of.
  EXPECT_TRUE(ForwardingFailed(report));
  report.listed_confirmed_seats = 10;
  report.shutdown_problem = "paris exited with code 1";
  EXPECT_TRUE(ForwardingFailed(report));
}

TEST(ForwardingReportTest, RatioIsForwardedOverDirect) {
  ForwardingReport report;
  report.direct.acknowledged = 1000;
  report.direct.wall = absl::Seconds(10);
  report.forwarded.acknowledged = 300;
  report.forwarded.wall = absl::Seconds(5);
  EXPECT_DOUBLE_EQ(ForwardedToDirectRatio(report), 0.6);
  std::ostringstream out;
  PrintForwardingReport(report, out);
  EXPECT_THAT(out.str(), HasSubstr("ratio forwarded / direct bookings/s: 0.600"));
}

TEST(ForwardingBenchSmokeTest, BooksDirectAndThroughTheForwarderAndVerifies) {
  std::ostringstream progress;
  absl::StatusOr<ForwardingReport> report = RunForwardingBench(SmallRun(), progress);
  ASSERT_TRUE(report.ok()) << report.status() << "\n" << progress.str();
  std::ostringstream printed;
  PrintForwardingReport(*report, printed);
  EXPECT_GT(report->direct.acknowledged, 0) << printed.str();
  EXPECT_GT(report->forwarded.acknowledged, 0) << printed.str();
  EXPECT_EQ(report->acknowledged_seats,
            report->direct.acknowledged + report->forwarded.acknowledged);
  EXPECT_FALSE(ForwardingFailed(*report)) << printed.str();
}

}  // namespace
}  // namespace cantine::bench
