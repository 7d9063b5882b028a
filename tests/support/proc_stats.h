#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::testing {

// Figures of this machine and its processes from Linux's /proc, for process-level tests and
// the benchmarks. Pid 0 is this process. NOT_FOUND when the file cannot be read (no such
// process); DATA_LOSS when it does not parse. Thread-safe.

// User plus system CPU time the process has used so far, all its threads.
absl::StatusOr<absl::Duration> ProcessCpuTime(int pid);
// A "kB" field of /proc/PID/status: "VmRSS" (resident set), "VmHWM" (its peak).
absl::StatusOr<int64_t> ProcStatusKb(int pid, absl::string_view field);

// CPU time of the whole machine so far, summed over its cores, from /proc/stat.
struct MachineCpuTime {
  absl::Duration busy;  // Every state but idle and iowait.
  absl::Duration idle;  // idle and iowait.
};
absl::StatusOr<MachineCpuTime> MachineCpu();

// The first three fields of /proc/loadavg ("1.02 0.97 0.88"), or "unknown".
std::string LoadAverage();

// Bytes of the regular files under `path`, recursively; 0 when it does not exist.
int64_t FolderBytes(const std::string& path);

// CPU time of this process, of some others and of the machine, read at one moment; the use
// over a phase is the difference of two (CpuUse).
struct CpuSnapshot {
  absl::Time at;
  absl::StatusOr<absl::Duration> self;
  std::vector<absl::StatusOr<absl::Duration>> processes;  // In the order of the pids asked.
  absl::StatusOr<MachineCpuTime> machine;
};
CpuSnapshot TakeCpuSnapshot(const std::vector<int>& pids = {});

// What was used between two snapshots of the same pids; a figure is missing when either
// reading of it failed.
struct CpuUse {
  absl::Duration wall;
  absl::Duration self;
  std::vector<std::optional<absl::Duration>> processes;
  std::optional<absl::Duration> machine_busy;
  std::optional<absl::Duration> machine_idle;
};
CpuUse CpuBetween(const CpuSnapshot& start, const CpuSnapshot& end);

// The parsers, apart for tests: the text of /proc/PID/stat and the clock ticks per second,
// the text of /proc/PID/status, the text of /proc/stat.
absl::StatusOr<absl::Duration> ParseProcStatCpuTime(absl::string_view stat,
                                                    int64_t ticks_per_second);
absl::StatusOr<int64_t> ParseStatusKb(absl::string_view status, absl::string_view field);
absl::StatusOr<MachineCpuTime> ParseMachineCpu(absl::string_view stat, int64_t ticks_per_second);

}  // namespace cantine::testing
