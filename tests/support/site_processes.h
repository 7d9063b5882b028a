#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cantine::testing {

// Real cantined processes of the sites in deploy/sites/, on 127.0.0.1 with ports chosen at
// run time, in plaintext, for process-level tests: each site's signing key pair and the
// shared admin credential live in `dir`, and each site's data folder and log too.
class SiteProcesses {
 public:
  // Writes the admin credential and a key pair per site. `cantined` is the binary's path.
  SiteProcesses(const TempDir& dir, std::string cantined, std::string admin_secret,
                const std::vector<std::string>& sites);

  // Starts `site` with `network` (a NodeConfig text fragment: peers, trusted sites) added
  // to its deploy/sites config; its public and federation ports once it serves (the test
  // fails, naming the log, when it does not within the wait). Started with StartCantined
  // (tests/support/cantined_launcher.h), which the benchmarks use too.
  std::unique_ptr<Subprocess> Start(const std::string& site, const std::string& network, int* port,
                                    int* federation_port) const;

  // The highest contiguous seq that the node serving on `port` holds of origin `site`, from
  // its GetNetworkStatus (with the admin credential); -1 while it does not answer.
  int64_t Held(int port, const std::string& site) const;

  std::string PublicKeyFile(const std::string& site) const;
  std::string LogFile(const std::string& site) const;
  const std::string& admin_secret() const { return admin_secret_; }

 private:
  const TempDir& dir_;
  const std::string cantined_;
  const std::string admin_secret_;
};

}  // namespace cantine::testing
