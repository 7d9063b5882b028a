// The soak: four real cantined processes under the fault run's clients (tests/fault/
// workload.h) at a steady pace, no faults, for a set time. Each window prints the calls a
// second, their latency (p50, p99, max), and per node its resident memory, open file
// descriptors and data folder, so that a long run shows whether anything grows without
// bound; the last line compares the last window with the first. The run ends with every
// check of the fault checker (tests/fault/healed_check.h).
//
// In ctest a short run keeps the tool working; tools/soak runs it for an hour:
// CANTINE_SOAK_SECONDS, CANTINE_SOAK_WINDOW_SECONDS (default 10; the tool: 60) and
// CANTINE_SOAK_CLIENTS (per site, default 3).

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fault/fault_network.h"
#include "tests/fault/healed_check.h"
#include "tests/fault/history.h"
#include "tests/fault/run_settings.h"
#include "tests/fault/workload.h"
#include "tests/support/proc_stats.h"
#include "tests/support/temp_dir.h"

namespace cantine {
namespace {

using testing::EnvironmentNumber;

constexpr char kAdminSecret[] = "soak-admin-credential-0123456789";
const std::vector<std::string> kSites = {"paris", "milan", "lisbon", "tokyo"};

// What one node uses at the end of a window.
struct NodeUse {
  double rss_mib = 0;
  int64_t fds = 0;
  double data_mib = 0;
};

int64_t OpenFileDescriptors(int pid) {
  std::error_code error;
  int64_t count = 0;
  for (std::filesystem::directory_iterator it(absl::StrCat("/proc/", pid, "/fd"), error), end;
       !error && it != end; it.increment(error)) {
    ++count;
  }
  return count;
}

NodeUse UseOf(const testing::FaultNetwork& network, const std::string& site) {
  const int pid = network.pid(site);
  return {
      .rss_mib = static_cast<double>(testing::ProcStatusKb(pid, "VmRSS").value_or(0)) / 1024,
      .fds = OpenFileDescriptors(pid),
      .data_mib = static_cast<double>(testing::FolderBytes(network.data_dir(site))) / (1 << 20)};
}

TEST(SoakTest, SteadyLoadPrintsEachWindowAndLeavesTheNetworkConsistent) {
  const absl::Duration run = absl::Seconds(EnvironmentNumber("CANTINE_SOAK_SECONDS", 30));
  const absl::Duration window = absl::Seconds(EnvironmentNumber("CANTINE_SOAK_WINDOW_SECONDS", 10));
  const int clients = static_cast<int>(EnvironmentNumber("CANTINE_SOAK_CLIENTS", 3));
  std::cout << "soak of " << absl::FormatDuration(run) << ", " << clients
            << " clients a site, figures every " << absl::FormatDuration(window) << std::endl;

  testing::TempDir dir;
  testing::FaultNetwork network(dir, CANTINED_PATH, kAdminSecret, kSites,
                                static_cast<int>(kSites.size()));
  ASSERT_TRUE(network.StartFounders().ok());
  testing::History history;
  testing::Workload workload({.seed = 1}, kAdminSecret, &history);
  for (const std::string& site : network.sites()) workload.AddSite(site, network.port(site));
  for (const std::string& site : network.sites()) {
    const absl::Status added = workload.AddClients(site, clients);
    ASSERT_TRUE(added.ok()) << added;
  }

  const absl::Time start = absl::Now();
  const auto log = [&](const std::string& line) {
    std::cout << "[" << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Seconds(1)))
              << "] " << line << std::endl;
  };
  workload.TakeWindow();
  std::map<std::string, NodeUse> first, last;
  for (absl::Time next = start + window; next <= start + run; next += window) {
    absl::SleepFor(next - absl::Now());  // The load runs meanwhile: a window of figures.
    const testing::Workload::Window calls = workload.TakeWindow();
    std::string line = absl::StrFormat(
        "%.0f calls/s, p50 %s, p99 %s, max %s", calls.calls / absl::ToDoubleSeconds(window),
        absl::FormatDuration(absl::Trunc(calls.p50, absl::Microseconds(100))),
        absl::FormatDuration(absl::Trunc(calls.p99, absl::Microseconds(100))),
        absl::FormatDuration(absl::Trunc(calls.max, absl::Milliseconds(1))));
    for (const std::string& site : network.sites()) {
      const NodeUse use = UseOf(network, site);
      absl::StrAppendFormat(&line, " | %s %.1f MiB, %d fds, data %.1f MiB", site, use.rss_mib,
                            use.fds, use.data_mib);
      if (!first.contains(site)) first[site] = use;
      last[site] = use;
    }
    log(line);
  }
  std::vector<std::string> growth;
  for (const auto& [site, use] : last) {
    growth.push_back(absl::StrFormat("%s RSS %+.1f MiB, fds %+d, data %+.1f MiB", site,
                                     use.rss_mib - first[site].rss_mib, use.fds - first[site].fds,
                                     use.data_mib - first[site].data_mib));
  }
  log(absl::StrCat("from the first window to the last: ", absl::StrJoin(growth, "; ")));
  workload.Stop();
  log(absl::StrCat("load stopped: ", history.answered() + history.unknown(), " operations"));

  const testing::HealedCheck check = testing::CheckHealedNetwork(network, history, log);
  EXPECT_TRUE(check.anomalies.empty()) << absl::StrJoin(check.anomalies, "\n");
}

}  // namespace
}  // namespace cantine
