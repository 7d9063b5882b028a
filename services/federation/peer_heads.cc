#include "services/federation/peer_heads.h"

#include <algorithm>

#include "storage/oplog.h"

namespace cantine::federation {

void PeerHeads::Record(const std::string& site_id,
                       const google::protobuf::RepeatedPtrField<v1::VersionVectorEntry>& heads) {
  absl::MutexLock lock(&mu_);
  absl::flat_hash_map<std::string, uint64_t>& held = held_[site_id];
  for (const v1::VersionVectorEntry& head : heads) {
    uint64_t& seq = held[storage::Oplog::OriginKey(head.origin())];
    seq = std::max(seq, head.seq());
  }
}

uint64_t PeerHeads::Held(absl::string_view site_id, absl::string_view origin_key) const {
  absl::MutexLock lock(&mu_);
  auto site = held_.find(site_id);
  if (site == held_.end()) return 0;
  auto origin = site->second.find(origin_key);
  return origin == site->second.end() ? 0 : origin->second;
}

}  // namespace cantine::federation
