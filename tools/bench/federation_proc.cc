#include "tools/bench/federation_proc.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace cantine::fedbench {
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

absl::Duration Ticks(int64_t ticks) {
  static const int64_t per_second = sysconf(_SC_CLK_TCK);
  return absl::Seconds(static_cast<double>(ticks) / static_cast<double>(per_second));
}

}  // namespace

absl::StatusOr<int64_t> ProcStatusKb(int pid, absl::string_view field) {
  absl::StatusOr<std::string> text = ReadWholeFile(ProcPath(pid, "status"));
  if (!text.ok()) return text.status();
  const std::string prefix = absl::StrCat(field, ":");
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
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

absl::StatusOr<absl::Duration> ProcessCpuTime(int pid) {
  absl::StatusOr<std::string> stat = ReadWholeFile(ProcPath(pid, "stat"));
  if (!stat.ok()) return stat.status();
  // comm may hold spaces and parentheses: fields are counted after the last ')'. utime and
  // stime are fields 14 and 15 of the line, so 12 and 13 after the state (field 3).
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) return absl::DataLossError("/proc/PID/stat does not parse");
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(paren + 1), ' ', absl::SkipEmpty());
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::DataLossError("/proc/PID/stat does not parse");
  }
  return Ticks(utime + stime);
}

absl::StatusOr<MachineCpu> ReadMachineCpu() {
  absl::StatusOr<std::string> stat = ReadWholeFile("/proc/stat");
  if (!stat.ok()) return stat.status();
  // "cpu  user nice system idle iowait irq softirq steal ...": guest time is already in user.
  const absl::string_view first = absl::string_view(*stat).substr(0, stat->find('\n'));
  const std::vector<absl::string_view> fields = absl::StrSplit(first, ' ', absl::SkipEmpty());
  if (fields.size() < 9 || fields[0] != "cpu") {
    return absl::DataLossError("/proc/stat does not start with the cpu line");
  }
  int64_t ticks[8];
  for (int i = 0; i < 8; ++i) {
    if (!absl::SimpleAtoi(fields[i + 1], &ticks[i])) {
      return absl::DataLossError("/proc/stat does not parse");
    }
  }
  int64_t total = 0;
  for (int64_t t : ticks) total += t;
  const int64_t idle = ticks[3] + ticks[4];
  return MachineCpu{.busy = Ticks(total - idle), .idle = Ticks(idle)};
}

std::string LoadAverage() {
  absl::StatusOr<std::string> text = ReadWholeFile("/proc/loadavg");
  if (!text.ok()) return "unknown";
  const std::vector<absl::string_view> fields = absl::StrSplit(*text, ' ', absl::SkipEmpty());
  if (fields.size() < 3) return "unknown";
  return absl::StrCat(fields[0], " ", fields[1], " ", fields[2]);
}

CpuSnapshot TakeCpuSnapshot(int child_pid) {
  CpuSnapshot snapshot;
  snapshot.at = absl::Now();
  snapshot.self = ProcessCpuTime(0).value_or(absl::ZeroDuration());
  if (child_pid != 0) snapshot.child = ProcessCpuTime(child_pid).value_or(absl::ZeroDuration());
  snapshot.machine = ReadMachineCpu().value_or(MachineCpu{});
  return snapshot;
}

std::string DescribeCpu(const CpuSnapshot& start, const CpuSnapshot& end, int cores) {
  const absl::Duration wall = end.at - start.at;
  const absl::Duration self = end.self - start.self;
  const absl::Duration child = end.child - start.child;
  const absl::Duration busy = end.machine.busy - start.machine.busy;
  const absl::Duration idle = end.machine.idle - start.machine.idle;
  const double total = absl::ToDoubleSeconds(busy + idle);
  const double busy_share = total > 0 ? absl::ToDoubleSeconds(busy) / total : 0;
  std::string text = absl::StrFormat("this process %.2f core-s", absl::ToDoubleSeconds(self));
  if (child > absl::ZeroDuration()) {
    absl::StrAppendFormat(&text, ", child %.2f core-s", absl::ToDoubleSeconds(child));
  }
  absl::StrAppendFormat(&text, ", others %.2f core-s; machine %.0f%% busy of %d cores over %.2f s",
                        std::max(0.0, absl::ToDoubleSeconds(busy - self - child)), 100 * busy_share,
                        cores, absl::ToDoubleSeconds(wall));
  return text;
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

}  // namespace cantine::fedbench
