#pragma once

#include <cstdint>
#include <vector>

namespace cantine::bench {

// Nearest-rank percentiles of call latencies, in milliseconds.
struct LatencySummary {
  int64_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

// Summarizes latencies given in nanoseconds; all zero for none. Reorders `nanos`.
LatencySummary SummarizeLatencies(std::vector<int64_t>& nanos);

}  // namespace cantine::bench
