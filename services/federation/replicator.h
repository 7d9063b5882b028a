#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/federation/peer_heads.h"
#include "services/logging/logger.h"
#include "storage/clock.h"
#include "storage/oplog.h"

namespace cantine::federation {

struct PeerOptions {
  std::string site_id;
  std::string address;  // host:port of the peer's federation port.
};

struct ReplicatorOptions {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Minutes(1);
};

// What this node knows of one peer's link, for GetNetworkStatus.
struct PeerStatus {
  std::string site_id;
  std::string address;
  bool connected = false;
  absl::Time last_contact = absl::InfinitePast();
  uint64_t entries_received = 0;
  // Entries the peer holds that this node does not, as of the last response.
  uint64_t entries_behind = 0;
  std::string last_error;  // Why the last stream ended; cleared once the peer answers.
};

// Pulls from one peer, for as long as it runs: opens a Pull stream with this node's vector,
// applies what arrives, keeps the stream open for live entries, and reconnects after any
// break with jittered exponential backoff (capped, reset by a successful response).
class Replicator {
 public:
  // None owned; all outlive the replicator. Starts its thread.
  Replicator(std::string self_site_id, PeerOptions peer, std::shared_ptr<grpc::Channel> channel,
             storage::Oplog* oplog, const storage::EntryVerifier* verifier,
             storage::EntryApplier* applier, const storage::Clock* clock, PeerHeads* peer_heads,
             ReplicatorOptions options = {});
  // Cancels the stream and joins the thread.
  ~Replicator();

  PeerStatus status() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();
  // One stream, until it breaks; returns why.
  absl::Status PullOnce() ABSL_LOCKS_EXCLUDED(mu_);

  const std::string self_site_id_;
  const PeerOptions peer_;
  const std::unique_ptr<v1::FederationService::Stub> stub_;
  storage::Oplog* const oplog_;
  const storage::EntryVerifier* const verifier_;
  storage::EntryApplier* const applier_;
  const storage::Clock* const clock_;
  PeerHeads* const peer_heads_;  // Told the peer's vector with every response.
  const ReplicatorOptions options_;
  const logging::Logger log_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  PeerStatus status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace cantine::federation
