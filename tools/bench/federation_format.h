#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/support/proc_stats.h"

namespace cantine::fedbench {

// "1,234,567".
std::string Thousands(int64_t value);
// Events per second, rounded; 0 for a zero or negative duration.
int64_t PerSecond(int64_t count, absl::Duration elapsed);
// "12.345 s", "4.56 ms", "789 us": three significant decimals in a fitting unit.
std::string Human(absl::Duration d);
// "512.0 MiB" from kB.
std::string MiB(int64_t kb);
// The q-quantile (0..1) of `values` by nearest rank; sorts `values`. Zero when empty.
absl::Duration Quantile(std::vector<absl::Duration>& values, double q);

// One line: "this process 1.2 core-s, child 0.8 core-s, others 0.3 core-s; machine 95% busy of
// 2 cores over 1.2 s" between two snapshots (the child: the first pid they read, if any).
std::string DescribeCpu(const testing::CpuSnapshot& start, const testing::CpuSnapshot& end,
                        int cores);

// "  label ........ value": one figure a line, labels padded to a column.
void Figure(std::ostream& out, absl::string_view label, absl::string_view value);

// "key=value key=value" into a map; words without '=' are skipped.
absl::flat_hash_map<std::string, std::string> ParseFields(absl::string_view line);
// The integer field `key` of `fields`, or `fallback`.
int64_t IntField(const absl::flat_hash_map<std::string, std::string>& fields, absl::string_view key,
                 int64_t fallback = 0);

}  // namespace cantine::fedbench
