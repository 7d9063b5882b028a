// cantine-bench --mode=network, small: a few in-process sites, each pulling only from the
// peers it chooses in the signed directory. Its figures must agree with what was written
// and with the fan-out.

#include <sstream>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/bench/modes.h"
#include "tools/bench/options.h"
#include "tools/bench/report.h"

namespace cantine::bench {
namespace {

using ::testing::Each;
using ::testing::Ge;
using ::testing::Gt;
using ::testing::HasSubstr;

BenchOptions SmallNetwork(int sites, int fan_out) {
  BenchOptions options = DefaultOptions(Mode::kNetwork);
  options.sites = sites;
  options.fan_out = fan_out;
  options.members_per_site = 2;
  options.bookings = 24;
  options.convergence_timeout = absl::Seconds(20);
  options.cores = 2;
  return options;
}

// Six sites of fan-out 2, where a choice one way only leaves site-d chosen by no site (its
// entries would never leave it): linked both ways, every origin reaches every node.
TEST(NetworkBenchTest, SitesPullingFromTheirFanOutConverge) {
  const BenchOptions options = SmallNetwork(6, 2);
  ASSERT_TRUE(ValidateBenchOptions(options).ok());
  std::ostringstream out;
  absl::StatusOr<NetworkFigures> figures = RunNetwork(options, out);
  ASSERT_TRUE(figures.ok()) << figures.status() << "\n" << out.str();
  EXPECT_EQ(figures->unreachable_pairs, 0) << out.str();
  EXPECT_TRUE(figures->converged) << out.str();
  EXPECT_THAT(out.str(), HasSubstr("CONVERGED: every receipt at its member's home"));
  // The links of the directory's choice: at least the fan-out, at most every other site.
  EXPECT_GE(figures->min_peers, 2);
  EXPECT_LE(figures->max_peers, 5);
  EXPECT_EQ(figures->registrations, 12);
  EXPECT_EQ(figures->bookings, 24);
  ASSERT_EQ(figures->received.size(), 6u);
  // Every node needs the others' entries: at least the 12 registrations minus its own 2.
  EXPECT_THAT(figures->received, Each(Ge(10)));
  EXPECT_THAT(figures->booking_bytes, Each(Gt(0)));
}

}  // namespace
}  // namespace cantine::bench
