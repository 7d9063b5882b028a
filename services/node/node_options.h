#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/config/v1/join_bundle.pb.h"
#include "cantine/config/v1/node_config.pb.h"
#include "cantine/v1/federation.pb.h"
#include "services/domain/site_policy.h"
#include "services/domain/site_profile.h"
#include "services/domain/space.h"

namespace cantine::node {

struct PeerConfig {
  std::string site_id;
  std::string address;  // host:port of its federation port.
  std::string public_key_file;
};

struct TrustedSiteConfig {
  std::string site_id;
  std::string public_key_file;
};

// PEM files of the node's transport security (tools/make-certs makes them).
struct TlsFiles {
  std::string ca_file;    // The network CA: who may call the federation port, whom to trust.
  std::string cert_file;  // This site's certificate (chain); its CN is the site id.
  std::string key_file;   // Its private key.
};

inline constexpr int kDefaultMaxThreads = 128;
// CreateBooking calls that may wait on another site (forwarded, or a visitor's whose home is
// asked) run on threads of their own, this many, with this many more queued; past that they
// are refused RESOURCE_EXHAUSTED, as the sync calls past max_threads.
inline constexpr int kBlockingBookingThreads = 32;
inline constexpr size_t kBlockingBookingsQueued = 256;
inline constexpr int kDefaultMaxStreamsPerConnection = 32;
// Threads of the federation port beyond one per configured peer's Pull: for forwarded
// calls, and for sites that pull without being configured peers.
inline constexpr int kMinSpareFederationThreads = 4;
inline constexpr int kMaxThreadsLimit = 4096;
inline constexpr int kDefaultAnonymousRegistrationsPerAddress = 5;  // A minute.
inline constexpr int kDefaultAnonymousRegistrationsPerSite = 120;   // A minute.
inline constexpr int kMaxAnonymousRegistrationsPerMinute = 100'000;

inline constexpr int kDefaultBackupsKept = 7;
inline constexpr int kMaxBackupsKept = 1000;

inline constexpr int kDefaultPeerFanOut = 3;
inline constexpr uint64_t kDefaultBootstrapMinEntries = 10'000;
inline constexpr int kMaxPeerFanOut = 64;

// Everything a cantined node is started with, built and validated once at start-up.
// Tests build it directly.
struct NodeOptions {
  domain::SiteProfile site;
  // host:port of the public API; port 0 picks a free port.
  std::string listen_address;
  std::string data_dir;
  std::string admin_credential_file;
  // Optional: where to write the listening port once the node serves.
  std::string port_file;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration no_show_sweep_interval = absl::Seconds(30);
  // How often this home site polls every other venue for its members' booking receipts
  // (booking::ReceiptPuller), besides pulling at once from a venue that says it has some.
  absl::Duration receipt_poll_interval = absl::Minutes(10);

  // The web port (web::WebServer): the web app, the JSON API and /metrics, over the site's
  // TLS certificate unless insecure. Without a listen address the node serves none.
  std::string web_listen_address;
  std::string web_port_file;
  std::string web_static_dir;

  // Federation. Without a listen address the node serves no federation port (it still
  // pulls from its peers).
  std::string federation_listen_address;
  std::string federation_port_file;
  // Empty: <data_dir>/node.key, created on first start with <data_dir>/node.pub beside it.
  std::string signing_key_file;
  std::vector<PeerConfig> peers;
  std::vector<TrustedSiteConfig> trusted_sites;
  // host:port this node dials for a site's federation port instead of the one the directory
  // lists or `peers` give, by site id (federation::Forwarder, the peers pulled from).
  absl::flat_hash_map<std::string, std::string> federation_routes;
  // The network admin's public key (PEM), which signs every directory change: the file, or
  // the key itself (from a join bundle). Neither: the node takes no directory change.
  std::string admin_public_key_file;
  std::string admin_public_key_pem;
  // Directory changes (from a join bundle) merged at start, before the node pulls anything.
  std::vector<v1::SignedDirectoryChange> initial_directory;
  // Besides `peers`, how many of the active sites the signed directory lists the node pulls
  // from (federation::ChoosePeers); relay carries the rest. 0: `peers` only.
  int peer_fan_out = kDefaultPeerFanOut;
  // How often the peers pulled from are brought in step with the directory.
  absl::Duration peer_refresh_interval = absl::Seconds(1);
  // At start, the node bootstraps from the first peer that holds at least this many entries
  // it lacks (federation::BootstrapFromSeed); 0: never.
  uint64_t bootstrap_min_entries = kDefaultBootstrapMinEntries;
  // A seed that sends nothing for this long during a bootstrap is left for the next.
  absl::Duration bootstrap_silence_timeout = absl::Seconds(10);
  absl::Duration max_clock_skew = absl::Minutes(2);
  // Memory of the node's RocksDB (storage::RocksStoreOptions): the memtables of all tables
  // together, and the block cache. Many nodes in one process (benchmarks) take less.
  size_t memtable_budget_bytes = 128 << 20;
  size_t block_cache_bytes = 64 << 20;
  // TLS on the public port, mutual TLS on the federation port and to peers. Required
  // unless `insecure`.
  TlsFiles tls;
  // Plaintext everywhere, `tls` ignored: for local development and tests only.
  bool insecure = false;
  // Bounded work. The sync gRPC servers run each call in progress on a thread of their own,
  // and a federation Pull holds one while its stream is open. Past its cap a port answers
  // RESOURCE_EXHAUSTED at once; the two ports have separate pools, so a burst of public
  // calls never takes the threads of the peers' Pull streams.
  int max_threads = kDefaultMaxThreads;             // The public port.
  int max_federation_threads = kDefaultMaxThreads;  // At least peers + kMinSpareFederationThreads.
  // Calls one client connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS);
  // a client queues the next ones until one ends.
  int max_streams_per_connection = kDefaultMaxStreamsPerConnection;
  // RegisterMember without a credential: token buckets per caller address and for the
  // site, each refilled at this many a minute and holding as many; past either the call is
  // answered RESOURCE_EXHAUSTED. The desk is not limited.
  int anonymous_registrations_per_address_per_minute = kDefaultAnonymousRegistrationsPerAddress;
  int anonymous_registrations_per_site_per_minute = kDefaultAnonymousRegistrationsPerSite;

  // Where AdminService.Backup writes the node's backups (made 0700 when missing); empty:
  // the node takes none. Apart from data_dir. Each backup deletes the oldest beyond
  // `backups_kept`.
  std::string backup_dir;
  int backups_kept = kDefaultBackupsKept;

  // Written when the node starts on an empty data folder.
  domain::SitePolicy initial_policy = domain::DefaultSitePolicy();
  std::vector<domain::Space> initial_spaces;
};

// Parses a NodeConfig in protobuf text format; a syntax error is INVALID_ARGUMENT naming
// `source` ("config file 'F'", "--config_override"), the line and the column.
absl::StatusOr<config::v1::NodeConfig> ParseNodeConfig(const std::string& text,
                                                       absl::string_view source);
// The file at `path`; FAILED_PRECONDITION when it cannot be read.
absl::StatusOr<config::v1::NodeConfig> ReadNodeConfigFile(const std::string& path);
// The files merged in order, then `override_text` (NodeConfig text, the --config_override
// flag) merged over them: later scalars override, repeated fields append (a site's config,
// then its network fragment, then what this run changes).
absl::StatusOr<config::v1::NodeConfig> ReadNodeConfig(const std::vector<std::string>& paths,
                                                      const std::string& override_text);

// Builds validated options from a config (files and override already merged), and the
// join bundle it was joined with (JoinConfig), if any (ApplyJoinBundle). The first invalid
// field is named in an INVALID_ARGUMENT a person can act on.
absl::StatusOr<NodeOptions> NodeOptionsFromConfig(const config::v1::NodeConfig& config,
                                                  const config::v1::JoinBundle* join = nullptr);

// Checks what the fields alone can show: the site profile (ids, time zone, currency),
// a host:port listen address, a data folder, a credential file, a backup folder apart from the
// data folder and the backups kept (1 to 1,000), the thread and stream
// limits, the anonymous registration limits (1 to 100,000 a minute), the initial policy; and,
// unless insecure, that the three TLS files are given (INVALID_ARGUMENT) and readable
// (FAILED_PRECONDITION), each error naming the field.
absl::Status ValidateNodeOptions(const NodeOptions& options);

// The signing key file the node uses: `signing_key_file`, or <data_dir>/node.key.
std::string SigningKeyFile(const NodeOptions& options);

// Readies the files of validated options before the node reads any of them: creates the
// data folder (and the backup folder, when set) with mode 0700, or checks that an existing
// one grants nothing to group or others; and checks that the admin credential file, the
// signing key file and (unless insecure) the TLS key file grant nothing to group or others.
// A file still missing
// passes: its loader reports it. FAILED_PRECONDITION naming the file, its mode and the
// chmod to run; nothing is loosened or tightened (a secret shown to others may need
// replacing, not only hiding).
absl::Status PrepareNodeFiles(const NodeOptions& options);

}  // namespace cantine::node
