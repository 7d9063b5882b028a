#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::fedbench {

// Figures of this machine and its processes read from Linux's /proc, for the federation
// bench. NOT_FOUND when the file cannot be read, DATA_LOSS when it does not parse.

// A "kB" field of /proc/PID/status ("VmRSS", "VmHWM"); pid 0 is this process.
absl::StatusOr<int64_t> ProcStatusKb(int pid, absl::string_view field);

// User plus system CPU time process `pid` (0: this one) has used so far, all threads.
absl::StatusOr<absl::Duration> ProcessCpuTime(int pid);

// CPU time of the whole machine so far, summed over its cores.
struct MachineCpu {
  absl::Duration busy;  // Every state but idle and iowait.
  absl::Duration idle;  // idle and iowait.
};
absl::StatusOr<MachineCpu> ReadMachineCpu();

// The first three fields of /proc/loadavg ("1.02 0.97 0.88"), or "unknown".
std::string LoadAverage();

// CPU use over a phase: this process, optionally a child, and the whole machine.
struct CpuSnapshot {
  absl::Time at;
  absl::Duration self;
  absl::Duration child;  // Zero without a child.
  MachineCpu machine;
};
CpuSnapshot TakeCpuSnapshot(int child_pid = 0);
// One line: "this process 1.2 core-s, child 0.8 core-s, others 0.3 core-s, machine 95% busy of
// 2 cores over 1.2 s" between two snapshots.
std::string DescribeCpu(const CpuSnapshot& start, const CpuSnapshot& end, int cores);

// Bytes of the regular files under `path`, recursively; 0 when it does not exist.
int64_t FolderBytes(const std::string& path);

}  // namespace cantine::fedbench
