// The /proc reader of tests/support, which the process-level tests and the benchmarks share.

#include "tests/support/proc_stats.h"

#include <unistd.h>

#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace cantine::testing {
namespace {

TEST(ProcStatsTest, ParsesCpuTimeAfterTheCommand) {
  const std::string stat =
      "4242 (cantined (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 30 0 100 "
      "200000000 5000 18446744073709551615";
  absl::StatusOr<absl::Duration> cpu = ParseProcStatCpuTime(stat, 100);
  ASSERT_TRUE(cpu.ok()) << cpu.status();
  EXPECT_EQ(*cpu, absl::Seconds(3));
  EXPECT_FALSE(ParseProcStatCpuTime("garbage", 100).ok());
  EXPECT_FALSE(ParseProcStatCpuTime("1 (a) S 1 2", 100).ok());
}

TEST(ProcStatsTest, ParsesVmRss) {
  EXPECT_EQ(*ParseStatusKb("Name:\tcantined\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nThreads: 9\n",
                           "VmRSS"),
            12345);
  EXPECT_FALSE(ParseStatusKb("Name:\tx\n", "VmRSS").ok());
}

TEST(ProcStatsTest, ParsesMachineCpu) {
  absl::StatusOr<MachineCpuTime> cpu =
      ParseMachineCpu("cpu  100 10 50 500 40 5 5 0 30 0\ncpu0 50 5 25 250 20 2 3 0 15 0\n", 100);
  ASSERT_TRUE(cpu.ok()) << cpu.status();
  EXPECT_EQ(cpu->busy, absl::Seconds(1.7));
  EXPECT_EQ(cpu->idle, absl::Seconds(5.4));
  EXPECT_FALSE(ParseMachineCpu("intr 1 2 3\n", 100).ok());
}

TEST(ProcStatsTest, ReadsThisProcess) {
  EXPECT_TRUE(ProcessCpuTime(getpid()).ok());
  absl::StatusOr<int64_t> rss = ProcStatusKb(getpid(), "VmRSS");
  ASSERT_TRUE(rss.ok());
  EXPECT_GT(*rss, 0);
  EXPECT_TRUE(MachineCpu().ok());
}

TEST(ProcStatsTest, CpuUseIsTheDifferenceOfTwoSnapshots) {
  constexpr int kNoSuchPid = 999'999'999;
  const CpuSnapshot start = TakeCpuSnapshot({getpid(), kNoSuchPid});
  const absl::Time busy_until = absl::Now() + absl::Milliseconds(50);
  while (absl::Now() < busy_until) {
  }
  const CpuUse use = CpuBetween(start, TakeCpuSnapshot({getpid(), kNoSuchPid}));
  EXPECT_GE(use.wall, absl::Milliseconds(50));
  EXPECT_GE(use.self, absl::ZeroDuration());
  ASSERT_EQ(use.processes.size(), 2u);
  EXPECT_TRUE(use.processes[0].has_value());
  EXPECT_FALSE(use.processes[1].has_value());
  EXPECT_TRUE(use.machine_busy.has_value() && use.machine_idle.has_value());
}

}  // namespace
}  // namespace cantine::testing
