#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/fault/fault_network.h"

namespace cantine::testing {

struct NemesisOptions {
  uint64_t seed = 1;
  // How long one fault holds before it is cleared, at most (at least a third of it).
  absl::Duration max_hold = absl::Seconds(4);
  // A node restarted after a kill runs its clock off by up to this, one time in three.
  absl::Duration max_skew = absl::Seconds(30);
};

// The faults of a run, one at a time, each chosen from the run's seed among: a node killed
// with SIGKILL and restarted (perhaps with its clock skewed); a partition into random
// halves; one node isolated; a bridge (two sides that only one node joins); slow links;
// throttled links; every connection of one node reset. Drives the FaultNetwork from the
// calling thread.
class Nemesis {
 public:
  Nemesis(FaultNetwork* network, NemesisOptions options);

  // Injects a fault, holds it, and clears it: every link healed, a killed node running
  // again. What it did, for the run's log; an error when a node cannot be restarted.
  absl::StatusOr<std::string> Strike();
  int64_t faults() const { return faults_; }

 private:
  int Uniform(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(random_); }
  absl::Duration Hold();
  // The sites added so far, shuffled.
  std::vector<std::string> Shuffled();

  FaultNetwork* const network_;
  const NemesisOptions options_;
  std::mt19937_64 random_;
  int64_t faults_ = 0;
};

}  // namespace cantine::testing
