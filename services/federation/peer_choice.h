#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/federation/peer_status.h"

namespace cantine::federation {

// A site the directory lists, as the choice of peers sees it.
struct ListedSite {
  std::string site_id;
  std::string federation_endpoint;
  bool active = false;

  friend bool operator==(const ListedSite&, const ListedSite&) = default;
};

// The sites `self` pulls from, out of `sites`: at most `fan_out` active sites other than
// itself, chosen by rendezvous hashing (the highest SHA-256 of self and the site id), so
// that the choice is the same on every run and every node, each site is chosen by about
// `fan_out` others, and a site joining or leaving changes few other choices. Relay carries
// every origin across the rest of the network.
std::vector<PeerOptions> ChoosePeers(absl::string_view self, const std::vector<ListedSite>& sites,
                                     int fan_out);

// The sites `self` pulls from: those it chooses (ChoosePeers) and those that choose it, so
// that every choice is a link both ways. A choice one way only can leave a site that no
// site chooses, whose entries then never leave it (at fan-out 3, about 5 % of the sites);
// both ways, every site with a choice is pulled from, and the links of a k-out random
// choice connect the network. A node has its fan-out of links and about as many more (the
// sites that chose it). O(sites^2) hashes: compute it again only when the sites change.
std::vector<PeerOptions> LinkedPeers(absl::string_view self, const std::vector<ListedSite>& sites,
                                     int fan_out);

}  // namespace cantine::federation
