#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/fault/fault_network.h"
#include "tests/fault/history.h"

namespace cantine::testing {

struct HealedCheck {
  std::vector<std::string> anomalies = {};
  // How long the healed network took to hold the same version vector everywhere.
  std::optional<absl::Duration> converged = std::nullopt;
};

// The end of a run, after its clients stopped: heals every link, restarts every node that
// is down, runs every check of the Checker against `history` (and the anomalies the clients
// saw), stops every node with SIGTERM (each must exit 0), and compares the replicated state
// of their data folders. Says what it does through `log`.
HealedCheck CheckHealedNetwork(FaultNetwork& network, const History& history,
                               const std::function<void(const std::string&)>& log);

}  // namespace cantine::testing
