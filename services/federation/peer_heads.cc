#include "services/federation/peer_heads.h"

#include <algorithm>
#include <utility>

#include "storage/oplog.h"

namespace cantine::federation {

void PeerHeads::Record(const std::string& site_id,
                       const google::protobuf::RepeatedPtrField<v1::VersionVectorEntry>& heads) {
  absl::flat_hash_map<std::string, uint64_t> seqs;
  for (const v1::VersionVectorEntry& head : heads) {
    seqs[storage::Oplog::OriginKey(head.origin())] = head.seq();
  }
  absl::MutexLock lock(&mu_);
  for (const v1::VersionVectorEntry& head : heads) {
    v1::VersionVectorEntry& known = known_[storage::Oplog::OriginKey(head.origin())];
    if (!known.has_origin() || head.seq() > known.seq()) known = head;
  }
  reports_[site_id] = Report{.heard = ++recordings_, .seqs = std::move(seqs)};
}

std::vector<v1::VersionVectorEntry> PeerHeads::Known() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, v1::VersionVectorEntry>> known(known_.begin(), known_.end());
  std::sort(known.begin(), known.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<v1::VersionVectorEntry> heads;
  heads.reserve(known.size());
  for (auto& [key, head] : known) heads.push_back(std::move(head));
  return heads;
}

uint64_t PeerHeads::Now() const {
  absl::MutexLock lock(&mu_);
  return recordings_;
}

uint64_t PeerHeads::Held(absl::string_view site_id, absl::string_view origin_key,
                         uint64_t heard_after) const {
  absl::MutexLock lock(&mu_);
  auto report = reports_.find(site_id);
  if (report == reports_.end() || report->second.heard <= heard_after) return 0;
  auto seq = report->second.seqs.find(origin_key);
  return seq == report->second.seqs.end() ? 0 : seq->second;
}

}  // namespace cantine::federation
