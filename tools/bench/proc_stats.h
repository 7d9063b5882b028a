#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::bench {

// Figures of a process read from Linux's /proc. NOT_FOUND when the process does not exist;
// DATA_LOSS when the file does not parse.

// CPU time, user plus system, the process `pid` has used so far.
absl::StatusOr<absl::Duration> ProcessCpuTime(int pid);
// Its resident set size (VmRSS), in kB.
absl::StatusOr<int64_t> ResidentSetKb(int pid);

// CPU time of the whole machine so far, summed over its cores, from /proc/stat.
struct MachineCpuTime {
  absl::Duration busy;  // Every state but idle and iowait.
  absl::Duration idle;  // idle and iowait.
};
absl::StatusOr<MachineCpuTime> MachineCpu();

// The parsers, apart for tests: the text of /proc/PID/stat and the clock ticks per second,
// and the text of /proc/PID/status.
absl::StatusOr<absl::Duration> ParseProcStatCpuTime(absl::string_view stat,
                                                    int64_t ticks_per_second);
absl::StatusOr<int64_t> ParseVmRssKb(absl::string_view status);
// The text of /proc/stat.
absl::StatusOr<MachineCpuTime> ParseMachineCpu(absl::string_view stat, int64_t ticks_per_second);

}  // namespace cantine::bench
