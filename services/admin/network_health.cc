#include "services/admin/network_health.h"

#include <algorithm>
#include <map>
#include <utility>

#include "services/rpc/proto_time.h"
#include "storage/oplog.h"

namespace cantine::admin {

std::vector<v1::SiteHealth> NetworkHealth(absl::string_view self_site_id,
                                          const std::vector<v1::DirectoryChange>& listed,
                                          const std::vector<v1::VersionVectorEntry>& held,
                                          const std::vector<v1::VersionVectorEntry>& known,
                                          const std::vector<federation::PeerStatus>& peers) {
  std::map<std::string, v1::SiteHealth> sites;  // By site id.
  const auto site = [&sites](const std::string& site_id) -> v1::SiteHealth& {
    v1::SiteHealth& health = sites[site_id];
    health.set_site_id(site_id);
    return health;
  };
  site(std::string(self_site_id)).set_self(true);
  for (const v1::DirectoryChange& change : listed) {
    v1::SiteHealth& health = site(change.site_id());
    health.set_display_name(change.listing().site().display_name());
    health.set_city(change.listing().site().city());
    health.set_status(change.listing().status());
  }

  // Per origin: what this node holds, and the most it knows of.
  std::map<std::string, std::pair<std::string, std::pair<uint64_t, uint64_t>>> origins;
  for (const v1::VersionVectorEntry& entry : held) {
    auto& [site_id, counts] = origins[storage::Oplog::OriginKey(entry.origin())];
    site_id = entry.origin().site_id();
    counts.first = entry.seq();
    counts.second = std::max(counts.second, entry.seq());
  }
  for (const v1::VersionVectorEntry& entry : known) {
    auto& [site_id, counts] = origins[storage::Oplog::OriginKey(entry.origin())];
    site_id = entry.origin().site_id();
    counts.second = std::max(counts.second, entry.seq());
  }
  for (const auto& [key, origin] : origins) {
    const auto& [site_id, counts] = origin;
    v1::SiteHealth& health = site(site_id);
    health.set_entries_held(health.entries_held() + counts.first);
    health.set_entries_known(health.entries_known() + counts.second);
  }

  std::map<std::string, absl::Time> last_contact;  // The latest of a site's links.
  for (const federation::PeerStatus& peer : peers) {
    v1::SiteHealth& health = site(peer.site_id);
    health.set_peer(true);
    health.set_connected(health.connected() || peer.connected);
    auto [it, inserted] = last_contact.try_emplace(peer.site_id, peer.last_contact);
    if (!inserted) it->second = std::max(it->second, peer.last_contact);
  }
  for (const auto& [site_id, contact] : last_contact) {
    if (contact != absl::InfinitePast()) {
      *sites[site_id].mutable_last_contact() = rpc::TimeToProto(contact);
    }
  }

  std::vector<v1::SiteHealth> health;
  for (auto& [site_id, site_health] : sites) health.push_back(std::move(site_health));
  return health;
}

}  // namespace cantine::admin
