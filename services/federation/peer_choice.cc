#include "services/federation/peer_choice.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/digest.h"

namespace cantine::federation {

std::vector<PeerOptions> ChoosePeers(absl::string_view self, const std::vector<ListedSite>& sites,
                                     int fan_out) {
  std::vector<std::pair<std::string, const ListedSite*>> ranked;
  for (const ListedSite& site : sites) {
    if (!site.active || site.site_id == self || site.federation_endpoint.empty()) continue;
    // The 0 byte keeps ("ab", "c") and ("a", "bc") apart.
    ranked.emplace_back(
        storage::Sha256(absl::StrCat(self, absl::string_view("\0", 1), site.site_id)), &site);
  }
  const size_t chosen = std::min(ranked.size(), static_cast<size_t>(std::max(fan_out, 0)));
  std::partial_sort(ranked.begin(), ranked.begin() + chosen, ranked.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PeerOptions> peers;
  for (size_t i = 0; i < chosen; ++i) {
    peers.push_back({ranked[i].second->site_id, ranked[i].second->federation_endpoint});
  }
  return peers;
}

std::vector<PeerOptions> LinkedPeers(absl::string_view self, const std::vector<ListedSite>& sites,
                                     int fan_out) {
  std::vector<PeerOptions> peers = ChoosePeers(self, sites, fan_out);
  for (const ListedSite& site : sites) {
    if (!site.active || site.site_id == self || site.federation_endpoint.empty()) continue;
    const bool linked = std::any_of(peers.begin(), peers.end(), [&](const PeerOptions& peer) {
      return peer.site_id == site.site_id;
    });
    if (linked) continue;
    for (const PeerOptions& chosen : ChoosePeers(site.site_id, sites, fan_out)) {
      if (chosen.site_id == self) {
        peers.push_back({site.site_id, site.federation_endpoint});
        break;
      }
    }
  }
  return peers;
}

}  // namespace cantine::federation
