// cantine-bench's booking modes against real cantined processes: --mode=direct against one
// node started here, the whole --mode=forwarded run (two nodes over TLS) and the whole
// --mode=postgres run (a node, then a throwaway PostgreSQL), 1 s a phase.

#include <signal.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/proc_stats.h"
#include "tests/support/site_processes.h"
#include "tests/support/temp_dir.h"
#include "tools/bench/modes.h"

namespace cantine::bench {
namespace {

constexpr char kAdminSecret[] = "bench-booking-test-admin-credential";

// A short run of `mode`: 4 client threads, 1 s a phase.
BenchOptions ShortRun(Mode mode) {
  BenchOptions options = DefaultOptions(mode);
  options.threads = 4;
  options.duration = absl::Seconds(1);
  return options;
}

// A short run of a mode that starts its own cantined: 4 pools over 14 days.
BenchOptions ShortRunOfItsOwnNodes(Mode mode) {
  BenchOptions options = ShortRun(mode);
  options.cantined_path = CANTINED_PATH;
  options.spaces = 4;
  options.days = 14;
  options.startup_timeout = absl::Seconds(20);
  return options;
}

TEST(DirectBenchTest, BooksFillsSlotsAndVerifiesWithTheNodesFigures) {
  testing::TempDir dir;
  testing::SiteProcesses sites(dir, CANTINED_PATH, kAdminSecret, {"paris"});
  int port = 0;
  int federation_port = 0;
  std::unique_ptr<testing::Subprocess> paris = sites.Start("paris", "", &port, &federation_port);
  ASSERT_GT(port, 0);

  BenchOptions options = ShortRun(Mode::kDirect);
  options.node = absl::StrCat("127.0.0.1:", port);
  options.admin_credential = kAdminSecret;
  options.spaces = 2;
  options.seats = 2;
  options.days = 7;
  options.ceiling_duration = absl::Milliseconds(500);
  options.node_pid = paris->pid();
  std::ostringstream progress;
  absl::StatusOr<DirectReport> report = RunDirect(options, progress);
  ASSERT_TRUE(report.ok()) << report.status() << "\n" << progress.str();
  std::ostringstream printed;
  PrintReport(*report, printed);

  EXPECT_GT(report->ceiling_calls, 0) << printed.str();
  EXPECT_GT(report->booking.acknowledged, 0) << printed.str();
  EXPECT_LE(report->booking.acknowledged, report->shape.capacity_seat_slots);
  EXPECT_EQ(report->verification.acknowledged_seats, report->booking.acknowledged);
  EXPECT_EQ(report->verification.held_seats, report->booking.acknowledged);
  EXPECT_FALSE(VerificationFailed(*report)) << printed.str();
  EXPECT_THAT(printed.str(), ::testing::HasSubstr("verification passed"));

  // The node's figures come from /proc, as this test reads them.
  ASSERT_TRUE(report->node_rss_kb.has_value());
  EXPECT_GT(*report->node_rss_kb, 0);
  EXPECT_GE(report->node_peak_rss_kb.value_or(0), *report->node_rss_kb);
  absl::StatusOr<absl::Duration> node_cpu = testing::ProcessCpuTime(paris->pid());
  ASSERT_TRUE(node_cpu.ok());
  ASSERT_EQ(report->booking.cpu.processes.size(), 1u);
  ASSERT_TRUE(report->booking.cpu.processes[0].has_value());
  EXPECT_LE(*report->booking.cpu.processes[0], *node_cpu);
  EXPECT_GT(testing::ProcStatusKb(paris->pid(), "VmHWM").value_or(0), 0);

  paris->Signal(SIGTERM);
  EXPECT_EQ(paris->Wait(absl::Seconds(30)), 0);
}

TEST(ForwardedBenchTest, BooksDirectAndThroughTheForwarderAndVerifies) {
  BenchOptions options = ShortRunOfItsOwnNodes(Mode::kForwarded);
  options.make_certs_path = CANTINE_SOURCE_DIR "/tools/make-certs";
  options.members = 8;
  options.seats = 50;
  std::ostringstream progress;
  absl::StatusOr<ForwardedReport> report = RunForwarded(options, progress);
  ASSERT_TRUE(report.ok()) << report.status() << "\n" << progress.str();
  std::ostringstream printed;
  PrintForwardingReport(*report, printed);
  EXPECT_GT(report->direct.acknowledged, 0) << printed.str();
  EXPECT_GT(report->forwarded.acknowledged, 0) << printed.str();
  EXPECT_EQ(report->verification.acknowledged_seats,
            report->direct.acknowledged + report->forwarded.acknowledged);
  EXPECT_FALSE(ForwardingFailed(*report)) << printed.str();
  ASSERT_EQ(report->phases.size(), 2u);
  EXPECT_FALSE(report->phases[0].forwarded);
  EXPECT_TRUE(report->phases[1].forwarded);
  EXPECT_THAT(printed.str(), ::testing::HasSubstr("ratio forwarded / direct bookings/s"));
}

TEST(VersusPostgresBenchTest, BooksAtTheNodeThenAtPostgresqlAndVerifiesBoth) {
  BenchOptions options = ShortRunOfItsOwnNodes(Mode::kPostgres);
  options.postgres_sql_dir = CANTINE_SOURCE_DIR "/tools/bench/postgres";
  options.seats = 500;
  options.ceiling_duration = absl::Milliseconds(500);
  std::ostringstream progress;
  absl::StatusOr<VersusPostgresReport> report = RunVersusPostgres(options, progress);
  ASSERT_TRUE(report.ok()) << report.status() << "\n" << progress.str();
  std::ostringstream printed;
  PrintVersusPostgresReport(*report, printed);
  EXPECT_GT(report->node.booking.acknowledged, 0) << printed.str();
  EXPECT_EQ(report->node.verification.acknowledged_seats, report->node.booking.acknowledged);
  EXPECT_GT(report->postgres.bookings, 0) << printed.str();
  EXPECT_LE(report->postgres.bookings, report->postgres.transactions);
  EXPECT_FALSE(VersusPostgresFailed(*report)) << printed.str();
  EXPECT_GT(NodeToPostgresRatio(*report), 0);
  EXPECT_THAT(printed.str(), ::testing::HasSubstr("node bookings/s / postgresql bookings/s"));
  // A run that passed leaves nothing behind.
  EXPECT_FALSE(report->work_dir_kept);
  EXPECT_FALSE(std::filesystem::exists(report->work_dir));
}

}  // namespace
}  // namespace cantine::bench
