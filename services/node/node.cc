#include "services/node/node.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/admin/admin_service.h"
#include "services/auth/admin_credential.h"
#include "services/booking/booking_ledger.h"
#include "services/booking/booking_service.h"
#include "services/booking/no_show_sweeper.h"
#include "services/booking/receipt_book.h"
#include "services/booking/receipt_publisher.h"
#include "services/booking/receipt_puller.h"
#include "services/calendar/calendar_service.h"
#include "services/calendar/calendars.h"
#include "services/domain/id_generator.h"
#include "services/event/event_board.h"
#include "services/event/event_service.h"
#include "services/federation/catch_up_log.h"
#include "services/federation/federation_service.h"
#include "services/federation/forwarder.h"
#include "services/federation/peer_choice.h"
#include "services/federation/peer_heads.h"
#include "services/federation/peer_set.h"
#include "services/federation/replicator.h"
#include "services/federation/seed_bootstrap.h"
#include "services/files/atomic_file.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/member/member_service.h"
#include "services/member/registration_limiter.h"
#include "services/member/registration_requests.h"
#include "services/metrics/node_metrics.h"
#include "services/replication/entry_signing.h"
#include "services/replication/record_applier.h"
#include "services/site/site_catalog.h"
#include "services/site/site_codec.h"
#include "services/site/site_directory.h"
#include "services/site/site_service.h"
#include "services/tls/transport_security.h"
#include "services/web/json_gateway.h"
#include "services/web/route_table.h"
#include "services/web/web_server.h"
#include "storage/backup.h"
#include "storage/digest.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "storage/scrubber.h"
#include "storage/status_macros.h"
#include "storage/store.h"
#include "storage/wal_syncer.h"

namespace cantine::node {
namespace {

constexpr int kMaxPollingThreads = 32;
// Every request of the public API fits in a few kilobytes (free text is at most 2,000
// bytes a field); a larger one is refused (RESOURCE_EXHAUSTED) before it is parsed.
constexpr int kMaxPublicRequestBytes = 64 * 1024;
// A peer's requests are as small (the largest, a Pull, carries a version vector: tens of
// bytes per origin). The bound keeps a peer from making the node read a request of any size:
// unset, gRPC takes requests without limit.
constexpr int kMaxFederationRequestBytes = 1 << 20;
// A connection that shows no sign of life for kKeepaliveTime + kKeepaliveTimeout is closed,
// and its calls cancelled: a vanished client or peer does not keep a thread.
constexpr absl::Duration kKeepaliveTime = absl::Minutes(1);
constexpr absl::Duration kKeepaliveTimeout = absl::Seconds(20);
// A public connection without a call for this long is closed (clients reconnect).
constexpr absl::Duration kMaxPublicConnectionIdle = absl::Minutes(5);
// How long the JSON API waits for the RPC it translates a call to; a forwarded booking
// takes a few round trips to the venue.
constexpr absl::Duration kWebCallDeadline = absl::Seconds(30);

// The host of a validated "host:port" listen address with the port actually chosen.
std::string EndpointOf(const std::string& listen_address, int port) {
  return absl::StrCat(listen_address.substr(0, listen_address.rfind(':')), ":", port);
}

// What one server may take: threads, calls per connection, request size, idle connections.
struct ServerLimits {
  int max_threads = 0;
  int max_streams_per_connection = 0;
  int max_request_bytes = 0;  // Larger requests are refused, RESOURCE_EXHAUSTED.
  absl::Duration max_connection_idle = absl::InfiniteDuration();
};

int Milliseconds(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

// Builds and starts a server on `address` with `credentials` and `services`, within
// `limits`, every call recorded in `metrics`; the chosen port in `port`.
absl::StatusOr<std::unique_ptr<grpc::Server>> Serve(
    const std::string& address, const std::shared_ptr<grpc::ServerCredentials>& credentials,
    std::vector<grpc::Service*> services, const ServerLimits& limits, metrics::NodeMetrics& metrics,
    int* port) {
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> recording;
  recording.push_back(metrics.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(recording));
  // gRPC sets SO_REUSEPORT by default, which would let a second node share a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The sync server ends a call's thread when more than MAX_POLLERS threads poll; the
  // default (2) made a node start and end about one thread per call under load.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              std::min(kMaxPollingThreads, limits.max_threads));
  // Each server its own quota: the sync server takes a thread from it per call in progress
  // and answers RESOURCE_EXHAUSTED when none is left (its last polling thread refuses).
  grpc::ResourceQuota quota(absl::StrCat("server on ", address));
  quota.SetMaxThreads(limits.max_threads);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_streams_per_connection);
  builder.SetMaxReceiveMessageSize(limits.max_request_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(kKeepaliveTime));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(kKeepaliveTimeout));
  if (limits.max_connection_idle != absl::InfiniteDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                               Milliseconds(limits.max_connection_idle));
  }
  builder.AddListeningPort(address, credentials, port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", address,
                     ": the port is in use or the address is not local to this machine"));
  }
  return server;
}

}  // namespace

struct Node::Parts {
  Parts(const NodeOptions& options, const storage::Clock* clock) : options(options), clock(clock) {}

  // Both servers drained, then every worker thread stopped: nothing runs on the parts.
  void Drain(absl::Duration drain_timeout) ABSL_LOCKS_EXCLUDED(peers_mu);
  absl::Status LoadKeys();
  // FAILED_PRECONDITION when the directory lists this site with an entry key other than
  // its signing key: every node would refuse what it signs.
  absl::Status CheckListedKey() const;
  // The peers of the config, their pinned keys trusted.
  absl::Status AddConfiguredPeers();
  // Brings a node that lacks much of its peers' history up to one of them in bulk
  // (federation::BootstrapFromSeed), before it serves or replicates.
  absl::Status Bootstrap();
  absl::Status StartFederation(const std::shared_ptr<grpc::ServerCredentials>& credentials);
  // The web port over the public server (options.web_listen_address), when there is one.
  absl::Status StartWeb();
  // Pulls from `peer`, trusting `pinned_key` for its entries besides the keys the directory
  // lists for it.
  void AddPeer(const federation::PeerOptions& peer,
               const std::optional<auth::Ed25519PublicKey>& pinned_key)
      ABSL_LOCKS_EXCLUDED(peers_mu);
  std::vector<federation::PeerStatus> PeerStatuses() const;
  // The peers to pull from now: the static peers, then the sites the directory lists active
  // that this one is linked to at options.peer_fan_out (federation::LinkedPeers); none the
  // directory lists as suspended or removed; each at its federation route when it has one.
  absl::StatusOr<std::vector<federation::PeerOptions>> WantedPeers() const
      ABSL_LOCKS_EXCLUDED(peers_mu);
  // `peers`, each dialled at options.federation_routes' address for it when there is one.
  std::vector<federation::PeerOptions> Routed(std::vector<federation::PeerOptions> peers) const;

  const NodeOptions options;
  const storage::Clock* const clock;
  const logging::Logger log{"node"};
  std::unique_ptr<auth::AdminCredential> admin;
  // What every channel to another site's federation port uses: the site certificate as
  // client certificate, the network CA as roots (plaintext when insecure).
  std::shared_ptr<grpc::ChannelCredentials> peer_credentials;

  // Storage and replication, ground floor first.
  std::unique_ptr<storage::Store> store;
  storage::RocksStore* rocks = nullptr;       // `store`, for its table sizes.
  std::unique_ptr<storage::Backups> backups;  // Of `store`; null without a backup folder.
  std::unique_ptr<auth::Ed25519PrivateKey> signing_key;
  std::unique_ptr<replication::KeySigner> signer;
  replication::SiteKeyRing key_ring;
  std::unique_ptr<storage::HybridClock> hlc;
  std::unique_ptr<storage::Oplog> oplog;
  std::unique_ptr<storage::Scrubber> scrubber;  // Takes erased data off the disk.
  // Acknowledges new bookings once durable; outlives the servers, whose calls it answers.
  std::unique_ptr<storage::WalSyncer> wal_syncer;
  federation::PeerHeads peer_heads;
  // Record ids in the order records are made, so that new records go to the end of their
  // tables (bookings; members, also on every replica that replays them).
  domain::TimeOrderedIdGenerator ids{clock};

  // The domain over the store: the record owners, then the applier that routes to them.
  std::unique_ptr<site::SiteCatalog> catalog;
  std::unique_ptr<site::SiteDirectory> directory;
  std::unique_ptr<member::MemberRegistry> members;
  std::unique_ptr<member::RegistrationRequests> registration_requests;
  std::unique_ptr<member::RegistrationLimiter> registration_limiter;
  std::unique_ptr<member::RegistrationLimiter> sign_in_limiter;  // SignIn attempts, by email.
  std::unique_ptr<booking::ReceiptBook> receipts;
  std::unique_ptr<booking::BookingLedger> ledger;
  std::unique_ptr<event::EventBoard> events;
  replication::RecordApplier applier;

  // What the servers record and /metrics shows.
  std::unique_ptr<metrics::NodeMetrics> metrics;

  // The gRPC services over the domain, and the servers that run them.
  // The bookings that may wait on another site, off gRPC's own threads.
  std::unique_ptr<rpc::BlockingWork> blocking_bookings;
  std::unique_ptr<site::SiteServiceImpl> site_service;
  std::unique_ptr<member::MemberServiceImpl> member_service;
  std::unique_ptr<federation::Forwarder> forwarder;
  std::unique_ptr<booking::BookingServiceImpl> booking_service;
  std::unique_ptr<event::EventServiceImpl> event_service;
  std::unique_ptr<calendar::Calendars> calendars;
  std::unique_ptr<calendar::CalendarServiceImpl> calendar_service;
  std::unique_ptr<admin::AdminServiceImpl> admin_service;
  std::unique_ptr<federation::FederationServiceImpl> federation_service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<grpc::Server> federation_server;
  int port = 0;
  int federation_port = 0;
  // The web port: the JSON API (calls to `server` in process), /metrics, the web app.
  std::unique_ptr<web::JsonGateway> gateway;
  std::unique_ptr<web::WebServer> web_server;

  // Worker threads, last: stopped (Drain) and destroyed first.
  std::unique_ptr<booking::ReceiptNotifier> receipt_notifier;
  std::unique_ptr<booking::ReceiptPublisher> receipt_publisher;
  std::unique_ptr<booking::ReceiptPuller> receipt_puller;
  std::unique_ptr<booking::NoShowSweeper> no_show_sweeper;
  mutable absl::Mutex peers_mu;
  // The peers of the config and those AddPeer added, pulled from unless the directory
  // suspended or removed them.
  std::vector<federation::PeerOptions> static_peers ABSL_GUARDED_BY(peers_mu);
  // The directory's sites as WantedPeers last saw them, and this site's links among them.
  mutable std::vector<federation::ListedSite> linked_for ABSL_GUARDED_BY(peers_mu);
  mutable std::vector<federation::PeerOptions> linked_peers ABSL_GUARDED_BY(peers_mu);
  std::unique_ptr<federation::PeerSet> peer_set;
  std::unique_ptr<federation::CatchUpLog> catch_up_log;
  // The bootstraps made at start, one per seed tried.
  std::vector<federation::BootstrapReport> bootstraps;
};

absl::Status Node::Parts::LoadKeys() {
  const std::string key_file = SigningKeyFile(options);
  if (options.signing_key_file.empty() && !std::filesystem::exists(key_file)) {
    // A database that holds this site's entries was started with a key: a new one would
    // sign entries no peer accepts (a restored data folder without its node.key).
    ASSIGN_OR_RETURN(const std::vector<uint64_t> incarnations,
                     storage::Oplog::StoredIncarnations(*store, options.site.site_id));
    if (!incarnations.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data folder '", options.data_dir, "' holds entries of site '", options.site.site_id,
          "' but no signing key '", key_file,
          "': put back the key the site signed them with (after a restore, the node.key kept "
          "from the old data folder)"));
    }
    const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
    RETURN_IF_ERROR(files::WriteFileAtomically(key_file, key.ToPem(), 0600));
    RETURN_IF_ERROR(
        files::WriteFileAtomically(options.data_dir + "/node.pub", key.PublicKey().ToPem(), 0644));
    log.Info("created this site's signing key in ", key_file);
  }
  ASSIGN_OR_RETURN(auth::Ed25519PrivateKey key, auth::Ed25519PrivateKey::LoadPemFile(key_file));
  signing_key = std::make_unique<auth::Ed25519PrivateKey>(std::move(key));
  signer = std::make_unique<replication::KeySigner>(*signing_key);
  key_ring.Add(options.site.site_id, signing_key->PublicKey());
  for (const TrustedSiteConfig& site : options.trusted_sites) {
    ASSIGN_OR_RETURN(auth::Ed25519PublicKey public_key,
                     auth::Ed25519PublicKey::LoadPemFile(site.public_key_file));
    key_ring.Add(site.site_id, public_key);
  }
  return absl::OkStatus();
}

absl::Status Node::Parts::CheckListedKey() const {
  ASSIGN_OR_RETURN(const std::vector<v1::DirectoryChange> listed, directory->ListListings());
  for (const v1::DirectoryChange& change : listed) {
    if (change.site_id() != options.site.site_id) continue;
    if (change.listing().entry_public_key() != signing_key->PublicKey().Raw()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the signed directory lists another entry key for site '", options.site.site_id,
          "' than the signing key in '", SigningKeyFile(options),
          "': start with the key the network admin listed, or have it rotate the site's keys"));
    }
  }
  return absl::OkStatus();
}

Node::Node(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeOptions& options,
                                                  const storage::Clock* clock) {
  RETURN_IF_ERROR(ValidateNodeOptions(options));
  RETURN_IF_ERROR(PrepareNodeFiles(options));
  auto node = std::unique_ptr<Node>(new Node(std::make_unique<Parts>(options, clock)));
  Parts& p = *node->parts_;

  ASSIGN_OR_RETURN(auth::AdminCredential admin,
                   auth::AdminCredential::LoadFromFile(options.admin_credential_file));
  p.admin = std::make_unique<auth::AdminCredential>(std::move(admin));

  ASSIGN_OR_RETURN(tls::TransportSecurity security,
                   options.insecure
                       ? tls::TransportSecurity::Insecure()
                       : tls::TransportSecurity::LoadPemFiles(
                             options.tls.ca_file, options.tls.cert_file, options.tls.key_file));
  RETURN_IF_ERROR(security.CheckCertifies(options.site.site_id));
  p.peer_credentials = security.PeerChannelCredentials();

  ASSIGN_OR_RETURN(
      std::unique_ptr<storage::RocksStore> rocks,
      storage::RocksStore::Open({.path = options.data_dir,
                                 .memtable_budget_bytes = options.memtable_budget_bytes,
                                 .block_cache_bytes = options.block_cache_bytes}));
  if (!options.backup_dir.empty()) {
    ASSIGN_OR_RETURN(
        p.backups, storage::RocksBackups::Open(rocks.get(),
                                               {.folder = options.backup_dir,
                                                .keep = static_cast<uint32_t>(options.backups_kept),
                                                .site_id = options.site.site_id}));
  }
  p.rocks = rocks.get();
  p.store = std::move(rocks);
  RETURN_IF_ERROR(p.LoadKeys());
  p.hlc = std::make_unique<storage::HybridClock>(clock, options.max_clock_skew);
  ASSIGN_OR_RETURN(p.oplog, storage::Oplog::Open(p.store.get(), clock, p.hlc.get(), p.signer.get(),
                                                 options.site.site_id));
  p.scrubber = std::make_unique<storage::Scrubber>(p.store.get(), p.oplog.get());
  p.wal_syncer = std::make_unique<storage::WalSyncer>(p.store.get());

  ASSIGN_OR_RETURN(p.catalog, site::SiteCatalog::Open(
                                  p.store.get(), clock,
                                  {options.site, options.initial_policy, options.initial_spaces}));
  std::optional<auth::Ed25519PublicKey> network_admin_key;
  if (!options.admin_public_key_pem.empty()) {
    ASSIGN_OR_RETURN(network_admin_key,
                     auth::Ed25519PublicKey::FromPem(options.admin_public_key_pem));
  } else if (!options.admin_public_key_file.empty()) {
    ASSIGN_OR_RETURN(network_admin_key,
                     auth::Ed25519PublicKey::LoadPemFile(options.admin_public_key_file));
  }
  p.directory = std::make_unique<site::SiteDirectory>(p.store.get(), p.oplog.get(),
                                                      std::move(network_admin_key), &p.key_ring);
  if (!options.initial_directory.empty()) {
    ASSIGN_OR_RETURN(const site::SignedDirectory::MergeReport merged,
                     p.directory->MergeChanges(options.initial_directory));
    if (merged.refused > 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          merged.refused, " directory changes of the join bundle are not signed by its admin key"));
    }
  }
  RETURN_IF_ERROR(p.directory->TrustListedKeys());
  RETURN_IF_ERROR(p.CheckListedKey());
  p.members = std::make_unique<member::MemberRegistry>(p.store.get(), p.oplog.get(), &p.ids,
                                                       options.site.site_id);
  p.registration_requests = std::make_unique<member::RegistrationRequests>(p.store.get(), clock);
  p.registration_limiter = std::make_unique<member::RegistrationLimiter>(
      member::RegistrationLimiter::Limits{
          .per_address_per_minute = options.anonymous_registrations_per_address_per_minute,
          .per_site_per_minute = options.anonymous_registrations_per_site_per_minute},
      clock);
  p.sign_in_limiter = std::make_unique<member::RegistrationLimiter>(
      member::MemberServiceImpl::SignInLimits(), clock);
  p.receipts = std::make_unique<booking::ReceiptBook>(options.site.site_id, p.store.get(),
                                                      p.members.get(), p.directory.get());
  p.forwarder = std::make_unique<federation::Forwarder>(
      options.site.site_id, p.directory.get(), p.peer_credentials, options.federation_routes);
  p.ledger = std::make_unique<booking::BookingLedger>(p.store.get(), clock, &p.ids, p.catalog.get(),
                                                      p.members.get(), p.receipts.get(),
                                                      p.directory.get(), p.forwarder.get());
  p.events = std::make_unique<event::EventBoard>(p.store.get(), p.oplog.get(), clock, &p.ids,
                                                 options.site);
  RETURN_IF_ERROR(p.events->IndexStoredEvents());
  p.directory->RegisterWith(p.applier);
  p.members->RegisterWith(p.applier);
  p.events->RegisterWith(p.applier);
  RETURN_IF_ERROR(p.AddConfiguredPeers());
  RETURN_IF_ERROR(p.Bootstrap());

  p.site_service =
      std::make_unique<site::SiteServiceImpl>(p.catalog.get(), p.directory.get(), p.admin.get());
  p.member_service = std::make_unique<member::MemberServiceImpl>(
      p.members.get(), p.admin.get(),
      member::MemberServiceImpl::TokenIssuer{p.signing_key.get(), p.directory.get(), clock},
      member::MemberServiceImpl::AnonymousRegistration{p.registration_requests.get(),
                                                       p.registration_limiter.get()},
      p.sign_in_limiter.get());
  p.blocking_bookings =
      std::make_unique<rpc::BlockingWork>(kBlockingBookingThreads, kBlockingBookingsQueued);
  p.booking_service = std::make_unique<booking::BookingServiceImpl>(
      p.ledger.get(), p.receipts.get(), p.forwarder.get(), p.members.get(), p.catalog.get(),
      p.admin.get(), p.directory.get(), clock, p.wal_syncer.get(), p.blocking_bookings.get());
  p.event_service = std::make_unique<event::EventServiceImpl>(
      p.events.get(), p.forwarder.get(), p.admin.get(), p.directory.get(), p.members.get(), clock);
  p.calendars = std::make_unique<calendar::Calendars>(
      options.site.site_id, p.directory.get(), p.events.get(), p.receipts.get(),
      p.event_service.get(), p.forwarder.get(), clock);
  p.calendar_service = std::make_unique<calendar::CalendarServiceImpl>(
      options.site.site_id, p.calendars.get(), p.members.get(), p.directory.get(), p.admin.get(),
      clock);
  p.admin_service = std::make_unique<admin::AdminServiceImpl>(
      options.site.site_id, p.oplog.get(), [parts = &p] { return parts->PeerStatuses(); },
      &p.peer_heads, p.admin.get(), p.directory.get(),
      admin::AdminServiceImpl::BackupFolder{
          .backups = p.backups.get(), .path = options.backup_dir, .kept = options.backups_kept});

  p.metrics = std::make_unique<metrics::NodeMetrics>(
      metrics::NodeMetrics::Sources{.peers = [parts = &p] { return parts->PeerStatuses(); },
                                    .tables = [rocks = p.rocks] { return rocks->TableSizes(); }});
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ASSIGN_OR_RETURN(p.server,
                   Serve(options.listen_address, security.PublicServerCredentials(),
                         {p.site_service.get(), p.member_service.get(), p.booking_service.get(),
                          p.event_service.get(), p.calendar_service.get(), p.admin_service.get()},
                         {.max_threads = options.max_threads,
                          .max_streams_per_connection = options.max_streams_per_connection,
                          .max_request_bytes = kMaxPublicRequestBytes,
                          .max_connection_idle = kMaxPublicConnectionIdle},
                         *p.metrics, &p.port));
  // The web port before federation: the directory entry lists its address.
  RETURN_IF_ERROR(p.StartWeb());
  RETURN_IF_ERROR(p.StartFederation(security.FederationServerCredentials()));
  // Receipts reach their home sites' feeds only once this site's directory entry is out
  // (StartFederation): homes check their currency against it. Bookings made before wait in
  // the outbox.
  ASSIGN_OR_RETURN(const std::vector<std::string> waiting_homes, p.receipts->HomesInFeed());
  p.receipt_notifier = std::make_unique<booking::ReceiptNotifier>(p.forwarder.get(), waiting_homes);
  p.receipt_publisher =
      std::make_unique<booking::ReceiptPublisher>(p.receipts.get(), p.receipt_notifier.get());
  p.receipt_puller = std::make_unique<booking::ReceiptPuller>(
      options.site.site_id, p.receipts.get(), p.forwarder.get(), p.directory.get(),
      booking::ReceiptPuller::Options{.poll_interval = options.receipt_poll_interval});

  if (!options.port_file.empty()) {
    RETURN_IF_ERROR(
        files::WriteFileAtomically(options.port_file, absl::StrCat(p.port, "\n"), 0644));
  }
  p.no_show_sweeper =
      std::make_unique<booking::NoShowSweeper>(p.ledger.get(), options.no_show_sweep_interval);
  p.server->GetHealthCheckService()->SetServingStatus(true);
  p.log.Info("site '", options.site.site_id, "' (", options.site.display_name, ") serving on port ",
             p.port, ", federation port ", p.federation_port, ", web port ",
             p.web_server == nullptr ? 0 : p.web_server->port(),
             options.insecure ? " (plaintext)" : " (TLS)", ", data in ", options.data_dir);
  return node;
}

absl::Status Node::Parts::AddConfiguredPeers() {
  for (const PeerConfig& peer : options.peers) {
    std::optional<auth::Ed25519PublicKey> pinned;
    if (!peer.public_key_file.empty()) {
      ASSIGN_OR_RETURN(pinned, auth::Ed25519PublicKey::LoadPemFile(peer.public_key_file));
    }
    AddPeer({peer.site_id, peer.address}, pinned);
  }
  return absl::OkStatus();
}

absl::Status Node::Parts::Bootstrap() {
  if (options.bootstrap_min_entries == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::vector<federation::PeerOptions> seeds, WantedPeers());
  // Each seed takes over where the one before stopped: what a seed sent is kept.
  for (const federation::PeerOptions& seed : seeds) {
    ASSIGN_OR_RETURN(federation::BootstrapReport report,
                     federation::BootstrapFromSeed(
                         {.self_site_id = options.site.site_id,
                          .store = store.get(),
                          .oplog = oplog.get(),
                          .clock = clock,
                          .hlc = hlc.get(),
                          .signer = signer.get(),
                          .verifier = &key_ring,
                          .applier = &applier,
                          .directory = directory.get()},
                         seed, tls::DialSite(seed.address, seed.site_id, peer_credentials),
                         {.min_entries_behind = options.bootstrap_min_entries,
                          .silence_timeout = options.bootstrap_silence_timeout}));
    if (report.bootstrapped) {
      log.Info("bootstrap from seed ", seed.site_id, " in ", absl::FormatDuration(report.elapsed),
               ": ", report.applied.applied, " entries applied, ", report.applied.rejected,
               " rejected, ", report.applied.held + report.applied.refused,
               " held back or refused; reading the stream ", absl::FormatDuration(report.reading),
               ", applying ", absl::FormatDuration(report.applying), ", ", report.loads,
               " bulk loads ", absl::FormatDuration(report.loading));
      // The keys of the sites listed by directory changes among the entries.
      RETURN_IF_ERROR(directory->TrustListedKeys());
    }
    const bool complete = report.stream_status.ok();
    if (!complete) {
      log.Warning("bootstrap from seed ", seed.site_id,
                  " stopped: ", report.stream_status.message());
    }
    bootstraps.push_back(std::move(report));
    if (complete) return absl::OkStatus();
  }
  if (!seeds.empty()) log.Warning("no seed completed a bootstrap: replication catches up");
  return absl::OkStatus();
}

absl::Status Node::Parts::StartWeb() {
  if (options.web_listen_address.empty()) return absl::OkStatus();
  const google::protobuf::DescriptorPool& pool =
      *google::protobuf::DescriptorPool::generated_pool();
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const char* name :
       {v1::SiteService::service_full_name(), v1::MemberService::service_full_name(),
        v1::BookingService::service_full_name(), v1::EventService::service_full_name(),
        v1::CalendarService::service_full_name(), v1::AdminService::service_full_name()}) {
    services.push_back(pool.FindServiceByName(name));
  }
  ASSIGN_OR_RETURN(web::RouteTable routes, web::RouteTable::FromServices(services));
  gateway = std::make_unique<web::JsonGateway>(
      std::move(routes), server->InProcessChannel(grpc::ChannelArguments()), kWebCallDeadline);
  ASSIGN_OR_RETURN(
      web_server, web::WebServer::Start({.listen_address = options.web_listen_address,
                                         .cert_file = options.insecure ? "" : options.tls.cert_file,
                                         .key_file = options.insecure ? "" : options.tls.key_file,
                                         .static_dir = options.web_static_dir},
                                        gateway.get(), metrics.get()));
  if (!options.web_port_file.empty()) {
    RETURN_IF_ERROR(files::WriteFileAtomically(options.web_port_file,
                                               absl::StrCat(web_server->port(), "\n"), 0644));
  }
  return absl::OkStatus();
}

absl::Status Node::Parts::StartFederation(
    const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  federation_service = std::make_unique<federation::FederationServiceImpl>(
      oplog.get(), &key_ring,
      [directory = directory.get()](absl::string_view site_id) {
        return directory->StatusOf(site_id);
      },
      booking_service.get(), event_service.get(), &peer_heads, directory.get());
  if (!options.federation_listen_address.empty()) {
    ASSIGN_OR_RETURN(
        federation_server,
        Serve(options.federation_listen_address, credentials, {federation_service.get()},
              {.max_threads = options.max_federation_threads,
               .max_streams_per_connection = options.max_streams_per_connection,
               .max_request_bytes = kMaxFederationRequestBytes},
              *metrics, &federation_port));
    if (!options.federation_port_file.empty()) {
      RETURN_IF_ERROR(files::WriteFileAtomically(options.federation_port_file,
                                                 absl::StrCat(federation_port, "\n"), 0644));
    }
  }

  // This site's own directory entry, republished when it changed.
  v1::DirectoryEntry own;
  *own.mutable_site() = site::SiteToProto(options.site, catalog->policy());
  own.mutable_site()->clear_policy();  // Each venue serves its live policy itself.
  own.set_public_endpoint(EndpointOf(options.listen_address, port));
  if (web_server != nullptr) {
    own.mutable_site()->set_web_url(
        absl::StrCat(options.insecure ? "http://" : "https://",
                     EndpointOf(options.web_listen_address, web_server->port()), "/"));
  }
  if (federation_port != 0) {
    own.set_federation_endpoint(EndpointOf(options.federation_listen_address, federation_port));
  }
  own.set_public_key(signing_key->PublicKey().Raw());
  own.set_status(v1::SITE_STATUS_ACTIVE);
  if (const std::optional<int> allowance = catalog->policy().member_visit_days_per_month) {
    own.set_member_visit_days_per_month(*allowance);
  }
  RETURN_IF_ERROR(
      directory->PublishOwn(own, clock->Now(), member::MemberServiceImpl::kMaxTokenTtl));

  peer_set = std::make_unique<federation::PeerSet>(
      [this] { return WantedPeers(); },
      [this](const federation::PeerOptions& peer) {
        return std::make_unique<federation::Replicator>(
            options.site.site_id, peer, tls::DialSite(peer.address, peer.site_id, peer_credentials),
            oplog.get(), &key_ring, &applier, clock, &peer_heads, directory.get());
      },
      options.peer_refresh_interval);
  catch_up_log =
      std::make_unique<federation::CatchUpLog>(oplog.get(), &peer_heads, absl::Seconds(5));
  return absl::OkStatus();
}

void Node::Parts::AddPeer(const federation::PeerOptions& peer,
                          const std::optional<auth::Ed25519PublicKey>& pinned_key) {
  if (pinned_key.has_value()) key_ring.Add(peer.site_id, *pinned_key);
  {
    absl::MutexLock lock(&peers_mu);
    static_peers.push_back(peer);
  }
  if (peer_set != nullptr) peer_set->Refresh();
}

absl::StatusOr<std::vector<federation::PeerOptions>> Node::Parts::WantedPeers() const {
  std::vector<federation::PeerOptions> wanted;
  {
    absl::MutexLock lock(&peers_mu);
    wanted = static_peers;
  }
  std::vector<federation::PeerOptions> pulled;
  for (federation::PeerOptions& peer : wanted) {
    ASSIGN_OR_RETURN(const v1::SiteStatus status, directory->StatusOf(peer.site_id));
    if (status != v1::SITE_STATUS_SUSPENDED && status != v1::SITE_STATUS_REMOVED) {
      pulled.push_back(std::move(peer));
    }
  }
  if (options.peer_fan_out == 0) return Routed(std::move(pulled));
  ASSIGN_OR_RETURN(const std::vector<v1::DirectoryChange> listed, directory->ListListings());
  std::vector<federation::ListedSite> sites;
  for (const v1::DirectoryChange& change : listed) {
    sites.push_back({.site_id = change.site_id(),
                     .federation_endpoint = change.listing().federation_endpoint(),
                     .active = change.listing().status() == v1::SITE_STATUS_ACTIVE});
  }
  std::vector<federation::PeerOptions> linked;
  {
    // The links change only with the listed sites: computed again only then.
    absl::MutexLock lock(&peers_mu);
    if (sites != linked_for) {
      linked_peers = federation::LinkedPeers(options.site.site_id, sites, options.peer_fan_out);
      linked_for = std::move(sites);
    }
    linked = linked_peers;
  }
  for (federation::PeerOptions& chosen : linked) {
    const bool already = std::any_of(pulled.begin(), pulled.end(), [&](const auto& peer) {
      return peer.site_id == chosen.site_id;
    });
    if (!already) pulled.push_back(std::move(chosen));
  }
  return Routed(std::move(pulled));
}

std::vector<federation::PeerOptions> Node::Parts::Routed(
    std::vector<federation::PeerOptions> peers) const {
  for (federation::PeerOptions& peer : peers) {
    const auto route = options.federation_routes.find(peer.site_id);
    if (route != options.federation_routes.end()) peer.address = route->second;
  }
  return peers;
}

std::vector<federation::PeerStatus> Node::Parts::PeerStatuses() const {
  if (peer_set == nullptr) return {};
  return peer_set->Statuses();
}

void Node::Parts::Drain(absl::Duration drain_timeout) {
  if (server == nullptr) return;
  log.Info("shutting down: draining calls in flight for up to ",
           absl::FormatDuration(drain_timeout));
  server->GetHealthCheckService()->SetServingStatus(false);
  // The web port first: its calls go to `server`.
  if (web_server != nullptr) web_server->Stop();
  if (peer_set != nullptr) peer_set->Stop();  // No more applies from peers.
  catch_up_log.reset();
  const absl::Time deadline = absl::Now() + drain_timeout;
  if (federation_server != nullptr) {
    federation_service->Stop();
    federation_server->Shutdown(absl::ToChronoTime(deadline));
    federation_server->Wait();
    federation_server.reset();
  }
  server->Shutdown(absl::ToChronoTime(deadline));
  server->Wait();
  server.reset();
  no_show_sweeper.reset();
  receipt_puller.reset();
  receipt_publisher.reset();
  receipt_notifier.reset();
  log.Info("stopped serving");
}

int Node::port() const { return parts_->port; }
int Node::federation_port() const { return parts_->federation_port; }
int Node::web_port() const {
  return parts_->web_server == nullptr ? 0 : parts_->web_server->port();
}
const domain::SiteProfile& Node::site() const { return parts_->options.site; }
auth::Ed25519PublicKey Node::public_key() const { return parts_->signing_key->PublicKey(); }

void Node::TrustSite(const std::string& site_id, const auth::Ed25519PublicKey& key) {
  parts_->key_ring.Add(site_id, key);
}

void Node::AddPeer(const federation::PeerOptions& peer,
                   const std::optional<auth::Ed25519PublicKey>& pinned_key) {
  parts_->AddPeer(peer, pinned_key);
}

std::vector<federation::PeerStatus> Node::PeerStatuses() const { return parts_->PeerStatuses(); }

const std::vector<federation::BootstrapReport>& Node::bootstraps() const {
  return parts_->bootstraps;
}

std::vector<v1::VersionVectorEntry> Node::Vector() const { return parts_->oplog->Vector(); }

absl::StatusOr<std::string> Node::ReplicatedStateDigest() const {
  return storage::ReplicatedStateDigest(*parts_->store);
}

absl::StatusOr<std::string> Node::StateDigest() const {
  return storage::DigestAllTables(*parts_->store);
}

void Node::Shutdown(absl::Duration drain_timeout) { parts_->Drain(drain_timeout); }

Node::~Node() {
  Shutdown(parts_->options.drain_timeout);
  parts_.reset();  // In reverse of declaration; the store, closing RocksDB, last.
  // Logged here: parts_ held the logger.
  logging::Logger("node").Info("stopped; database closed");
}

}  // namespace cantine::node
