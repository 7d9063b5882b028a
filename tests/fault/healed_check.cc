#include "tests/fault/healed_check.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/fault/checker.h"

namespace cantine::testing {
namespace {

// How long a healed network may take to agree, and its receipts to reach every home.
constexpr absl::Duration kConvergence = absl::Seconds(120);
constexpr absl::Duration kReceipts = absl::Seconds(60);

void Append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

std::string Rounded(absl::Duration duration) {
  return absl::FormatDuration(absl::Trunc(duration, absl::Milliseconds(10)));
}

}  // namespace

HealedCheck CheckHealedNetwork(FaultNetwork& network, const History& history,
                               const std::function<void(const std::string&)>& log) {
  HealedCheck check{.anomalies = history.anomalies()};
  network.HealAll();
  for (const std::string& site : network.sites()) {
    if (network.running(site)) continue;
    if (const absl::Status restarted = network.Restart(site); !restarted.ok()) {
      check.anomalies.push_back(absl::StrCat(site, " does not start again: ", restarted.message()));
    }
  }
  CheckedNetwork checked{.admin_secret = network.admin_secret()};
  for (const std::string& site : network.sites()) checked.ports[site] = network.port(site);
  {
    // Closed before the nodes stop: a node's drain waits for the connections open to it.
    const Checker checker(checked, history);
    const absl::StatusOr<absl::Duration> converged = checker.WaitForConvergence(kConvergence);
    if (converged.ok()) {
      check.converged = *converged;
      log(absl::StrCat("converged in ", Rounded(*converged)));
    } else {
      check.anomalies.push_back(std::string(converged.status().message()));
    }
    Append(check.anomalies, checker.CheckVenues());
    const absl::Time receipts = absl::Now();
    Append(check.anomalies, checker.CheckItineraries(kReceipts));
    log(absl::StrCat("itineraries checked in ", Rounded(absl::Now() - receipts)));
    Append(check.anomalies, checker.CheckMembers());
    Append(check.anomalies, checker.CheckEvents());
  }

  std::map<std::string, std::string> folders;
  for (const std::string& site : network.sites()) {
    if (const int exit_code = network.Stop(site); exit_code != 0) {
      check.anomalies.push_back(absl::StrCat(site, " did not stop cleanly (exit ", exit_code,
                                             "); see ", network.log_file(site)));
    }
    folders[site] = network.data_dir(site);
  }
  Append(check.anomalies, Checker::CheckDigests(folders));
  log(absl::StrCat("stopped; digests compared; ", check.anomalies.size(), " anomalies"));
  return check;
}

}  // namespace cantine::testing
