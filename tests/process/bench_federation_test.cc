// cantine-bench's federation modes, small: a catch-up of a few hundred entries (the
// destination in its own process, this build's cantine-bench) and a short propagation run.
// Their figures must agree with each other and with what was written.

#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tools/bench/modes.h"

namespace cantine::bench {
namespace {

using ::testing::HasSubstr;

// `mode`'s options with a work folder of the test's and the machine's cores.
BenchOptions SmallRun(Mode mode, const testing::TempDir& dir) {
  BenchOptions options = DefaultOptions(mode);
  options.work_dir = dir.path();
  options.self_path = CANTINE_BENCH_PATH;
  options.cores = 2;
  return options;
}

TEST(CatchupBenchTest, ADestinationCatchingUpNEntriesReceivesAndAppliesN) {
  testing::TempDir dir;
  std::ostringstream out;
  BenchOptions options = SmallRun(Mode::kCatchup, dir);
  options.entries = 280;  // Members, then 20 events: 300 entries.
  options.events = 20;
  options.generation_sync = GenerationSync::kOff;
  options.verifications = 200;
  options.settle = absl::Milliseconds(100);
  ASSERT_TRUE(ValidateBenchOptions(options).ok());
  absl::StatusOr<CatchupFigures> figures = RunCatchup(options, out);
  ASSERT_TRUE(figures.ok()) << figures.status() << "\n" << out.str();
  EXPECT_THAT(out.str(), HasSubstr("ratio catch-up entries/s / verifications/s"));
  EXPECT_THAT(out.str(), ::testing::MatchesRegex(
                             "(.|\n)*entries applied, signatures verified \\.+ 300 in(.|\n)*"));
  EXPECT_EQ(figures->source_entries, 300) << out.str();
  EXPECT_EQ(figures->applied, 300);
  EXPECT_EQ(figures->received, 300);
  EXPECT_EQ(figures->streamed, 300);
  EXPECT_EQ(figures->applied_alone, 300);
  EXPECT_GT(figures->entries_per_second, 0);
  EXPECT_GT(figures->verifications_per_second, 0);
  EXPECT_GT(figures->caught_up_rss_kb, 0);
  // The same entries again, by bootstrap.
  EXPECT_EQ(figures->bootstrap_applied, 300);
  EXPECT_GT(figures->bootstrap_entries_per_second, 0);
  EXPECT_THAT(out.str(), HasSubstr("ratio bootstrap / replay entries/s (same run)"));
  // And a node that held at least half of them when it stopped takes the rest once started
  // again (the source's first response may already have held all 300).
  EXPECT_GE(figures->restart_held, 150);
  EXPECT_EQ(figures->restart_held + figures->restart_taken, 300) << out.str();
  EXPECT_THAT(out.str(), HasSubstr("ratio restart / replay entries/s (same run)"));

  EXPECT_FALSE(figures->bookings_after_catchup.has_value());

  // A second run reuses the source, and books on the caught-up node: as many bookings as
  // asked (and the few more its 16 clients had in flight), all verified, and the node's RSS
  // holding both.
  std::ostringstream again;
  options.baselines = false;
  options.bootstrap = false;
  options.restart = false;
  options.bookings_after_catchup = 60;
  options.spaces = 2;
  options.seats = 5;
  options.days = 10;
  options.ceiling_duration = absl::Milliseconds(200);
  ASSERT_TRUE(ValidateBenchOptions(options).ok());
  figures = RunCatchup(options, again);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_THAT(again.str(), HasSubstr("reused 300 entries"));
  EXPECT_EQ(figures->received, 300);
  EXPECT_EQ(figures->streamed, 0);
  ASSERT_TRUE(figures->bookings_after_catchup.has_value()) << again.str();
  const DirectReport& bookings = *figures->bookings_after_catchup;
  EXPECT_GE(bookings.booking.acknowledged, 60) << again.str();
  EXPECT_FALSE(VerificationFailed(bookings)) << again.str();
  EXPECT_GT(bookings.node_rss_kb.value_or(0), 0);
  EXPECT_GE(bookings.node_peak_rss_kb.value_or(0), bookings.node_rss_kb.value_or(1));
}

TEST(PropagationBenchTest, EveryWriteIsReadableOnEveryNode) {
  testing::TempDir dir;
  BenchOptions options = SmallRun(Mode::kPropagation, dir);
  options.nodes = 3;
  options.rate = 40;
  options.duration = absl::Milliseconds(500);
  ASSERT_TRUE(ValidateBenchOptions(options).ok());
  std::ostringstream out;
  absl::StatusOr<PropagationFigures> figures = RunPropagation(options, out);
  ASSERT_TRUE(figures.ok()) << figures.status() << "\n" << out.str();
  EXPECT_EQ(figures->asked, 20) << out.str();
  EXPECT_EQ(figures->acknowledged, 20);
  EXPECT_EQ(figures->unseen, 0);
  EXPECT_EQ(figures->everywhere, 20);
  EXPECT_GT(figures->sampled, 0);
  EXPECT_EQ(figures->readable, figures->sampled);
  // A line of three: every entry crosses two links at least.
  EXPECT_GE(figures->received, 2 * figures->acknowledged);
  EXPECT_THAT(out.str(), HasSubstr("READABLE ON ALL NODES, from send"));
}

}  // namespace
}  // namespace cantine::bench
