#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/site_processes.h"

namespace cantine::testing {

// NodeConfig text fragments for SiteProcesses::Start: the network a site process joins.

// Trusts `site`'s signing key (its entries are accepted when relayed).
inline std::string TrustedSite(const SiteProcesses& sites, const std::string& site) {
  return absl::StrCat("trusted_sites { site_id: \"", site, "\" public_key_file: \"",
                      sites.PublicKeyFile(site), "\" }\n");
}

// Pulls from `site`, serving federation on 127.0.0.1:`federation_port`.
inline std::string PeerSite(const SiteProcesses& sites, const std::string& site,
                            int federation_port) {
  return absl::StrCat("peers { site_id: \"", site, "\" address: \"127.0.0.1:", federation_port,
                      "\" public_key_file: \"", sites.PublicKeyFile(site), "\" }\n");
}

}  // namespace cantine::testing
