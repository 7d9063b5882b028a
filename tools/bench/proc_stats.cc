#include "tools/bench/proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cantine::bench {
namespace {

absl::StatusOr<std::string> ReadProcFile(int pid, absl::string_view name) {
  const std::string path = absl::StrCat("/proc/", pid, "/", name);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": no process ", pid));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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

absl::StatusOr<int64_t> ParseVmRssKb(absl::string_view status) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, "VmRSS:")) continue;
    line = absl::StripAsciiWhitespace(line);
    if (!absl::ConsumeSuffix(&line, "kB")) break;
    int64_t kb = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kb)) break;
    return kb;
  }
  return absl::DataLossError("/proc/PID/status has no VmRSS line in kB");
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

absl::StatusOr<MachineCpuTime> MachineCpu() {
  std::ifstream in("/proc/stat");
  if (!in) return absl::NotFoundError("cannot read /proc/stat");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseMachineCpu(text.str(), sysconf(_SC_CLK_TCK));
}

absl::StatusOr<absl::Duration> ProcessCpuTime(int pid) {
  absl::StatusOr<std::string> stat = ReadProcFile(pid, "stat");
  if (!stat.ok()) return stat.status();
  return ParseProcStatCpuTime(*stat, sysconf(_SC_CLK_TCK));
}

absl::StatusOr<int64_t> ResidentSetKb(int pid) {
  absl::StatusOr<std::string> status = ReadProcFile(pid, "status");
  if (!status.ok()) return status.status();
  return ParseVmRssKb(*status);
}

}  // namespace cantine::bench
