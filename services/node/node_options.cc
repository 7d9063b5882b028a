#include "services/node/node_options.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/files/private_files.h"
#include "services/node/join_bundle.h"
#include "services/node/text_proto.h"
#include "services/rpc/proto_time.h"
#include "services/site/site_codec.h"
#include "storage/status_macros.h"

namespace cantine::node {
namespace {

absl::Status CheckListenAddress(absl::string_view field, const std::string& address) {
  const size_t colon = address.rfind(':');
  if (address.empty() || colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", address, "' must be host:port, for example 127.0.0.1:7101"));
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", address, "' has no valid port (0-65535)"));
  }
  return absl::OkStatus();
}

absl::Status CheckTlsFile(absl::string_view field, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        " is required: the node serves TLS unless insecure is set (tools/make-certs "
        "makes the files; insecure: true serves plaintext, for local development only)"));
  }
  if (!std::ifstream(path).is_open()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, " '", path, "' cannot be read: no such file or no permission"));
  }
  return absl::OkStatus();
}

// A uint32 config value as an int; values past INT_MAX, all far out of range, stay so.
int ClampToInt(uint32_t value) {
  return static_cast<int>(std::min<uint32_t>(value, std::numeric_limits<int>::max()));
}

// The folder `path` as the system will find it: absolute, without "." or "..", symbolic
// links of its existing part resolved.
std::filesystem::path Resolved(const std::string& path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(path, error);
  if (error) resolved = std::filesystem::absolute(path, error).lexically_normal();
  return resolved;
}

// Whether `inner` is `outer` or inside it.
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto [outer_end, inner_at] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end() || (std::next(outer_end) == outer.end() && outer_end->empty());
}

// A backup folder apart from the data folder: a backup inside the database's folder would
// go with it, and a restore empties the data folder first.
absl::Status CheckBackupDir(const NodeOptions& options) {
  const std::filesystem::path backups = Resolved(options.backup_dir);
  const std::filesystem::path data = Resolved(options.data_dir);
  if (IsWithin(backups, data) || IsWithin(data, backups)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup_dir '", options.backup_dir, "' must be apart from data_dir '", options.data_dir,
        "' (neither inside the other): a backup kept with the "
        "database is lost with its disk"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<config::v1::NodeConfig> ParseNodeConfig(const std::string& text,
                                                       absl::string_view source) {
  config::v1::NodeConfig config;
  RETURN_IF_ERROR(ParseTextProto(text, source, config));
  return config;
}

absl::StatusOr<config::v1::NodeConfig> ReadNodeConfigFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadTextFile("config file", path));
  return ParseNodeConfig(text, absl::StrCat("config file '", path, "'"));
}

absl::StatusOr<config::v1::NodeConfig> ReadNodeConfig(const std::vector<std::string>& paths,
                                                      const std::string& override_text) {
  config::v1::NodeConfig merged;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(config::v1::NodeConfig config, ReadNodeConfigFile(path));
    merged.MergeFrom(config);
  }
  ASSIGN_OR_RETURN(config::v1::NodeConfig overrides,
                   ParseNodeConfig(override_text, "--config_override"));
  merged.MergeFrom(overrides);
  return merged;
}

absl::StatusOr<NodeOptions> NodeOptionsFromConfig(const config::v1::NodeConfig& config,
                                                  const config::v1::JoinBundle* join) {
  NodeOptions options;
  options.site = {
      .site_id = config.site_id(),
      .display_name = config.display_name(),
      .street_address = config.street_address(),
      .city = config.city(),
      .country_code = config.country_code(),
      .time_zone = config.time_zone(),
      .currency_code = config.currency_code(),
  };
  options.listen_address = config.listen_address();
  options.data_dir = config.data_dir();
  options.admin_credential_file = config.admin_credential_file();
  options.port_file = config.port_file();
  options.web_listen_address = config.web_listen_address();
  options.web_port_file = config.web_port_file();
  options.web_static_dir = config.web_static_dir();
  options.federation_listen_address = config.federation_listen_address();
  options.federation_port_file = config.federation_port_file();
  options.signing_key_file = config.signing_key_file();
  for (const config::v1::Peer& peer : config.peers()) {
    options.peers.push_back({peer.site_id(), peer.address(), peer.public_key_file()});
  }
  for (const config::v1::TrustedSite& site : config.trusted_sites()) {
    options.trusted_sites.push_back({site.site_id(), site.public_key_file()});
  }
  for (const config::v1::FederationRoute& route : config.federation_routes()) {
    RETURN_IF_ERROR(domain::CheckSlug("federation_routes.site_id", route.site_id()));
    if (!options.federation_routes.emplace(route.site_id(), route.address()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("federation_routes names site '", route.site_id(), "' more than once"));
    }
  }
  options.admin_public_key_file = config.admin_public_key_file();
  if (config.has_peer_fan_out()) options.peer_fan_out = ClampToInt(config.peer_fan_out());
  if (config.has_bootstrap_min_entries()) {
    options.bootstrap_min_entries = config.bootstrap_min_entries();
  }
  options.backup_dir = config.backup_dir();
  if (config.backups_kept() != 0) options.backups_kept = ClampToInt(config.backups_kept());
  options.tls = {.ca_file = config.tls().ca_file(),
                 .cert_file = config.tls().cert_file(),
                 .key_file = config.tls().key_file()};
  options.insecure = config.insecure();
  if (config.max_threads() != 0) options.max_threads = ClampToInt(config.max_threads());
  if (config.max_federation_threads() != 0) {
    options.max_federation_threads = ClampToInt(config.max_federation_threads());
  }
  if (config.max_streams_per_connection() != 0) {
    options.max_streams_per_connection = ClampToInt(config.max_streams_per_connection());
  }
  if (config.anonymous_registrations_per_address_per_minute() != 0) {
    options.anonymous_registrations_per_address_per_minute =
        ClampToInt(config.anonymous_registrations_per_address_per_minute());
  }
  if (config.anonymous_registrations_per_site_per_minute() != 0) {
    options.anonymous_registrations_per_site_per_minute =
        ClampToInt(config.anonymous_registrations_per_site_per_minute());
  }
  if (config.has_max_clock_skew()) {
    ASSIGN_OR_RETURN(absl::Duration skew,
                     rpc::DurationFromProto("max_clock_skew", config.max_clock_skew()));
    options.max_clock_skew = skew;
  }
  if (config.has_drain_timeout()) {
    ASSIGN_OR_RETURN(absl::Duration drain,
                     rpc::DurationFromProto("drain_timeout", config.drain_timeout()));
    options.drain_timeout = drain;
  }
  if (config.has_no_show_sweep_interval()) {
    ASSIGN_OR_RETURN(
        absl::Duration interval,
        rpc::DurationFromProto("no_show_sweep_interval", config.no_show_sweep_interval()));
    options.no_show_sweep_interval = interval;
  }
  if (config.has_initial_policy()) {
    absl::StatusOr<domain::SitePolicy> policy = site::PolicyFromProto(config.initial_policy());
    if (!policy.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("initial_", policy.status().message()));
    }
    options.initial_policy = *std::move(policy);
  }
  for (const v1::Space& proto : config.initial_spaces()) {
    absl::StatusOr<domain::Space> space = site::SpaceFromProto(proto, options.site.currency_code);
    if (!space.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("initial_spaces: ", space.status().message()));
    }
    options.initial_spaces.push_back(*std::move(space));
  }
  if (join != nullptr) RETURN_IF_ERROR(ApplyJoinBundle(*join, options));
  RETURN_IF_ERROR(ValidateNodeOptions(options));
  return options;
}

absl::Status ValidateNodeOptions(const NodeOptions& options) {
  RETURN_IF_ERROR(domain::ValidateSiteProfile(options.site));
  RETURN_IF_ERROR(CheckListenAddress("listen_address", options.listen_address));
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("data_dir is required: the folder of this node's database");
  }
  if (options.admin_credential_file.empty()) {
    return absl::InvalidArgumentError(
        "admin_credential_file is required: a file whose first line is the admin credential");
  }
  if (options.drain_timeout < absl::ZeroDuration() || options.drain_timeout > absl::Minutes(5)) {
    return absl::InvalidArgumentError("drain_timeout must be between 0s and 5m");
  }
  if (!options.federation_listen_address.empty()) {
    RETURN_IF_ERROR(
        CheckListenAddress("federation_listen_address", options.federation_listen_address));
  }
  if (!options.web_listen_address.empty()) {
    RETURN_IF_ERROR(CheckListenAddress("web_listen_address", options.web_listen_address));
  }
  if (!options.web_static_dir.empty() && !std::filesystem::is_directory(options.web_static_dir)) {
    return absl::InvalidArgumentError(absl::StrCat("web_static_dir '", options.web_static_dir,
                                                   "' is not a folder: give the web app's folder"));
  }
  for (const PeerConfig& peer : options.peers) {
    RETURN_IF_ERROR(domain::CheckSlug("peers.site_id", peer.site_id));
    RETURN_IF_ERROR(CheckListenAddress("peers.address", peer.address));
    if (peer.public_key_file.empty() && options.admin_public_key_file.empty() &&
        options.admin_public_key_pem.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("peers.public_key_file is required for peer '", peer.site_id,
                       "' unless admin_public_key_file is set (the signed directory then lists "
                       "every site's keys)"));
    }
    if (peer.site_id == options.site.site_id) {
      return absl::InvalidArgumentError("peers must not name this site itself");
    }
  }
  for (const TrustedSiteConfig& site : options.trusted_sites) {
    RETURN_IF_ERROR(domain::CheckSlug("trusted_sites.site_id", site.site_id));
  }
  for (const auto& [site_id, address] : options.federation_routes) {
    RETURN_IF_ERROR(domain::CheckSlug("federation_routes.site_id", site_id));
    RETURN_IF_ERROR(CheckListenAddress("federation_routes.address", address));
  }
  if (options.peer_fan_out < 0 || options.peer_fan_out > kMaxPeerFanOut) {
    return absl::InvalidArgumentError(
        absl::StrCat("peer_fan_out must be between 0 and ", kMaxPeerFanOut));
  }
  if (!options.backup_dir.empty()) RETURN_IF_ERROR(CheckBackupDir(options));
  if (options.backups_kept < 1 || options.backups_kept > kMaxBackupsKept) {
    return absl::InvalidArgumentError(
        absl::StrCat("backups_kept must be between 1 and ", kMaxBackupsKept));
  }
  if (options.max_threads < 4 || options.max_threads > kMaxThreadsLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_threads must be between 4 and ", kMaxThreadsLimit));
  }
  const int min_federation_threads =
      static_cast<int>(options.peers.size()) + kMinSpareFederationThreads;
  if (options.max_federation_threads < min_federation_threads ||
      options.max_federation_threads > kMaxThreadsLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_federation_threads must be between ", min_federation_threads, " and ",
                     kMaxThreadsLimit, ": each of the ", options.peers.size(),
                     " peers' Pull streams holds a thread, and forwarded calls need ",
                     kMinSpareFederationThreads, " more"));
  }
  if (options.max_streams_per_connection < 1 || options.max_streams_per_connection > 1000) {
    return absl::InvalidArgumentError("max_streams_per_connection must be between 1 and 1000");
  }
  for (const auto& [field, value] :
       {std::pair<absl::string_view, int>{"anonymous_registrations_per_address_per_minute",
                                          options.anonymous_registrations_per_address_per_minute},
        std::pair<absl::string_view, int>{"anonymous_registrations_per_site_per_minute",
                                          options.anonymous_registrations_per_site_per_minute}}) {
    if (value < 1 || value > kMaxAnonymousRegistrationsPerMinute) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " must be between 1 and ", kMaxAnonymousRegistrationsPerMinute,
                       " (registrations a minute without a credential; the desk is not limited)"));
    }
  }
  if (options.max_clock_skew < absl::Seconds(1) || options.max_clock_skew > absl::Hours(1)) {
    return absl::InvalidArgumentError("max_clock_skew must be between 1s and 1h");
  }
  if (options.no_show_sweep_interval < absl::Seconds(1) ||
      options.no_show_sweep_interval > absl::Hours(1)) {
    return absl::InvalidArgumentError("no_show_sweep_interval must be between 1s and 1h");
  }
  if (!options.insecure) {
    RETURN_IF_ERROR(CheckTlsFile("tls.ca_file", options.tls.ca_file));
    RETURN_IF_ERROR(CheckTlsFile("tls.cert_file", options.tls.cert_file));
    RETURN_IF_ERROR(CheckTlsFile("tls.key_file", options.tls.key_file));
  }
  if (absl::Status s = domain::ValidateSitePolicy(options.initial_policy); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("initial_policy: ", s.message()));
  }
  for (const domain::Space& space : options.initial_spaces) {
    if (absl::Status s = domain::ValidateSpace(space); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("initial_spaces: ", s.message()));
    }
  }
  return absl::OkStatus();
}

std::string SigningKeyFile(const NodeOptions& options) {
  return options.signing_key_file.empty() ? options.data_dir + "/node.key"
                                          : options.signing_key_file;
}

absl::Status PrepareNodeFiles(const NodeOptions& options) {
  RETURN_IF_ERROR(files::MakePrivateFolder("data folder", options.data_dir));
  if (!options.backup_dir.empty()) {
    RETURN_IF_ERROR(files::MakePrivateFolder("backup folder", options.backup_dir));
  }
  RETURN_IF_ERROR(files::CheckPrivateFile("admin credential file", options.admin_credential_file));
  RETURN_IF_ERROR(files::CheckPrivateFile("signing key file", SigningKeyFile(options)));
  if (!options.insecure) {
    RETURN_IF_ERROR(files::CheckPrivateFile("TLS key file", options.tls.key_file));
  }
  return absl::OkStatus();
}

}  // namespace cantine::node
