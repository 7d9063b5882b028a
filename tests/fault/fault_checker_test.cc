// The fault checker: a network of real cantined processes, each federation link through a
// proxy of the harness, under concurrent clients booking (locally and forwarded),
// cancelling, reading itineraries, renaming and erasing members and announcing events,
// while faults strike one after another: kills with SIGKILL (and restarts with skewed
// clocks), partitions (halves, one node isolated, a bridge), slow and throttled links,
// reset connections; a fifth city joins a third of the way in. Once healed, the checker
// (tests/fault/checker.h) looks for oversold slots, lost, stale, duplicated and phantom
// writes, erased data still shown, and nodes whose replicated state differs.
//
// Seeded: the seed is printed first, and CANTINE_FAULT_SEED=<seed> replays the run's
// choices (not the exact interleaving of calls and faults, which timing decides).
// CANTINE_FAULT_SECONDS (default 45) and CANTINE_FAULT_CLIENTS (per site, default 3) make a
// longer or busier run: tools/fault-run.

#include <signal.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fault/fault_network.h"
#include "tests/fault/healed_check.h"
#include "tests/fault/history.h"
#include "tests/fault/nemesis.h"
#include "tests/fault/run_settings.h"
#include "tests/fault/workload.h"
#include "tests/support/temp_dir.h"

namespace cantine {
namespace {

using testing::EnvironmentNumber;
using testing::FaultNetwork;
using testing::History;
using testing::Nemesis;
using testing::Workload;

constexpr char kAdminSecret[] = "fault-checker-admin-credential-0123";
const std::vector<std::string> kSites = {"paris", "milan", "lisbon", "tokyo", "berlin"};
constexpr int kFounders = 4;  // berlin joins during the run.

TEST(FaultCheckerTest, NoAnomalyUnderKillsPartitionsSlowLinksSkewAndAJoin) {
  const uint64_t seed = static_cast<uint64_t>(
      EnvironmentNumber("CANTINE_FAULT_SEED", absl::ToUnixMicros(absl::Now()) % 1'000'000'007));
  const absl::Duration run = absl::Seconds(EnvironmentNumber("CANTINE_FAULT_SECONDS", 45));
  const int clients = static_cast<int>(EnvironmentNumber("CANTINE_FAULT_CLIENTS", 3));
  std::cout << "fault run seed " << seed << " (replay: CANTINE_FAULT_SEED=" << seed << "), "
            << absl::FormatDuration(run) << ", " << clients << " clients a site" << std::endl;
  RecordProperty("seed", std::to_string(seed));

  testing::TempDir dir;
  FaultNetwork network(dir, CANTINED_PATH, kAdminSecret, kSites, kFounders);
  ASSERT_TRUE(network.StartFounders().ok());
  History history;
  Workload workload({.seed = seed}, kAdminSecret, &history);
  for (const std::string& site : network.sites()) workload.AddSite(site, network.port(site));
  for (const std::string& site : network.sites()) {
    const absl::Status added = workload.AddClients(site, clients);
    ASSERT_TRUE(added.ok()) << added;
  }

  Nemesis nemesis(&network, {.seed = seed});
  const absl::Time start = absl::Now();
  const auto log = [&](const std::string& line) {
    std::cout << "["
              << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(100)))
              << "] " << line << std::endl;
  };
  bool joined = false;
  while (absl::Now() - start < run) {
    if (!joined && absl::Now() - start > run / 3) {
      const std::string& joiner = kSites[kFounders];
      const absl::Status join = network.Join(joiner);
      ASSERT_TRUE(join.ok()) << join;
      workload.AddSite(joiner, network.port(joiner));
      const absl::Status added = workload.AddClients(joiner, clients);
      ASSERT_TRUE(added.ok()) << added;
      log(absl::StrCat(joiner, " joined"));
      joined = true;
      continue;
    }
    const absl::StatusOr<std::string> fault = nemesis.Strike();
    ASSERT_TRUE(fault.ok()) << fault.status();
    log(*fault);
  }
  workload.Stop();
  log(absl::StrCat("load stopped: ", history.answered() + history.unknown(), " operations"));
  const testing::HealedCheck check = testing::CheckHealedNetwork(network, history, log);

  std::cout << "fault run seed " << seed << ": " << history.answered() + history.unknown()
            << " operations (" << history.acknowledged() << " acknowledged, " << history.unknown()
            << " unknown), " << nemesis.faults() << " faults injected, "
            << "converged in "
            << (check.converged.has_value()
                    ? absl::FormatDuration(absl::Trunc(*check.converged, absl::Milliseconds(10)))
                    : "never")
            << ", " << check.anomalies.size() << " anomalies" << std::endl;
  EXPECT_TRUE(check.anomalies.empty()) << absl::StrJoin(check.anomalies, "\n");
}

}  // namespace
}  // namespace cantine
