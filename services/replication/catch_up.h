#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cantine/v1/federation.pb.h"

namespace cantine::replication {

// How far a node has caught up: per origin, the entries it holds of the entries known (the
// highest any peer reported). The node logs it; cantinectl shows it from GetNetworkStatus.
struct CatchUp {
  uint64_t held = 0;
  uint64_t known = 0;
  std::string per_origin;  // "paris 120/500, milan 0/40": the origins still behind.
};
CatchUp MeasureCatchUp(const std::vector<v1::VersionVectorEntry>& held,
                       const std::vector<v1::VersionVectorEntry>& known);

}  // namespace cantine::replication
