#include "tools/bench/options.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace cantine::bench {
namespace {

absl::Status Bad(absl::string_view flag, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", message));
}

absl::Status ValidateLoad(const BenchOptions& o) {
  if (o.threads < 1 || o.threads > 1024) return Bad("--threads", "must be 1..1024");
  if (o.spaces < 1 || o.spaces > 100000) return Bad("--spaces", "must be 1..100000");
  if (o.seats < 1) return Bad("--seats", "must be at least 1");
  if (o.duration <= absl::ZeroDuration()) return Bad("--seconds", "must be positive");
  if (o.days < 1) return Bad("--days", "must be at least 1");
  if (o.rpc_timeout <= absl::ZeroDuration()) {
    return Bad("--rpc_timeout_seconds", "must be positive");
  }
  return absl::OkStatus();
}

absl::Status ValidateDirect(const BenchOptions& o) {
  const size_t colon = o.node.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(o.node).substr(colon + 1), &port) || port < 1 ||
      port > 65535) {
    return Bad("--node", absl::StrCat("is '", o.node, "'; give HOST:PORT, e.g. 127.0.0.1:7101"));
  }
  if (o.admin_credential.empty()) {
    return Bad("--admin_credential_file", "is required: creating the bench's spaces needs it");
  }
  RETURN_IF_ERROR(ValidateLoad(o));
  if (o.ceiling_duration <= absl::ZeroDuration()) {
    return Bad("--ceiling_seconds", "must be positive");
  }
  if (o.max_bookings < 0) return Bad("--max_bookings", "must be 0 (no limit) or positive");
  if (o.node_pid < 0) return Bad("--rss_pid", "must be a process id");
  return absl::OkStatus();
}

absl::Status ValidateForwarded(const BenchOptions& o) {
  if (o.cantined_path.empty()) return Bad("--cantined", "is required: the cantined binary");
  if (o.make_certs_path.empty()) return Bad("--make_certs", "is required: tools/make-certs");
  RETURN_IF_ERROR(ValidateLoad(o));
  if (o.members < 1 || o.members > 100000) return Bad("--members", "must be 1..100000");
  if (o.rounds < 1 || o.rounds > 100) return Bad("--rounds", "must be 1..100");
  if (o.startup_timeout <= absl::ZeroDuration()) {
    return Bad("--startup_timeout_seconds", "must be positive");
  }
  return absl::OkStatus();
}

absl::Status ValidateVersusPostgres(const BenchOptions& o) {
  if (o.cantined_path.empty()) return Bad("--cantined", "is required: the cantined binary");
  if (o.postgres_bin.empty()) return Bad("--postgres_bin", "is required: PostgreSQL's bin folder");
  if (o.postgres_sql_dir.empty()) {
    return Bad("--postgres_sql", "is required: the folder of seats.sql and seats.pgbench");
  }
  RETURN_IF_ERROR(ValidateLoad(o));
  if (o.ceiling_duration <= absl::ZeroDuration()) {
    return Bad("--ceiling_seconds", "must be positive");
  }
  if (o.startup_timeout <= absl::ZeroDuration()) {
    return Bad("--startup_timeout_seconds", "must be positive");
  }
  return absl::OkStatus();
}

absl::Status ValidateCatchup(const BenchOptions& o) {
  if (o.entries < 1) return Bad("--entries", "must be at least 1");
  if (o.events < 0) return Bad("--events", "must be 0 or more");
  if (o.generation_threads < 1) return Bad("--generation_threads", "must be at least 1");
  if (o.verifications < 1) return Bad("--verifications", "must be at least 1");
  if (o.self_path.empty()) return Bad("--mode=catchup", "cannot find this binary to start again");
  if (o.bookings_after_catchup < 0) {
    return Bad("--bookings_after_catchup", "must be 0 (none) or positive");
  }
  if (o.bookings_after_catchup > 0) {
    RETURN_IF_ERROR(ValidateLoad(o));
    if (o.bookings_after_catchup > int64_t{o.spaces} * o.seats * o.days) {
      return Bad("--bookings_after_catchup", "is more than the --spaces x --seats x --days seats");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePropagation(const BenchOptions& o) {
  if (o.nodes < 2 || o.nodes > 26) return Bad("--nodes", "must be 2 to 26");
  if (o.rate <= 0) return Bad("--rate", "must be positive");
  if (o.duration <= absl::ZeroDuration()) return Bad("--seconds", "must be positive");
  return absl::OkStatus();
}

absl::Status ValidateNetwork(const BenchOptions& o) {
  if (o.sites < 2 || o.sites > 702) return Bad("--sites", "must be 2 to 702");
  if (o.fan_out < 1 || o.fan_out > 64) return Bad("--fan_out", "must be 1 to 64");
  if (o.members_per_site < 1 || o.members_per_site > 10000) {
    return Bad("--members_per_site", "must be 1 to 10000");
  }
  if (o.bookings < 1 || o.bookings > 1'000'000) return Bad("--bookings", "must be 1 to 1000000");
  if (o.convergence_timeout <= absl::ZeroDuration()) {
    return Bad("--convergence_timeout_seconds", "must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Mode> ParseMode(absl::string_view name) {
  if (name == "direct") return Mode::kDirect;
  if (name == "forwarded") return Mode::kForwarded;
  if (name == "postgres") return Mode::kPostgres;
  if (name == "catchup") return Mode::kCatchup;
  if (name == "propagation") return Mode::kPropagation;
  if (name == "federation") return Mode::kFederation;
  if (name == "network") return Mode::kNetwork;
  if (name == "catchup_destination") return Mode::kCatchupDestination;
  return Bad(
      "--mode",
      absl::StrCat(
          "is '", name,
          "'; give direct, forwarded, postgres, catchup, propagation, federation or network"));
}

BenchOptions DefaultOptions(Mode mode) {
  BenchOptions options;
  options.mode = mode;
  if (mode == Mode::kForwarded) {
    options.spaces = 20;
    options.seats = 100;
    options.days = 40;
  }
  if (mode == Mode::kPostgres) {  // The shape of PostgreSQL's workload in seats.sql.
    options.spaces = 100;
    options.seats = 50;
    options.days = 40;
  }
  options.keep_work_dir =
      mode != Mode::kDirect && mode != Mode::kForwarded && mode != Mode::kPostgres;
  return options;
}

BenchOptions DirectRunAgainst(const BenchOptions& options, int port, std::string admin_credential,
                              int pid) {
  BenchOptions direct = options;
  direct.mode = Mode::kDirect;
  direct.node = absl::StrCat("127.0.0.1:", port);
  direct.admin_credential = std::move(admin_credential);
  direct.node_pid = pid;
  return direct;
}

absl::Status ValidateBenchOptions(const BenchOptions& o) {
  switch (o.mode) {
    case Mode::kDirect:
      return ValidateDirect(o);
    case Mode::kForwarded:
      return ValidateForwarded(o);
    case Mode::kPostgres:
      return ValidateVersusPostgres(o);
    case Mode::kCatchup:
      return ValidateCatchup(o);
    case Mode::kPropagation:
      return ValidatePropagation(o);
    case Mode::kFederation:
      RETURN_IF_ERROR(ValidateCatchup(o));
      return ValidatePropagation(o);
    case Mode::kNetwork:
      return ValidateNetwork(o);
    case Mode::kCatchupDestination:
      return absl::OkStatus();
  }
  return Bad("--mode", "is unknown");
}

}  // namespace cantine::bench
