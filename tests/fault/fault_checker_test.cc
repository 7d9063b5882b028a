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

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fault/checker.h"
#include "tests/fault/fault_network.h"
#include "tests/fault/history.h"
#include "tests/fault/nemesis.h"
#include "tests/fault/workload.h"
#include "tests/support/temp_dir.h"

namespace cantine {
namespace {

using testing::Checker;
using testing::FaultNetwork;
using testing::History;
using testing::Nemesis;
using testing::Workload;

constexpr char kAdminSecret[] = "fault-checker-admin-credential-0123";
const std::vector<std::string> kSites = {"paris", "milan", "lisbon", "tokyo", "berlin"};
constexpr int kFounders = 4;  // berlin joins during the run.
// How long a healed network may take to agree, and its receipts to reach every home.
constexpr absl::Duration kConvergence = absl::Seconds(120);
constexpr absl::Duration kReceipts = absl::Seconds(60);

int64_t EnvironmentNumber(const char* name, int64_t otherwise) {
  const char* text = std::getenv(name);
  int64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : otherwise;
}

void Append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

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

  // Healed: every link up, every node running.
  network.HealAll();
  for (const std::string& site : network.sites()) {
    if (!network.running(site)) {
      ASSERT_TRUE(network.Restart(site).ok()) << site;
    }
  }
  testing::CheckedNetwork checked{.admin_secret = kAdminSecret};
  for (const std::string& site : network.sites()) checked.ports[site] = network.port(site);
  Checker checker(checked, history);
  std::vector<std::string> anomalies = history.anomalies();
  const absl::StatusOr<absl::Duration> converged = checker.WaitForConvergence(kConvergence);
  if (!converged.ok()) anomalies.push_back(std::string(converged.status().message()));
  log(converged.ok() ? "converged" : "did not converge");
  Append(anomalies, checker.CheckVenues());
  const absl::Time receipts = absl::Now();
  Append(anomalies, checker.CheckItineraries(kReceipts));
  log(absl::StrCat(
      "itineraries checked in ",
      absl::FormatDuration(absl::Trunc(absl::Now() - receipts, absl::Milliseconds(100)))));
  Append(anomalies, checker.CheckMembers());
  Append(anomalies, checker.CheckEvents());
  log(absl::StrCat("checked: ", anomalies.size(), " anomalies so far"));
  std::map<std::string, std::string> folders;
  for (const std::string& site : network.sites()) {
    const absl::Time stopping = absl::Now();
    const int exit_code = network.Stop(site);
    log(absl::StrCat(
        site, " stopped in ",
        absl::FormatDuration(absl::Trunc(absl::Now() - stopping, absl::Milliseconds(10)))));
    if (exit_code != 0) {
      anomalies.push_back(absl::StrCat(site, " did not stop cleanly (exit ", exit_code, "); see ",
                                       network.log_file(site)));
    }
    folders[site] = network.data_dir(site);
  }
  Append(anomalies, Checker::CheckDigests(folders));
  log("stopped; digests compared");

  std::cout << "fault run seed " << seed << ": " << history.answered() + history.unknown()
            << " operations (" << history.acknowledged() << " acknowledged, " << history.unknown()
            << " unknown), " << nemesis.faults() << " faults injected, "
            << "converged in "
            << (converged.ok()
                    ? absl::FormatDuration(absl::Trunc(*converged, absl::Milliseconds(10)))
                    : "never")
            << ", " << anomalies.size() << " anomalies" << std::endl;
  EXPECT_TRUE(anomalies.empty()) << absl::StrJoin(anomalies, "\n");
}

}  // namespace
}  // namespace cantine
