#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/federation/peer_status.h"
#include "services/federation/replicator.h"
#include "services/logging/logger.h"

namespace cantine::federation {

// The replicators of a node, one per peer it pulls from, kept in step with the peers it
// should pull from: a thread asks `wanted` every `interval` (and Refresh at once), starts a
// replicator for each new peer and stops those of peers no longer wanted (a site the
// directory suspended or removed, or no longer chosen). Thread-safe.
class PeerSet {
 public:
  // The peers to pull from now; an error keeps the current ones.
  using WantedPeers = std::function<absl::StatusOr<std::vector<PeerOptions>>()>;
  using MakeReplicator = std::function<std::unique_ptr<Replicator>(const PeerOptions&)>;

  // Starts the thread, which reconciles at once.
  PeerSet(WantedPeers wanted, MakeReplicator make, absl::Duration interval);
  // Stop.
  ~PeerSet();

  // Reconciles now, on the calling thread.
  void Refresh() ABSL_LOCKS_EXCLUDED(mu_);
  // The link of every peer pulled from, by site id.
  std::vector<PeerStatus> Statuses() const ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the thread and every replicator: no more applies from peers. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Link {
    PeerOptions peer;
    std::unique_ptr<Replicator> replicator;
  };

  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  const WantedPeers wanted_;
  const MakeReplicator make_;
  const absl::Duration interval_;
  const logging::Logger log_{"peers"};
  // Serializes reconciliations, which start and join replicator threads outside mu_.
  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Link> links_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace cantine::federation
