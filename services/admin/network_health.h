#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cantine/v1/admin.pb.h"
#include "cantine/v1/federation.pb.h"
#include "services/federation/peer_status.h"

namespace cantine::admin {

// The network's health as one node sees it: one SiteHealth per site the directory lists
// (`listed`, ListListings), per other site of `held` or `peers`, and this node's own
// (`self_site_id`), by site id. A site's entries count every incarnation of it: `held` is
// this node's vector, `known` the highest each peer reported (PeerHeads::Known); `peers` the
// replicators' links. A plain function of its inputs.
std::vector<v1::SiteHealth> NetworkHealth(absl::string_view self_site_id,
                                          const std::vector<v1::DirectoryChange>& listed,
                                          const std::vector<v1::VersionVectorEntry>& held,
                                          const std::vector<v1::VersionVectorEntry>& known,
                                          const std::vector<federation::PeerStatus>& peers);

}  // namespace cantine::admin
