#pragma once

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/federation/peer_heads.h"
#include "services/federation/peer_status.h"
#include "services/logging/logger.h"
#include "services/site/signed_directory.h"
#include "storage/clock.h"
#include "storage/oplog.h"

namespace cantine::federation {

struct ReplicatorOptions {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Minutes(1);
  // How long an origin held back waits before it is asked for again, doubling per hold up
  // to max_backoff; other origins keep flowing meanwhile.
  absl::Duration initial_hold = absl::Seconds(1);
  // A stream on which the peer has sent nothing (not even its heartbeat, every second) for
  // this long is given up and reopened: a dead or stalling peer never holds the link.
  absl::Duration silence_timeout = absl::Seconds(10);
};

// Pulls from one peer, for as long as it runs: opens a Pull stream with this node's vector,
// applies what arrives, keeps the stream open for live entries, and reconnects after any
// break with jittered exponential backoff (capped, reset by a successful response). An
// origin the apply holds back (unknown site, forgery, gap, clock ahead...) never stops the
// stream: the others keep flowing, and the stream is reopened, from the vector, when the
// held origin is due to be asked for again.
class Replicator {
 public:
  // None owned; all outlive the replicator. `directory`, when set, merges the directory
  // the peer sends at the start of each stream. Starts its thread.
  Replicator(std::string self_site_id, PeerOptions peer, std::shared_ptr<grpc::Channel> channel,
             storage::Oplog* oplog, const storage::EntryVerifier* verifier,
             storage::EntryApplier* applier, const storage::Clock* clock, PeerHeads* peer_heads,
             site::SignedDirectory* directory = nullptr, ReplicatorOptions options = {});
  // Cancels the stream and joins the thread.
  ~Replicator();

  PeerStatus status() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Why a stream ended: a break (retried with backoff) or a held origin due again
  // (reopened at once).
  struct StreamEnd {
    absl::Status status;
    bool reopen_now = false;
  };

  void Run();
  // One stream, until it breaks or a held origin is due; says why.
  StreamEnd PullOnce() ABSL_LOCKS_EXCLUDED(mu_);
  // Records the holds of one apply of the current stream.
  void TrackHolds(const storage::Oplog::ApplyReport& report) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether an origin held on the current stream is due to be asked for again at `now`.
  bool HoldDue(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The watchdog thread: ends the current stream when a held origin is due or the peer has
  // been silent for silence_timeout, since a stream blocked in Read sees neither.
  void Watch() ABSL_LOCKS_EXCLUDED(mu_);

  const std::string self_site_id_;
  const PeerOptions peer_;
  const std::unique_ptr<v1::FederationService::Stub> stub_;
  storage::Oplog* const oplog_;
  const storage::EntryVerifier* const verifier_;
  storage::EntryApplier* const applier_;
  const storage::Clock* const clock_;
  PeerHeads* const peer_heads_;  // Told the peer's vector with every response.
  site::SignedDirectory* const directory_;
  const ReplicatorOptions options_;
  const logging::Logger log_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  PeerStatus status_ ABSL_GUARDED_BY(mu_);
  // Held origins by origin key, kept across streams so that their backoff grows; with the
  // stream that last held each.
  absl::flat_hash_map<std::string, std::pair<HeldOrigin, uint64_t>> held_ ABSL_GUARDED_BY(mu_);
  uint64_t stream_ ABSL_GUARDED_BY(mu_) = 0;       // Counts streams opened: the current one.
  absl::Time last_response_ ABSL_GUARDED_BY(mu_);  // Real time, on the current stream.
  // Set by the watchdog when it ends the current stream, and why.
  bool reopen_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool silent_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
  std::thread watchdog_;
};

}  // namespace cantine::federation
