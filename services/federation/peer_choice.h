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
};

// The sites `self` pulls from, out of `sites`: at most `fan_out` active sites other than
// itself, chosen by rendezvous hashing (the highest SHA-256 of self and the site id), so
// that the choice is the same on every run and every node, each site is chosen by about
// `fan_out` others, and a site joining or leaving changes few other choices. Relay carries
// every origin across the rest of the network.
std::vector<PeerOptions> ChoosePeers(absl::string_view self, const std::vector<ListedSite>& sites,
                                     int fan_out);

}  // namespace cantine::federation
