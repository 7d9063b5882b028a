#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "services/admin/admin_service.h"
#include "services/auth/admin_credential.h"
#include "services/auth/ed25519.h"
#include "services/booking/booking_ledger.h"
#include "services/booking/booking_service.h"
#include "services/booking/no_show_sweeper.h"
#include "services/booking/receipt_book.h"
#include "services/booking/receipt_publisher.h"
#include "services/domain/id_generator.h"
#include "services/event/event_board.h"
#include "services/event/event_service.h"
#include "services/federation/federation_service.h"
#include "services/federation/forwarder.h"
#include "services/federation/peer_heads.h"
#include "services/federation/replicator.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/member/member_service.h"
#include "services/node/node_options.h"
#include "services/replication/entry_signing.h"
#include "services/replication/record_applier.h"
#include "services/rpc/transport_security.h"
#include "services/site/site_catalog.h"
#include "services/site/site_directory.h"
#include "services/site/site_service.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/scrubber.h"
#include "storage/store.h"

namespace cantine::node {

// One site node: the store, the domain over it, the gRPC services over the domain, the
// public server (with health checking and reflection), the federation server and the
// replicators that pull from peers. Used by main and by in-process tests.
class Node {
 public:
  // Opens the data folder (made 0700 when missing; PrepareNodeFiles), seeds it on first
  // start, and starts serving. `clock` is not owned and outlives the node. Errors name what
  // to fix: a bad credential or key file, one readable by group or others, a TLS file that
  // does not parse, a certificate the CA did not sign or whose CN is not the site id, a data
  // folder in use, not writable or open to others, a port in use.
  static absl::StatusOr<std::unique_ptr<Node>> Start(const NodeOptions& options,
                                                     const storage::Clock* clock);

  // Shuts down with the options' drain timeout if Shutdown was not called.
  ~Node();

  // The port the public API listens on (the chosen one when the options said 0).
  int port() const { return port_; }
  // The federation port, or 0 when the node serves none.
  int federation_port() const { return federation_port_; }
  const domain::SiteProfile& site() const { return options_.site; }
  auth::Ed25519PublicKey public_key() const { return signing_key_->PublicKey(); }

  // Trusts `site_id`'s entries, signed by `key` (relayed by any peer).
  void TrustSite(const std::string& site_id, const auth::Ed25519PublicKey& key);
  // Trusts `peer` and starts pulling from it.
  void AddPeer(const federation::PeerOptions& peer, const auth::Ed25519PublicKey& key)
      ABSL_LOCKS_EXCLUDED(peers_mu_);

  std::vector<federation::PeerStatus> PeerStatuses() const ABSL_LOCKS_EXCLUDED(peers_mu_);
  std::vector<v1::VersionVectorEntry> Vector() const { return oplog_->Vector(); }
  // A digest of every replicated table (members, events, directory, receipts, and the
  // vector, whose chain hashes stand for the entries): equal on two nodes exactly when they
  // hold the same replicated state.
  absl::StatusOr<std::string> ReplicatedStateDigest() const;

  // Reports NOT_SERVING on health, stops the replicators, stops accepting calls, lets calls
  // in flight finish until `drain_timeout` and cancels the rest, then closes the database.
  // Idempotent.
  void Shutdown(absl::Duration drain_timeout);

 private:
  explicit Node(const NodeOptions& options);
  absl::Status StartFederation(const std::shared_ptr<grpc::ServerCredentials>& credentials);
  absl::Status LoadKeys();

  const NodeOptions options_;
  const logging::Logger log_{"node"};
  const storage::Clock* clock_ = nullptr;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<auth::AdminCredential> admin_;
  std::unique_ptr<auth::Ed25519PrivateKey> signing_key_;
  std::unique_ptr<replication::KeySigner> signer_;
  replication::SiteKeyRing key_ring_;
  std::unique_ptr<storage::HybridClock> hlc_;
  std::unique_ptr<storage::Oplog> oplog_;
  std::unique_ptr<storage::Scrubber> scrubber_;  // Takes erased data off the disk.
  replication::RecordApplier applier_;
  federation::PeerHeads peer_heads_;
  std::unique_ptr<site::SiteCatalog> catalog_;
  std::unique_ptr<site::SiteDirectory> directory_;
  std::unique_ptr<site::SiteServiceImpl> site_service_;
  domain::RandomIdGenerator ids_;
  std::unique_ptr<member::MemberRegistry> members_;
  std::unique_ptr<member::RegistrationRequests> registration_requests_;
  std::unique_ptr<member::RegistrationLimiter> registration_limiter_;
  std::unique_ptr<member::MemberServiceImpl> member_service_;
  std::unique_ptr<booking::ReceiptBook> receipts_;
  std::unique_ptr<booking::ReceiptPublisher> receipt_publisher_;
  std::unique_ptr<booking::BookingLedger> ledger_;
  std::unique_ptr<federation::Forwarder> forwarder_;
  std::unique_ptr<booking::BookingServiceImpl> booking_service_;
  std::unique_ptr<booking::NoShowSweeper> no_show_sweeper_;
  std::unique_ptr<event::EventBoard> events_;
  std::unique_ptr<event::EventServiceImpl> event_service_;
  std::unique_ptr<federation::FederationServiceImpl> federation_service_;
  // What every channel to another site's federation port uses: the site certificate as
  // client certificate, the network CA as roots (plaintext when insecure). Built in Start,
  // before StartFederation.
  std::shared_ptr<grpc::ChannelCredentials> peer_credentials_;
  std::unique_ptr<admin::AdminServiceImpl> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> federation_server_;
  int port_ = 0;
  int federation_port_ = 0;

  mutable absl::Mutex peers_mu_;
  std::vector<std::unique_ptr<federation::Replicator>> replicators_ ABSL_GUARDED_BY(peers_mu_);
};

}  // namespace cantine::node
