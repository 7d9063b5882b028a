#include "tools/bench/latency.h"

#include <algorithm>
#include <cmath>

namespace cantine::bench {
namespace {

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// The smallest sample with at least `fraction` of all samples at or below it.
int64_t NearestRank(std::vector<int64_t>& nanos, double fraction) {
  const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(nanos.size())));
  const size_t index = std::min(nanos.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(nanos.begin(), nanos.begin() + index, nanos.end());
  return nanos[index];
}

}  // namespace

LatencySummary SummarizeLatencies(std::vector<int64_t>& nanos) {
  LatencySummary summary;
  if (nanos.empty()) return summary;
  summary.count = static_cast<int64_t>(nanos.size());
  summary.p50_ms = Millis(NearestRank(nanos, 0.50));
  summary.p99_ms = Millis(NearestRank(nanos, 0.99));
  summary.p999_ms = Millis(NearestRank(nanos, 0.999));
  summary.max_ms = Millis(*std::max_element(nanos.begin(), nanos.end()));
  return summary;
}

}  // namespace cantine::bench
