#pragma once

#include <ostream>

#include "absl/status/statusor.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/report.h"

namespace cantine::bench {

// Runs a whole bench against one node: set-up (GetSite, the run's desk pools and members),
// phase 1 (the null-RPC ceiling), phase 2 (CreateBooking), then verification of every
// acknowledged booking and every slot. Writes progress lines to `progress`.
//
// Returns the figures even when verification finds problems (see VerificationFailed);
// an error only when the run could not be carried out: the node unreachable, a set-up call
// refused, a verification call failing. Leaves the run's spaces, members and bookings in
// the node (under ids starting with bench-<run id>).
absl::StatusOr<BenchReport> RunBench(const BenchOptions& options, std::ostream& progress);

}  // namespace cantine::bench
