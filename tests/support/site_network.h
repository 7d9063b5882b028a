#pragma once

#include <signal.h>

#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/site_processes.h"

namespace cantine::testing {

// NodeConfig text fragments for SiteProcesses::Start (the network a site process joins),
// and a clean stop of site processes.

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

// Sends SIGTERM to each of `processes` and expects each to exit 0 (a clean drain) within
// 30 seconds.
inline void ExpectCleanStop(std::initializer_list<Subprocess*> processes) {
  for (Subprocess* process : processes) process->Signal(SIGTERM);
  for (Subprocess* process : processes) EXPECT_EQ(process->Wait(absl::Seconds(30)), 0);
}

}  // namespace cantine::testing
