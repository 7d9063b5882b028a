#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/auth/ed25519.h"
#include "tests/fault/fault_proxy.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cantine::testing {

// A network of real cantined processes on 127.0.0.1 whose every federation link runs
// through a FaultProxy of its own: site A dials site B at the proxy of the link A->B
// (NodeConfig.federation_routes), so a test cuts, slows or resets any one direction of any
// pair. Nodes are killed with SIGKILL and restarted on the same ports, with their clock
// skewed if asked (cantined --clock_skew). Sites are listed in a directory the network
// admin key of the run signs; the first ones added are the founders, each pulling from
// every other; a site added later joins as a new city does, seeded by two founders.
//
// Plaintext, one site's desk credential shared by all (the admin secret). Each site has a
// desk pool and a meeting room, open every day. Not thread-safe: one thread drives it;
// the ports it reports may be read by any thread once the site is added.
class FaultNetwork {
 public:
  // Every site this run may add, founders first: each node gets a route to each of them.
  FaultNetwork(const TempDir& dir, std::string cantined, std::string admin_secret,
               std::vector<std::string> all_sites, int founders);
  ~FaultNetwork();

  // Starts the founders, lists them and waits until each holds the others' listings.
  absl::Status StartFounders();
  // Lists `site` (one of all_sites, not a founder) through a running node, starts it with
  // two founders as seeds, and waits until it serves.
  absl::Status Join(const std::string& site);

  // SIGKILL, at once. The site's links stay as they are.
  void Kill(const std::string& site);
  // Starts a killed node again on its ports and data folder, its clock `skew` off.
  absl::Status Restart(const std::string& site, absl::Duration skew = absl::ZeroDuration());
  // SIGTERM and waits for the node's exit: 0 for a clean stop.
  int Stop(const std::string& site);
  bool running(const std::string& site) const;

  // The link `from` dials `to` through.
  FaultProxy& Link(const std::string& from, const std::string& to);
  // Cuts every link between two sites that no side holds together (both directions); links
  // within a side are left as they are. A site on two sides bridges them: {{a, c}, {b, c}}
  // cuts a from b only. A site on no side is isolated.
  void Partition(const std::vector<std::vector<std::string>>& sides);
  // Every link forwards again at full speed.
  void HealAll();

  std::vector<std::string> sites() const;  // Added so far, in order.
  int port(const std::string& site) const;
  // The node's process id; 0 when it does not run.
  int pid(const std::string& site) const;
  std::string data_dir(const std::string& site) const;
  std::string log_file(const std::string& site) const;
  const std::string& admin_secret() const { return admin_secret_; }

 private:
  struct Site {
    int port = 0;
    int federation_port = 0;
    std::unique_ptr<Subprocess> process;
  };

  // Writes the site's config file; its public and federation ports are chosen now.
  absl::Status Configure(const std::string& site, const std::vector<std::string>& peers);
  absl::Status Launch(const std::string& site, absl::Duration skew);
  // Sends `site`'s listing, signed by the admin key, to a running node.
  absl::Status List(const std::string& site);
  // Whether the node of `at` lists every site of `sites` in its directory.
  bool Lists(const std::string& at, const std::vector<std::string>& sites) const;

  const TempDir& dir_;
  const std::string cantined_;
  const std::string admin_secret_;
  const std::vector<std::string> all_sites_;
  const int founders_;
  const auth::Ed25519PrivateKey admin_key_;
  std::map<std::string, auth::Ed25519PrivateKey> keys_;
  std::map<std::string, Site> sites_;
  std::vector<std::string> added_;
  // By (from, to).
  std::map<std::pair<std::string, std::string>, std::unique_ptr<FaultProxy>> links_;
};

}  // namespace cantine::testing
