// cantined: one Cantine Network site node.
//
//   cantined --config deploy/sites/paris.textproto --data_dir state/paris
//
// Exit codes: 0 after a clean shutdown on SIGINT/SIGTERM, 2 for invalid options or config,
// 1 when the node cannot start (data folder in use or open to group or others, a credential
// or key file readable by group or others, port in use).

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "services/logging/logger.h"
#include "services/node/node.h"
#include "services/node/node_options.h"
#include "storage/clock.h"

ABSL_FLAG(std::vector<std::string>, config, {},
          "Node config files (protobuf text format, NodeConfig), comma-separated, merged in "
          "order.");
ABSL_FLAG(std::string, site_id, "", "Overrides the config's site_id.");
ABSL_FLAG(std::string, display_name, "", "Overrides the config's display_name.");
ABSL_FLAG(std::string, city, "", "Overrides the config's city.");
ABSL_FLAG(std::string, country_code, "", "Overrides the config's country_code.");
ABSL_FLAG(std::string, street_address, "", "Overrides the config's street_address.");
ABSL_FLAG(std::string, time_zone, "", "Overrides the config's IANA time_zone.");
ABSL_FLAG(std::string, currency_code, "", "Overrides the config's ISO 4217 currency_code.");
ABSL_FLAG(std::string, listen_address, "", "Overrides the config's listen_address (host:port).");
ABSL_FLAG(std::string, data_dir, "", "Overrides the config's data_dir.");
ABSL_FLAG(std::string, admin_credential_file, "", "Overrides the config's admin_credential_file.");
ABSL_FLAG(std::string, port_file, "", "Overrides the config's port_file.");
ABSL_FLAG(std::string, federation_listen_address, "",
          "Overrides the config's federation_listen_address.");
ABSL_FLAG(std::string, federation_port_file, "", "Overrides the config's federation_port_file.");
ABSL_FLAG(std::string, signing_key_file, "", "Overrides the config's signing_key_file.");
ABSL_FLAG(std::string, tls_ca_file, "", "Overrides the config's tls.ca_file.");
ABSL_FLAG(std::string, tls_cert_file, "", "Overrides the config's tls.cert_file.");
ABSL_FLAG(std::string, tls_key_file, "", "Overrides the config's tls.key_file.");
ABSL_FLAG(bool, insecure, false,
          "Plaintext on both ports and to peers, no certificates (overrides the config's "
          "insecure): for local development only.");
ABSL_FLAG(std::string, log_level, "info", "Lowest level logged: debug, info, warning, error.");

namespace {

using cantine::logging::LogLevel;

constexpr int kExitBadOptions = 2;
constexpr int kExitCannotStart = 1;

void Override(std::string* field, const absl::Flag<std::string>& flag) {
  std::string value = absl::GetFlag(flag);
  if (!value.empty()) *field = std::move(value);
}

bool ParseLogLevel(const std::string& name, LogLevel* level) {
  if (name == "debug")
    *level = LogLevel::kDebug;
  else if (name == "info")
    *level = LogLevel::kInfo;
  else if (name == "warning")
    *level = LogLevel::kWarning;
  else if (name == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cantined --config FILE [--data_dir DIR] [--listen_address H:P] [--insecure]");
  absl::ParseCommandLine(argc, argv);
  const cantine::logging::Logger log("main");

  LogLevel level;
  if (!ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    log.Error("--log_level must be debug, info, warning or error");
    return kExitBadOptions;
  }
  cantine::logging::SetMinLogLevel(level);

  cantine::config::v1::NodeConfig config;
  if (const std::vector<std::string> paths = absl::GetFlag(FLAGS_config); !paths.empty()) {
    absl::StatusOr<cantine::config::v1::NodeConfig> read =
        cantine::node::ReadNodeConfigFiles(paths);
    if (!read.ok()) {
      log.Error(read.status().message());
      return kExitBadOptions;
    }
    config = *std::move(read);
  }
  Override(config.mutable_site_id(), FLAGS_site_id);
  Override(config.mutable_display_name(), FLAGS_display_name);
  Override(config.mutable_city(), FLAGS_city);
  Override(config.mutable_country_code(), FLAGS_country_code);
  Override(config.mutable_street_address(), FLAGS_street_address);
  Override(config.mutable_time_zone(), FLAGS_time_zone);
  Override(config.mutable_currency_code(), FLAGS_currency_code);
  Override(config.mutable_listen_address(), FLAGS_listen_address);
  Override(config.mutable_data_dir(), FLAGS_data_dir);
  Override(config.mutable_admin_credential_file(), FLAGS_admin_credential_file);
  Override(config.mutable_port_file(), FLAGS_port_file);
  Override(config.mutable_federation_listen_address(), FLAGS_federation_listen_address);
  Override(config.mutable_federation_port_file(), FLAGS_federation_port_file);
  Override(config.mutable_signing_key_file(), FLAGS_signing_key_file);
  Override(config.mutable_tls()->mutable_ca_file(), FLAGS_tls_ca_file);
  Override(config.mutable_tls()->mutable_cert_file(), FLAGS_tls_cert_file);
  Override(config.mutable_tls()->mutable_key_file(), FLAGS_tls_key_file);
  if (absl::GetFlag(FLAGS_insecure)) config.set_insecure(true);

  absl::StatusOr<cantine::node::NodeOptions> options = cantine::node::NodeOptionsFromConfig(config);
  if (!options.ok()) {
    log.Error("invalid options: ", options.status().message());
    return kExitBadOptions;
  }
  if (options->insecure) {
    log.Warning(
        "insecure: the public and federation ports serve plaintext and peers are "
        "dialled in plaintext, without certificates; for local development only");
  }

  // Signals are taken synchronously by this thread; every thread started later inherits
  // the mask, so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  cantine::storage::SystemClock clock;
  absl::StatusOr<std::unique_ptr<cantine::node::Node>> node =
      cantine::node::Node::Start(*options, &clock);
  if (!node.ok()) {
    log.Error("cannot start: ", node.status().message());
    return absl::IsInvalidArgument(node.status()) ? kExitBadOptions : kExitCannotStart;
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log.Info("received ", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  (*node)->Shutdown(options->drain_timeout);
  return EXIT_SUCCESS;
}
