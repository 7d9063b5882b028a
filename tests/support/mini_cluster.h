#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cantine/v1/federation.pb.h"
#include "cantine/v1/member.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/auth/ed25519.h"
#include "services/node/node.h"
#include "storage/backup.h"
#include "storage/clock.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"

namespace cantine::testing {

// N in-process nodes on loopback, ports chosen at run time, each with its own data folder,
// signing key and admin credential (the site's desk), every node trusting the cluster's
// network admin key. Topology is the test's choice.
class MiniCluster {
 public:
  // Where a node finds the other nodes' entry keys.
  enum class Keys {
    kPinned,     // Each node pins every other's key, as a config's peers could.
    kDirectory,  // Only what the signed directory lists: the test lists the sites
                 // (ListEverySite) before the nodes pull from each other.
  };

  // What every node is started with besides what the cluster decides; the node's own
  // defaults unless a test says otherwise. Many nodes in one process (cantine-bench
  // --mode=network) take less memory and fewer threads.
  struct Tuning {
    int peer_fan_out = node::kDefaultPeerFanOut;  // NodeOptions::peer_fan_out.
    size_t memtable_budget_bytes = node::NodeOptions().memtable_budget_bytes;
    size_t block_cache_bytes = node::NodeOptions().block_cache_bytes;
    int max_threads = node::kDefaultMaxThreads;
    int max_federation_threads = node::kDefaultMaxThreads;
    uint64_t bootstrap_min_entries = node::kDefaultBootstrapMinEntries;
    // Nodes started (and stopped) at once by the constructor and
    // StartWithDirectoryOfEverySite: a start waits mostly on fsync.
    int start_threads = 1;
  };

  // Every node reads `clock` (not owned; it outlives the cluster), the system's when null.
  explicit MiniCluster(int size, const storage::Clock* clock = nullptr, Keys keys = Keys::kPinned);
  MiniCluster(int size, const storage::Clock* clock, Keys keys, Tuning tuning);
  ~MiniCluster();

  int size() const { return static_cast<int>(nodes_.size()); }
  node::Node& node(int i) { return *nodes_[i]; }
  // Whether node i runs: it started, and was not stopped since.
  bool running(int i) const { return nodes_[i] != nullptr; }
  std::string site_id(int i) const;
  // Node i's admin credential: its desk's, accepted at node i only.
  std::string admin_secret(int i) const;
  // Node i's data folder (its signing key is node.key there).
  std::string data_dir(int i) const;
  // Node i's backup folder (NodeOptions::backup_dir), where AdminService.Backup writes.
  std::string backup_dir(int i) const;
  std::shared_ptr<grpc::Channel> channel(int i);
  // The network admin key every node's directory trusts.
  const auth::Ed25519PrivateKey& network_admin_key() const { return network_admin_key_; }
  // The listing of node i's site: its identity, endpoints and key.
  v1::SiteListing Listing(int i) const;
  // Has the network admin add every node's site, each change taken in at node `at`. A
  // refusal is a test failure.
  void ListEverySite(int at);

  // Has the network admin sign every node's listing and restarts every node (same ports,
  // same data) with them as its initial directory (NodeOptions::initial_directory, as a join
  // bundle gives it): each node then pulls from the peers it chooses in the directory
  // (Tuning::peer_fan_out) without a configured peer to learn it from. Nothing is written
  // to any oplog. A node that does not start again is a test failure.
  void StartWithDirectoryOfEverySite();

  // Node `to` pulls from node `from`.
  void Connect(int to, int from);
  // A line: each node pulls from its neighbours.
  void ConnectLine();

  // Stops node i, keeping its data folder; Restart brings it back on the same ports with
  // the same peers.
  void Stop(int i);
  void Restart(int i);
  // For a stopped node i, what its admin does after losing its disk: the data folder moved
  // away (to data_dir(i) + ".lost"), backup `backup_id` (the latest when unset) of its
  // backup folder restored into a new one (storage::RestoreBackup), and its signing key put
  // back from where the admin kept it. Restart(i) then starts the restored node. A failed
  // restore moves the data folder back and changes nothing.
  absl::StatusOr<storage::BackupInfo> Restore(int i, std::optional<uint32_t> backup_id);

  // Waits until every running node holds the same replicated state and has heard from
  // `origins` origins.
  bool WaitForConvergence(size_t origins, absl::Duration deadline = absl::Seconds(30));

 private:
  node::NodeOptions Options(int i, int port, int federation_port) const;
  void StartNode(int i, int port, int federation_port);
  // Node i, just started again, trusts the others' keys (kPinned) and pulls from its peers.
  void Rejoin(int i);
  // work(i) for every node, tuning_.start_threads at once.
  void ForEachNode(const std::function<void(int)>& work);

  TempDir dir_;
  const auth::Ed25519PrivateKey network_admin_key_ = auth::Ed25519PrivateKey::Generate();
  storage::SystemClock system_clock_;
  const storage::Clock* clock_;
  const Keys keys_;
  const Tuning tuning_;
  std::vector<v1::SignedDirectoryChange> initial_directory_;
  std::vector<std::unique_ptr<node::Node>> nodes_;
  std::vector<int> ports_;
  std::vector<int> federation_ports_;
  std::vector<std::vector<int>> pulls_from_;
};

// Registers a member named `name` (email name@example.org) at node i's desk. A refusal is a
// test failure.
v1::Member RegisterAtDesk(MiniCluster& cluster, int i, const std::string& name);

// A token of `member_id` with `scopes` (none: BOOKING, the node's default), issued by node
// i's desk, the member's home. A refusal is a test failure.
std::string DeskToken(MiniCluster& cluster, int i, const std::string& member_id,
                      const std::vector<v1::TokenScope>& scopes = {});

// Whether node `node` answers GetMember of `member_id`, as anyone may ask.
bool MemberVisible(MiniCluster& cluster, int node, const std::string& member_id);

// Creates the desk pool "desks" of `seats` seats at node i, 15 EUR a slot and
// `visitor_price_minor` for members of other sites (the member price when 0). A refusal is
// a test failure.
void CreateDesks(MiniCluster& cluster, int i, int seats, int64_t visitor_price_minor = 0);

// A call's context with node i's desk credential (accepted at node i only) and a deadline.
std::unique_ptr<grpc::ClientContext> DeskContext(const MiniCluster& cluster, int i);

}  // namespace cantine::testing
