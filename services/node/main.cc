// cantined: one Cantine Network site node.
//
//   cantined --config deploy/sites/paris.textproto
//            --config_override 'data_dir: "state/paris" insecure: true'
//
//   cantined --config deploy/sites/paris.textproto --restore_from /var/backups/paris
//            [--backup_id 3]
//
// Exit codes: 0 after a clean shutdown on SIGINT/SIGTERM (or a restore done), 2 for invalid
// options or config (a backup the folder does not keep), 1 when the node cannot start (data
// folder in use or open to group or others, a credential or key file readable by group or
// others, port in use) or the restore cannot be done (a data folder not empty, a backup of
// another site or that fails its checksums).

#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "services/logging/logger.h"
#include "services/node/join_bundle.h"
#include "services/node/node.h"
#include "services/node/node_options.h"
#include "services/node/process_settings.h"
#include "storage/backup.h"
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
ABSL_FLAG(std::string, restore_from, "",
          "A backup folder (the backup_dir of the site's config, or a copy of it): restores a "
          "backup of this site into the config's data_dir, which must be absent or empty, "
          "then exits. Started next, the node begins a new incarnation of its site and catches "
          "up from its peers.");
ABSL_FLAG(int64_t, backup_id, 0,
          "With --restore_from: the backup to restore (cantinectl admin backups lists them); "
          "0, the default, the latest.");
ABSL_FLAG(std::string, log_level, "info", "Lowest level logged: debug, info, warning, error.");
ABSL_FLAG(absl::Duration, clock_skew, absl::ZeroDuration(),
          "For fault tests: the node's clock runs this far ahead of the machine's (negative: "
          "behind), at most an hour either way, as on a machine whose clock is off.");

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

// The offline restore step: backup `backup_id` (0: the latest) of `backup_folder` into the
// options' empty data folder. An exit code.
int Restore(const cantine::node::NodeOptions& options, const std::string& backup_folder,
            int64_t backup_id) {
  const cantine::logging::Logger log("restore");
  if (backup_id < 0 || backup_id > std::numeric_limits<uint32_t>::max()) {
    log.Error("--backup_id must be a backup's id (1, 2, 3...), or 0 for the latest");
    return kExitBadOptions;
  }
  if (absl::Status valid = cantine::node::ValidateNodeOptions(options); !valid.ok()) {
    log.Error("invalid options: ", valid.message());
    return kExitBadOptions;
  }
  std::optional<uint32_t> id;
  if (backup_id != 0) id = static_cast<uint32_t>(backup_id);
  absl::StatusOr<cantine::storage::BackupInfo> restored =
      cantine::storage::RestoreBackup({.backup_folder = backup_folder,
                                       .backup_id = id,
                                       .data_folder = options.data_dir,
                                       .site_id = options.site.site_id});
  if (!restored.ok()) {
    log.Error("--restore_from: ", restored.status().message());
    return absl::IsNotFound(restored.status()) || absl::IsInvalidArgument(restored.status())
               ? kExitBadOptions
               : kExitCannotStart;
  }
  log.Info("restored backup ", restored->backup_id, " of site '", restored->site_id, "' (taken ",
           absl::FormatTime(restored->create_time, absl::UTCTimeZone()), ") into ",
           options.data_dir,
           ". Put the site's signing key back if it was kept in the data folder (node.key), "
           "then start the node as usual: it begins a new incarnation of the site and takes "
           "back from its peers what the site wrote after the backup.");
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  cantine::node::ApplyNodeProcessSettings();
  absl::SetProgramUsageMessage(
      "cantined --config FILE[,FILE...] [--config_override 'data_dir: \"DIR\"'] "
      "[--join BUNDLE] | --config FILE --restore_from BACKUP_DIR [--backup_id ID]");
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
  if (const std::string restore_from = absl::GetFlag(FLAGS_restore_from); !restore_from.empty()) {
    return Restore(*options, restore_from, absl::GetFlag(FLAGS_backup_id));
  }
  if (absl::GetFlag(FLAGS_backup_id) != 0) {
    log.Error("--backup_id applies only with --restore_from BACKUP_DIR");
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

  const absl::Duration clock_skew = absl::GetFlag(FLAGS_clock_skew);
  if (absl::AbsDuration(clock_skew) > absl::Hours(1)) {
    log.Error("--clock_skew must be at most 1h either way, not ", absl::FormatDuration(clock_skew));
    return kExitBadOptions;
  }
  if (clock_skew != absl::ZeroDuration()) {
    log.Warning("--clock_skew: this node's clock runs ", absl::FormatDuration(clock_skew),
                " off the machine's; for fault tests only");
  }
  const cantine::storage::SystemClock system_clock;
  const cantine::storage::SkewedClock clock(&system_clock, clock_skew);
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
