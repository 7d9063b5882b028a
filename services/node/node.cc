#include "services/node/node.h"

#include <sys/stat.h>

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
#include "grpcpp/server_builder.h"
#include "services/files/atomic_file.h"
#include "services/site/site_codec.h"
#include "storage/digest.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"

namespace cantine::node {
namespace {

constexpr int kMaxPollingThreads = 32;
// Every request of the public API fits in a few kilobytes (free text is at most 2,000
// bytes a field); a larger one is refused (RESOURCE_EXHAUSTED) before it is parsed.
constexpr int kMaxPublicRequestBytes = 64 * 1024;
// A connection that shows no sign of life for kKeepaliveTime + kKeepaliveTimeout is closed,
// and its calls cancelled: a vanished client or peer does not keep a thread.
constexpr absl::Duration kKeepaliveTime = absl::Minutes(1);
constexpr absl::Duration kKeepaliveTimeout = absl::Seconds(20);
// A public connection without a call for this long is closed (clients reconnect).
constexpr absl::Duration kMaxPublicConnectionIdle = absl::Minutes(5);

// The host of a validated "host:port" listen address with the port actually chosen.
std::string EndpointOf(const std::string& listen_address, int port) {
  return absl::StrCat(listen_address.substr(0, listen_address.rfind(':')), ":", port);
}

// What one server may take: threads, calls per connection, request size, idle connections.
struct ServerLimits {
  int max_threads = 0;
  int max_streams_per_connection = 0;
  int max_request_bytes = -1;  // -1: gRPC's default (4 MB).
  absl::Duration max_connection_idle = absl::InfiniteDuration();
};

int Milliseconds(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

// Builds and starts a server on `address` with `credentials` and `services`, within
// `limits`; the chosen port in `port`.
absl::StatusOr<std::unique_ptr<grpc::Server>> Serve(
    const std::string& address, const std::shared_ptr<grpc::ServerCredentials>& credentials,
    std::vector<grpc::Service*> services, const ServerLimits& limits, int* port) {
  grpc::ServerBuilder builder;
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

Node::Node(const NodeOptions& options) : options_(options) {}

absl::Status Node::LoadKeys() {
  const std::string key_file = SigningKeyFile(options_);
  if (options_.signing_key_file.empty()) {
    if (!std::filesystem::exists(key_file)) {
      const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
      RETURN_IF_ERROR(files::WriteFileAtomically(key_file, key.ToPem(), 0600));
      if (absl::Status s = files::WriteFileAtomically(options_.data_dir + "/node.pub",
                                                      key.PublicKey().ToPem(), 0644);
          !s.ok()) {
        return s;
      }
      log_.Info("created this site's signing key in ", key_file);
    }
  }
  ASSIGN_OR_RETURN(auth::Ed25519PrivateKey key, auth::Ed25519PrivateKey::LoadPemFile(key_file));
  signing_key_ = std::make_unique<auth::Ed25519PrivateKey>(std::move(key));
  signer_ = std::make_unique<replication::KeySigner>(*signing_key_);
  key_ring_.Add(options_.site.site_id, signing_key_->PublicKey());
  for (const TrustedSiteConfig& site : options_.trusted_sites) {
    ASSIGN_OR_RETURN(auth::Ed25519PublicKey public_key,
                     auth::Ed25519PublicKey::LoadPemFile(site.public_key_file));
    key_ring_.Add(site.site_id, public_key);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeOptions& options,
                                                  const storage::Clock* clock) {
  RETURN_IF_ERROR(ValidateNodeOptions(options));
  RETURN_IF_ERROR(PrepareNodeFiles(options));
  auto node = std::unique_ptr<Node>(new Node(options));
  node->clock_ = clock;

  ASSIGN_OR_RETURN(auth::AdminCredential admin,
                   auth::AdminCredential::LoadFromFile(options.admin_credential_file));
  node->admin_ = std::make_unique<auth::AdminCredential>(std::move(admin));

  absl::StatusOr<rpc::TransportSecurity> security = rpc::TransportSecurity::Insecure();
  if (!options.insecure) {
    security = rpc::TransportSecurity::LoadPemFiles(options.tls.ca_file, options.tls.cert_file,
                                                    options.tls.key_file);
  }
  if (!security.ok()) return security.status();
  if (!security->insecure() && security->certificate_common_name() != options.site.site_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the certificate '", options.tls.cert_file, "' is for site '",
        security->certificate_common_name(), "' (its CN), not for this site '",
        options.site.site_id, "': peers know a site by its certificate (tools/make-certs DIR ",
        options.site.site_id, ")"));
  }
  node->peer_credentials_ = security->PeerChannelCredentials();

  ASSIGN_OR_RETURN(std::unique_ptr<storage::RocksStore> store,
                   storage::RocksStore::Open({.path = options.data_dir}));
  node->store_ = std::move(store);
  RETURN_IF_ERROR(node->LoadKeys());

  node->hlc_ = std::make_unique<storage::HybridClock>(clock, options.max_clock_skew);
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Oplog> oplog,
                   storage::Oplog::Open(node->store_.get(), clock, node->hlc_.get(),
                                        node->signer_.get(), options.site.site_id));
  node->oplog_ = std::move(oplog);
  node->scrubber_ = std::make_unique<storage::Scrubber>(node->store_.get(), node->oplog_.get());

  ASSIGN_OR_RETURN(
      std::unique_ptr<site::SiteCatalog> catalog,
      site::SiteCatalog::Open(node->store_.get(), clock,
                              {options.site, options.initial_policy, options.initial_spaces}));
  node->catalog_ = std::move(catalog);
  node->directory_ = std::make_unique<site::SiteDirectory>(node->store_.get(), node->oplog_.get());
  node->site_service_ = std::make_unique<site::SiteServiceImpl>(
      node->catalog_.get(), node->directory_.get(), node->admin_.get());
  node->members_ = std::make_unique<member::MemberRegistry>(node->store_.get(), node->oplog_.get(),
                                                            &node->ids_, options.site.site_id);
  node->registration_requests_ =
      std::make_unique<member::RegistrationRequests>(node->store_.get(), clock);
  node->registration_limiter_ = std::make_unique<member::RegistrationLimiter>(
      member::RegistrationLimiter::Limits{
          .per_address_per_minute = options.anonymous_registrations_per_address_per_minute,
          .per_site_per_minute = options.anonymous_registrations_per_site_per_minute},
      clock);
  node->member_service_ = std::make_unique<member::MemberServiceImpl>(
      node->members_.get(), node->admin_.get(),
      member::MemberServiceImpl::TokenIssuer{node->signing_key_.get(), node->directory_.get(),
                                             clock},
      member::MemberServiceImpl::AnonymousRegistration{node->registration_requests_.get(),
                                                       node->registration_limiter_.get()});
  node->receipts_ = std::make_unique<booking::ReceiptBook>(node->store_.get(), node->members_.get(),
                                                           node->directory_.get());
  node->ledger_ = std::make_unique<booking::BookingLedger>(
      node->store_.get(), clock, &node->ids_, node->catalog_.get(), node->members_.get(),
      node->receipts_.get(), node->directory_.get());
  node->forwarder_ = std::make_unique<federation::Forwarder>(
      options.site.site_id, node->directory_.get(), node->peer_credentials_);
  node->booking_service_ = std::make_unique<booking::BookingServiceImpl>(
      node->ledger_.get(), node->receipts_.get(), node->forwarder_.get(), node->members_.get(),
      node->catalog_.get(), node->admin_.get(), node->directory_.get(), clock);

  node->events_ = std::make_unique<event::EventBoard>(node->store_.get(), node->oplog_.get(), clock,
                                                      &node->ids_, options.site);
  node->event_service_ =
      std::make_unique<event::EventServiceImpl>(node->events_.get(), node->admin_.get());

  Node* self = node.get();
  node->admin_service_ = std::make_unique<admin::AdminServiceImpl>(
      options.site.site_id, node->oplog_.get(), [self] { return self->PeerStatuses(); },
      node->admin_.get());

  site::SiteDirectory* directory = node->directory_.get();
  node->applier_.Register(v1::ENTRY_KIND_DIRECTORY,
                          [directory](storage::Transaction& txn, const v1::OplogEntry& entry) {
                            return directory->ApplyRemote(txn, entry);
                          });
  const event::EventBoard* events = node->events_.get();
  node->applier_.Register(v1::ENTRY_KIND_EVENT,
                          [events](storage::Transaction& txn, const v1::OplogEntry& entry) {
                            return events->ApplyRemote(txn, entry);
                          });
  member::MemberRegistry* members = node->members_.get();
  node->applier_.Register(v1::ENTRY_KIND_MEMBER,
                          [members](storage::Transaction& txn, const v1::OplogEntry& entry) {
                            return members->ApplyRemote(txn, entry);
                          });
  node->applier_.RegisterRedactions(
      [members](storage::Transaction& txn, const v1::RedactionNotice& notice) {
        return members->ApplyRedaction(txn, notice);
      });
  booking::ReceiptBook* receipts = node->receipts_.get();
  node->applier_.Register(v1::ENTRY_KIND_BOOKING_RECEIPT,
                          [receipts](storage::Transaction& txn, const v1::OplogEntry& entry) {
                            return receipts->ApplyRemote(txn, entry);
                          });

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ASSIGN_OR_RETURN(
      std::unique_ptr<grpc::Server> server,
      Serve(options.listen_address, security->PublicServerCredentials(),
            {node->site_service_.get(), node->member_service_.get(), node->booking_service_.get(),
             node->event_service_.get(), node->admin_service_.get()},
            {.max_threads = options.max_threads,
             .max_streams_per_connection = options.max_streams_per_connection,
             .max_request_bytes = kMaxPublicRequestBytes,
             .max_connection_idle = kMaxPublicConnectionIdle},
            &node->port_));
  node->server_ = std::move(server);
  RETURN_IF_ERROR(node->StartFederation(security->FederationServerCredentials()));
  // Receipts enter the oplog only after this site's directory entry (StartFederation), which
  // other nodes check their currency against. Bookings made before wait in the outbox.
  node->receipt_publisher_ =
      std::make_unique<booking::ReceiptPublisher>(node->receipts_.get(), node->oplog_.get());

  if (!options.port_file.empty()) {
    if (absl::Status s =
            files::WriteFileAtomically(options.port_file, absl::StrCat(node->port_, "\n"), 0644);
        !s.ok()) {
      return s;
    }
  }
  node->no_show_sweeper_ =
      std::make_unique<booking::NoShowSweeper>(node->ledger_.get(), options.no_show_sweep_interval);
  node->server_->GetHealthCheckService()->SetServingStatus(true);
  node->log_.Info("site '", options.site.site_id, "' (", options.site.display_name,
                  ") serving on port ", node->port_, ", federation port ", node->federation_port_,
                  options.insecure ? " (plaintext)" : " (TLS)", ", data in ", options.data_dir);
  return node;
}

absl::Status Node::StartFederation(const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  const site::SiteDirectory* directory = directory_.get();
  federation_service_ = std::make_unique<federation::FederationServiceImpl>(
      oplog_.get(), &key_ring_,
      [directory](absl::string_view site_id) { return directory->StatusOf(site_id); },
      booking_service_.get(), &peer_heads_);
  if (!options_.federation_listen_address.empty()) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<grpc::Server> server,
        Serve(options_.federation_listen_address, credentials, {federation_service_.get()},
              {.max_threads = options_.max_federation_threads,
               .max_streams_per_connection = options_.max_streams_per_connection},
              &federation_port_));
    federation_server_ = std::move(server);
    if (!options_.federation_port_file.empty()) {
      if (absl::Status s = files::WriteFileAtomically(options_.federation_port_file,
                                                      absl::StrCat(federation_port_, "\n"), 0644);
          !s.ok()) {
        return s;
      }
    }
  }

  // This site's own directory entry, republished when it changed.
  v1::DirectoryEntry own;
  *own.mutable_site() = site::SiteToProto(options_.site, catalog_->policy());
  own.mutable_site()->clear_policy();  // Each venue serves its live policy itself.
  own.set_public_endpoint(EndpointOf(options_.listen_address, port_));
  if (federation_port_ != 0) {
    own.set_federation_endpoint(EndpointOf(options_.federation_listen_address, federation_port_));
  }
  own.set_public_key(signing_key_->PublicKey().Raw());
  own.set_status(v1::SITE_STATUS_ACTIVE);
  if (const std::optional<int> allowance = catalog_->policy().member_visit_days_per_month) {
    own.set_member_visit_days_per_month(*allowance);
  }
  if (absl::Status s =
          directory_->PublishOwn(own, clock_->Now(), member::MemberServiceImpl::kMaxTokenTtl);
      !s.ok()) {
    return s;
  }

  for (const PeerConfig& peer : options_.peers) {
    ASSIGN_OR_RETURN(auth::Ed25519PublicKey key,
                     auth::Ed25519PublicKey::LoadPemFile(peer.public_key_file));
    AddPeer({peer.site_id, peer.address}, key);
  }
  return absl::OkStatus();
}

void Node::TrustSite(const std::string& site_id, const auth::Ed25519PublicKey& key) {
  key_ring_.Add(site_id, key);
}

void Node::AddPeer(const federation::PeerOptions& peer, const auth::Ed25519PublicKey& key) {
  key_ring_.Add(peer.site_id, key);
  auto channel = rpc::DialSite(peer.address, peer.site_id, peer_credentials_);
  absl::MutexLock lock(&peers_mu_);
  replicators_.push_back(std::make_unique<federation::Replicator>(
      options_.site.site_id, peer, std::move(channel), oplog_.get(), &key_ring_, &applier_, clock_,
      &peer_heads_));
  log_.Info("pulling from peer '", peer.site_id, "' at ", peer.address);
}

std::vector<federation::PeerStatus> Node::PeerStatuses() const {
  absl::MutexLock lock(&peers_mu_);
  std::vector<federation::PeerStatus> statuses;
  for (const auto& replicator : replicators_) statuses.push_back(replicator->status());
  return statuses;
}

absl::StatusOr<std::string> Node::ReplicatedStateDigest() const {
  // The vector holds each origin's chain hash, which covers every entry held; the stored
  // entries themselves differ by which signatures each node kept (see OplogEntry).
  return storage::DigestTables(
      *store_,
      {storage::Table::kMembers, storage::Table::kDirectory, storage::Table::kEvents,
       storage::Table::kReceipts, storage::Table::kVisitDays, storage::Table::kVersionVector});
}

Node::~Node() { Shutdown(options_.drain_timeout); }

void Node::Shutdown(absl::Duration drain_timeout) {
  if (server_ == nullptr) return;
  log_.Info("shutting down: draining calls in flight for up to ",
            absl::FormatDuration(drain_timeout));
  server_->GetHealthCheckService()->SetServingStatus(false);
  {
    absl::MutexLock lock(&peers_mu_);
    replicators_.clear();  // No more applies from peers.
  }
  const absl::Time deadline = absl::Now() + drain_timeout;
  if (federation_server_ != nullptr) {
    federation_service_->Stop();
    federation_server_->Shutdown(absl::ToChronoTime(deadline));
    federation_server_->Wait();
    federation_server_.reset();
  }
  server_->Shutdown(absl::ToChronoTime(deadline));
  server_->Wait();
  server_.reset();
  no_show_sweeper_.reset();
  receipt_publisher_.reset();
  admin_service_.reset();
  event_service_.reset();
  events_.reset();
  booking_service_.reset();
  ledger_.reset();
  forwarder_.reset();
  receipts_.reset();
  member_service_.reset();
  registration_limiter_.reset();
  registration_requests_.reset();
  members_.reset();
  site_service_.reset();
  directory_.reset();
  catalog_.reset();
  scrubber_.reset();
  oplog_.reset();
  store_.reset();  // Closes RocksDB after the last call that could use it.
  log_.Info("stopped; database closed");
}

}  // namespace cantine::node
