#include "tools/bench/federation_format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace cantine::fedbench {

std::string Thousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? absl::StrCat("-", out) : out;
}

int64_t PerSecond(int64_t count, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  if (seconds <= 0) return 0;
  return static_cast<int64_t>(std::llround(static_cast<double>(count) / seconds));
}

std::string Human(absl::Duration d) {
  const double seconds = absl::ToDoubleSeconds(d);
  if (std::abs(seconds) >= 1) return absl::StrFormat("%.3f s", seconds);
  if (std::abs(seconds) >= 1e-3) return absl::StrFormat("%.2f ms", seconds * 1e3);
  return absl::StrFormat("%.1f us", seconds * 1e6);
}

std::string MiB(int64_t kb) { return absl::StrFormat("%.1f MiB", static_cast<double>(kb) / 1024); }

absl::Duration Quantile(std::vector<absl::Duration>& values, double q) {
  if (values.empty()) return absl::ZeroDuration();
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(q * static_cast<double>(values.size()));
  const size_t index = std::clamp<size_t>(static_cast<size_t>(rank), 1, values.size()) - 1;
  return values[index];
}

std::string DescribeCpu(const testing::CpuSnapshot& start, const testing::CpuSnapshot& end,
                        int cores) {
  const testing::CpuUse use = testing::CpuBetween(start, end);
  const absl::Duration child = use.processes.empty()
                                   ? absl::ZeroDuration()
                                   : use.processes[0].value_or(absl::ZeroDuration());
  const absl::Duration busy = use.machine_busy.value_or(absl::ZeroDuration());
  const double total =
      absl::ToDoubleSeconds(busy + use.machine_idle.value_or(absl::ZeroDuration()));
  const double busy_share = total > 0 ? absl::ToDoubleSeconds(busy) / total : 0;
  std::string text = absl::StrFormat("this process %.2f core-s", absl::ToDoubleSeconds(use.self));
  if (child > absl::ZeroDuration()) {
    absl::StrAppendFormat(&text, ", child %.2f core-s", absl::ToDoubleSeconds(child));
  }
  absl::StrAppendFormat(&text, ", others %.2f core-s; machine %.0f%% busy of %d cores over %.2f s",
                        std::max(0.0, absl::ToDoubleSeconds(busy - use.self - child)),
                        100 * busy_share, cores, absl::ToDoubleSeconds(use.wall));
  return text;
}

void Figure(std::ostream& out, absl::string_view label, absl::string_view value) {
  constexpr size_t kColumn = 58;
  std::string padded = absl::StrCat("  ", label, " ");
  if (padded.size() < kColumn) padded.append(kColumn - padded.size(), '.');
  out << padded << " " << value << "\n";
}

absl::flat_hash_map<std::string, std::string> ParseFields(absl::string_view line) {
  absl::flat_hash_map<std::string, std::string> fields;
  for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    const size_t equals = word.find('=');
    if (equals == absl::string_view::npos) continue;
    fields[std::string(word.substr(0, equals))] = std::string(word.substr(equals + 1));
  }
  return fields;
}

int64_t IntField(const absl::flat_hash_map<std::string, std::string>& fields, absl::string_view key,
                 int64_t fallback) {
  auto it = fields.find(key);
  int64_t value = 0;
  if (it == fields.end() || !absl::SimpleAtoi(it->second, &value)) return fallback;
  return value;
}

}  // namespace cantine::fedbench
