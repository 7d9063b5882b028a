#include "services/replication/catch_up.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "storage/oplog.h"

namespace cantine::replication {

CatchUp MeasureCatchUp(const std::vector<v1::VersionVectorEntry>& held,
                       const std::vector<v1::VersionVectorEntry>& known) {
  absl::flat_hash_map<std::string, uint64_t> held_by_origin;
  for (const v1::VersionVectorEntry& head : held) {
    held_by_origin[storage::Oplog::OriginKey(head.origin())] = head.seq();
  }
  CatchUp catch_up;
  for (const v1::VersionVectorEntry& head : known) {
    const uint64_t have = held_by_origin[storage::Oplog::OriginKey(head.origin())];
    const uint64_t counted = std::min(have, head.seq());
    catch_up.held += counted;
    catch_up.known += head.seq();
    if (counted < head.seq()) {
      absl::StrAppend(&catch_up.per_origin, catch_up.per_origin.empty() ? "" : ", ",
                      head.origin().site_id(), " ", counted, "/", head.seq());
    }
  }
  return catch_up;
}

}  // namespace cantine::replication
