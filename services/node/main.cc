// cantined: one Cantine Network site node.
//
//   cantined --config deploy/sites/paris.textproto
//            --config_override 'data_dir: "state/paris" insecure: true'
//
// Exit codes: 0 after a clean shutdown on SIGINT/SIGTERM, 2 for invalid options or config,
// 1 when the node cannot start (data folder in use or open to group or others, a credential
// or key file readable by group or others, port in use).

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "services/logging/logger.h"
#include "services/node/join_bundle.h"
#include "services/node/node.h"
#include "services/node/node_options.h"
#include "storage/clock.h"

ABSL_FLAG(std::vector<std::string>, config, {},
          "Node config files (protobuf text format, NodeConfig), comma-separated, merged in "
          "order.");
ABSL_FLAG(std::string, config_override, "",
          "NodeConfig text merged over the config files, for what this run changes: "
          "'data_dir: \"state/paris\" insecure: true'.");
ABSL_FLAG(std::string, join, "",
          "A join bundle (cantinectl admin site add --join_bundle): the node joins the network "
          "it names, taking its identity, endpoints, seeds, admin key and directory from it "
          "where the config is silent.");
ABSL_FLAG(std::string, log_level, "info", "Lowest level logged: debug, info, warning, error.");

namespace {

using cantine::logging::LogLevel;

constexpr int kExitBadOptions = 2;
constexpr int kExitCannotStart = 1;

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
      "cantined --config FILE[,FILE...] [--config_override 'data_dir: \"DIR\"'] "
      "[--join BUNDLE]");
  absl::ParseCommandLine(argc, argv);
  const cantine::logging::Logger log("main");

  LogLevel level;
  if (!ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    log.Error("--log_level must be debug, info, warning or error");
    return kExitBadOptions;
  }
  cantine::logging::SetMinLogLevel(level);

  absl::StatusOr<cantine::config::v1::NodeConfig> config = cantine::node::ReadNodeConfig(
      absl::GetFlag(FLAGS_config), absl::GetFlag(FLAGS_config_override));
  if (!config.ok()) {
    log.Error(config.status().message());
    return kExitBadOptions;
  }

  std::optional<cantine::config::v1::JoinBundle> bundle;
  if (const std::string join = absl::GetFlag(FLAGS_join); !join.empty()) {
    absl::StatusOr<cantine::config::v1::JoinBundle> read = cantine::node::ReadJoinBundle(join);
    if (read.ok()) bundle = *std::move(read);
    if (bundle.has_value()) config = cantine::node::JoinConfig(*bundle, *std::move(config));
    if (!read.ok() || !config.ok()) {
      log.Error("--join: ", (read.ok() ? config.status() : read.status()).message());
      return kExitBadOptions;
    }
  }

  absl::StatusOr<cantine::node::NodeOptions> options =
      cantine::node::NodeOptionsFromConfig(*config, bundle.has_value() ? &*bundle : nullptr);
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
