#include "tests/support/proc_stats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "storage/status_macros.h"

namespace cantine::testing {
namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ProcPath(int pid, absl::string_view name) {
  return pid == 0 ? absl::StrCat("/proc/self/", name) : absl::StrCat("/proc/", pid, "/", name);
}

int64_t TicksPerSecond() {
  static const int64_t ticks = sysconf(_SC_CLK_TCK);
  return ticks;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseProcStatCpuTime(absl::string_view stat,
                                                    int64_t ticks_per_second) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are
  // counted after the last ')'. utime and stime are fields 14 and 15 of the whole line.
  const size_t paren = stat.rfind(')');
  if (paren == absl::string_view::npos || ticks_per_second <= 0) {
    return absl::DataLossError("/proc/PID/stat does not parse");
  }
  const std::vector<absl::string_view> fields =
      absl::StrSplit(stat.substr(paren + 1), ' ', absl::SkipEmpty());
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::DataLossError("/proc/PID/stat does not parse");
  }
  return absl::Seconds(static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second));
}

absl::StatusOr<int64_t> ParseStatusKb(absl::string_view status, absl::string_view field) {
  const std::string prefix = absl::StrCat(field, ":");
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, prefix)) continue;
    line = absl::StripAsciiWhitespace(line);
    int64_t kb = 0;
    if (!absl::ConsumeSuffix(&line, "kB") ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kb)) {
      break;
    }
    return kb;
  }
  return absl::DataLossError(absl::StrCat("/proc/PID/status has no ", field, " line in kB"));
}

absl::StatusOr<MachineCpuTime> ParseMachineCpu(absl::string_view stat, int64_t ticks_per_second) {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
  // already counted in user, so only the first eight add up.
  const absl::string_view first_line = stat.substr(0, stat.find('\n'));
  const std::vector<absl::string_view> fields = absl::StrSplit(first_line, ' ', absl::SkipEmpty());
  if (fields.size() < 9 || fields[0] != "cpu" || ticks_per_second <= 0) {
    return absl::DataLossError("/proc/stat does not start with the cpu line");
  }
  int64_t ticks[8];
  for (int i = 0; i < 8; ++i) {
    if (!absl::SimpleAtoi(fields[i + 1], &ticks[i])) {
      return absl::DataLossError("/proc/stat does not parse");
    }
  }
  const auto seconds = [&](int64_t t) {
    return absl::Seconds(static_cast<double>(t) / static_cast<double>(ticks_per_second));
  };
  const int64_t idle = ticks[3] + ticks[4];
  int64_t total = 0;
  for (int64_t t : ticks) total += t;
  return MachineCpuTime{.busy = seconds(total - idle), .idle = seconds(idle)};
}

absl::StatusOr<absl::Duration> ProcessCpuTime(int pid) {
  ASSIGN_OR_RETURN(const std::string stat, ReadWholeFile(ProcPath(pid, "stat")));
  return ParseProcStatCpuTime(stat, TicksPerSecond());
}

absl::StatusOr<int64_t> ProcStatusKb(int pid, absl::string_view field) {
  ASSIGN_OR_RETURN(const std::string status, ReadWholeFile(ProcPath(pid, "status")));
  return ParseStatusKb(status, field);
}

absl::StatusOr<MachineCpuTime> MachineCpu() {
  ASSIGN_OR_RETURN(const std::string stat, ReadWholeFile("/proc/stat"));
  return ParseMachineCpu(stat, TicksPerSecond());
}

std::string LoadAverage() {
  absl::StatusOr<std::string> text = ReadWholeFile("/proc/loadavg");
  if (!text.ok()) return "unknown";
  const std::vector<absl::string_view> fields = absl::StrSplit(*text, ' ', absl::SkipEmpty());
  if (fields.size() < 3) return "unknown";
  return absl::StrCat(fields[0], " ", fields[1], " ", fields[2]);
}

int64_t FolderBytes(const std::string& path) {
  std::error_code error;
  int64_t bytes = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) bytes += static_cast<int64_t>(it->file_size(error));
  }
  return bytes;
}

CpuSnapshot TakeCpuSnapshot(const std::vector<int>& pids) {
  CpuSnapshot snapshot;
  snapshot.at = absl::Now();
  snapshot.self = ProcessCpuTime(0);
  snapshot.machine = MachineCpu();
  for (int pid : pids) snapshot.processes.push_back(ProcessCpuTime(pid));
  return snapshot;
}

CpuUse CpuBetween(const CpuSnapshot& start, const CpuSnapshot& end) {
  CpuUse use;
  use.wall = end.at - start.at;
  if (start.self.ok() && end.self.ok()) use.self = *end.self - *start.self;
  for (size_t i = 0; i < start.processes.size() && i < end.processes.size(); ++i) {
    const auto& a = start.processes[i];
    const auto& b = end.processes[i];
    use.processes.push_back(a.ok() && b.ok() ? std::optional(*b - *a) : std::nullopt);
  }
  if (start.machine.ok() && end.machine.ok()) {
    use.machine_busy = end.machine->busy - start.machine->busy;
    use.machine_idle = end.machine->idle - start.machine->idle;
  }
  return use;
}

}  // namespace cantine::testing
