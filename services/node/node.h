#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/ed25519.h"
#include "services/domain/site_profile.h"
#include "services/federation/peer_status.h"
#include "services/federation/seed_bootstrap.h"
#include "services/node/node_options.h"
#include "storage/clock.h"

namespace cantine::node {

// One site node: the store, the domain over it, the gRPC services over the domain, the
// public server (with health checking and reflection), the federation server and the
// replicators that pull from peers. Used by main and by in-process tests. Thread-safe.
class Node {
 public:
  // Opens the data folder (made 0700 when missing; PrepareNodeFiles), seeds it on first
  // start, and starts serving. `clock` is not owned and outlives the node. Errors name what
  // to fix: a bad credential or key file, one readable by group or others, a TLS file that
  // does not parse, a certificate the CA did not sign or whose CN is not the site id, a data
  // folder in use, not writable or open to others, a port in use.
  static absl::StatusOr<std::unique_ptr<Node>> Start(const NodeOptions& options,
                                                     const storage::Clock* clock);

  // Shuts down with the options' drain timeout if Shutdown was not called, then takes the
  // parts down in the reverse of their assembly and closes the database.
  ~Node();

  // The port the public API listens on (the chosen one when the options said 0).
  int port() const;
  // The federation port, or 0 when the node serves none.
  int federation_port() const;
  // The web port (HTTPS unless insecure), or 0 when the node serves none.
  int web_port() const;
  const domain::SiteProfile& site() const;
  auth::Ed25519PublicKey public_key() const;

  // Trusts `site_id`'s entries, signed by `key` (relayed by any peer).
  void TrustSite(const std::string& site_id, const auth::Ed25519PublicKey& key);
  // Starts pulling from `peer`, trusting `pinned_key` for its entries besides the keys the
  // signed directory lists for it.
  void AddPeer(const federation::PeerOptions& peer,
               const std::optional<auth::Ed25519PublicKey>& pinned_key);

  std::vector<federation::PeerStatus> PeerStatuses() const;
  std::vector<v1::VersionVectorEntry> Vector() const;
  // The bootstraps made at start (NodeOptions::bootstrap_min_entries), one per seed tried.
  const std::vector<federation::BootstrapReport>& bootstraps() const;
  // A digest of every replicated table (members, events, directory, and the vector, whose
  // chain hashes stand for the entries): equal on two nodes exactly when they hold the same
  // replicated state. Receipts are not replicated: each site holds its own.
  absl::StatusOr<std::string> ReplicatedStateDigest() const;
  // A digest of every table, site-local ones too: equal before and after calls exactly when
  // they changed nothing this node stores (storage::DigestAllTables).
  absl::StatusOr<std::string> StateDigest() const;

  // Drains: reports NOT_SERVING on health, stops the replicators and the background work,
  // stops accepting calls, lets calls in flight finish until `drain_timeout` and cancels
  // the rest. The database stays open until the node is destroyed. Idempotent.
  void Shutdown(absl::Duration drain_timeout);

 private:
  // Every part of the node, declared in the order they are assembled, each after those it
  // uses: destroyed in reverse, a part never outlives what it uses (node.cc).
  struct Parts;

  explicit Node(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
};

}  // namespace cantine::node
