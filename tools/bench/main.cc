// cantine-bench: the benchmark harness of the Cantine Network, one binary with modes.
//
//   cantine-bench --mode=direct --node 127.0.0.1:7101 --admin_credential_file FILE [--ca FILE]
//   cantine-bench --mode=forwarded [--rounds 2]
//   cantine-bench --mode=postgres [--seconds 20]      # against a central PostgreSQL
//   cantine-bench --mode=catchup [--entries 1000000]
//   cantine-bench --mode=propagation [--rate 200 --seconds 10]
//   cantine-bench --mode=federation                 # catchup, then propagation
//   cantine-bench --mode=network [--sites 100 --fan_out 3]
//
// direct loads a running node: its null-RPC ceiling (grpc.health.v1.Health/Check), then
// CreateBooking for --seconds, then verification of every slot and acknowledged booking.
// forwarded starts two cantined over TLS and compares bookings through the forwarder with
// direct ones. postgres starts a cantined and runs direct against it, then the same workload
// on a throwaway PostgreSQL, and prints the ratio. catchup and propagation measure replication
// between nodes on 127.0.0.1; network, the convergence and per-node traffic of many sites pulling
// from a few peers each. Every run prints its figures and the ratio to its baseline measured in the
// same run. See docs/benchmarks.md.
//
// Exit codes: 0 when the run completed and verification passed, 1 when verification found a
// problem (oversold slots, lost bookings, mismatches, a node that did not stop cleanly), 2
// for invalid flags, 3 when the run could not be carried out.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/logging/logger.h"
#include "services/node/process_settings.h"
#include "storage/status_macros.h"
#include "tools/bench/modes.h"
#include "tools/bench/options.h"

ABSL_FLAG(std::string, mode, "direct",
          "direct, forwarded, postgres, catchup, propagation, federation (catchup then "
          "propagation) or "
          "network.");
// The booking load (direct, forwarded, postgres).
ABSL_FLAG(int32_t, threads, 16, "Client threads, each with its own channel (and member).");
ABSL_FLAG(int32_t, spaces, 8, "Desk pools the run creates (forwarded: 20, postgres: 100).");
ABSL_FLAG(int32_t, seats, 4,
          "Seats of each; direct: small, so that slots fill (forwarded: 100, postgres: 50).");
ABSL_FLAG(int32_t, days, 20,
          "Calendar days, from two days after today at the venue, the bookings are spread over; "
          "closed days are skipped (forwarded, postgres: 40).");
ABSL_FLAG(double, seconds, 10,
          "Each booking phase (direct: phase 2); propagation: the write load.");
ABSL_FLAG(double, rpc_timeout_seconds, 5, "Deadline of every call.");
// direct.
ABSL_FLAG(std::string, node, "", "direct: the node to load, HOST:PORT (required).");
ABSL_FLAG(std::string, admin_credential_file, "",
          "direct: file whose first line is the node's admin credential (required).");
ABSL_FLAG(std::string, ca, "",
          "direct: the network CA's PEM file, to connect with TLS (the local network's is "
          "state/certs/ca.pem); without it, plaintext to a node started with --insecure.");
ABSL_FLAG(double, ceiling_seconds, -1, "direct: phase 1, the null-RPC ceiling; default --seconds.");
ABSL_FLAG(int64_t, max_bookings, 0, "direct: phase 2 also ends after this many; 0: no limit.");
ABSL_FLAG(int32_t, rss_pid, 0,
          "direct: the node's pid on this machine, for its CPU time per phase and its VmRSS.");
// forwarded.
ABSL_FLAG(std::string, cantined, CANTINED_PATH,
          "forwarded, postgres: the cantined binary to start.");
ABSL_FLAG(std::string, make_certs, CANTINE_SOURCE_DIR "/tools/make-certs",
          "forwarded: tools/make-certs, which makes the run's CA and certificates.");
ABSL_FLAG(int32_t, rounds, 1,
          "forwarded: direct then forwarded phases, this many times, alternating which goes "
          "first (evens out drift); the figures are summed per kind.");
ABSL_FLAG(int32_t, members, 64, "forwarded: members of milan (their home), each with a token.");
ABSL_FLAG(double, startup_timeout_seconds, 60,
          "forwarded, postgres: for each node to start, and (forwarded) for the members to "
          "reach paris.");
ABSL_FLAG(
    std::string, work_dir, "",
    "forwarded, postgres: certificates, configs, data and logs (default: a new folder "
    "under /tmp, removed after a successful run). catchup: the source, kept and reused (default: "
    "/tmp/cantine-federation-bench-<uid>).");
ABSL_FLAG(bool, keep_work_dir, false,
          "Keep the work folder after the run (default: forwarded, postgres false; catchup "
          "true).");
// postgres.
ABSL_FLAG(std::string, postgres_bin, "/usr/lib/postgresql/15/bin",
          "postgres: the folder of initdb, pg_ctl, psql and pgbench (Debian's postgresql).");
ABSL_FLAG(std::string, postgres_sql, CANTINE_SOURCE_DIR "/tools/bench/postgres",
          "postgres: the folder of the workload, seats.sql and seats.pgbench.");
// catchup.
ABSL_FLAG(int64_t, entries, 1'000'000, "catchup: member entries the source holds.");
ABSL_FLAG(int64_t, events, 10'000, "catchup: event entries the source holds besides its members.");
ABSL_FLAG(bool, bootstrap, true,
          "catchup: also a fresh node bootstrapping from the source (a bulk load of its "
          "verified log), against the replay of the same entries.");
ABSL_FLAG(bool, restart, true,
          "catchup: also an existing node holding about half the source, stopped and started "
          "again with the source as its peer (it takes the rest at start, as after an outage).");
ABSL_FLAG(bool, destination_bootstrap, false, "Internal.");
ABSL_FLAG(uint64_t, destination_restart_after_seq, 0, "Internal.");
ABSL_FLAG(int32_t, generation_threads, 4, "catchup: threads registering the source's members.");
ABSL_FLAG(std::string, generation_sync, "auto",
          "catchup: sync_writes of the source while it is generated: on, off, or auto (on "
          "unless a 3 s probe projects more than --generation_budget_seconds).");
ABSL_FLAG(double, generation_budget_seconds, 180, "catchup: see --generation_sync=auto.");
ABSL_FLAG(int32_t, verifications, 20'000, "catchup: Ed25519 verifications of the baseline.");
ABSL_FLAG(bool, baselines, true, "catchup: also the stream-only and apply-only phases.");
ABSL_FLAG(double, settle_seconds, 5, "catchup: wait before the second RSS reading.");
ABSL_FLAG(int64_t, bookings_after_catchup, 0,
          "catchup: then this many bookings on the caught-up node (the direct load over --spaces "
          "x --seats x --days, every booking verified) and its RSS holding both; 0: none.");
// propagation.
ABSL_FLAG(double, rate, 200, "propagation: registrations per second at the first node.");
ABSL_FLAG(int32_t, nodes, 5, "propagation: nodes in the line.");
// network.
ABSL_FLAG(int32_t, sites, 100, "network: in-process sites (nodes).");
ABSL_FLAG(int32_t, fan_out, 3, "network: peers each node chooses in the signed directory.");
ABSL_FLAG(int32_t, members_per_site, 5, "network: members registered at each site's desk.");
ABSL_FLAG(int64_t, bookings, 500,
          "network: bookings, each by a member at a venue other than its home.");
ABSL_FLAG(double, convergence_timeout_seconds, 600,
          "network: for the nodes to connect, and to converge after each phase.");
// --mode=catchup_destination, the destination node --mode=catchup starts.
ABSL_FLAG(std::string, destination_dir, "", "Internal.");
ABSL_FLAG(std::string, destination_key_file, "", "Internal.");
ABSL_FLAG(std::string, source_site, "", "Internal.");
ABSL_FLAG(std::string, source_address, "", "Internal.");
ABSL_FLAG(std::string, source_public_key_file, "", "Internal.");
ABSL_FLAG(uint64_t, expected_seq, 0, "Internal.");

namespace cantine::bench {
namespace {

// The flags given on the command line ("--name", "--name=value", "--noname"), so that the
// mode's default applies to those that were not.
std::set<std::string>& GivenFlags() {
  static std::set<std::string> given;
  return given;
}

template <typename T, typename Field>
void Override(const absl::Flag<T>& flag, Field& field) {
  if (GivenFlags().count(std::string(absl::GetFlagReflectionHandle(flag).Name())) > 0) {
    field = static_cast<Field>(absl::GetFlag(flag));
  }
}

// The text of `path`. FAILED_PRECONDITION naming `what` when it cannot be read or is empty.
absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the ", what, " '", path, "'"));
  }
  return text.str();
}

// The options of the flags, or the exit code of bad ones.
absl::StatusOr<BenchOptions> OptionsFromFlags() {
  ASSIGN_OR_RETURN(const Mode mode, ParseMode(absl::GetFlag(FLAGS_mode)));
  BenchOptions o = DefaultOptions(mode);
  Override(FLAGS_threads, o.threads);
  Override(FLAGS_spaces, o.spaces);
  Override(FLAGS_seats, o.seats);
  Override(FLAGS_days, o.days);
  o.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  o.rpc_timeout = absl::Seconds(absl::GetFlag(FLAGS_rpc_timeout_seconds));
  o.node = absl::GetFlag(FLAGS_node);
  const double ceiling_seconds = absl::GetFlag(FLAGS_ceiling_seconds);
  o.ceiling_duration = ceiling_seconds < 0 ? o.duration : absl::Seconds(ceiling_seconds);
  o.max_bookings = absl::GetFlag(FLAGS_max_bookings);
  o.node_pid = absl::GetFlag(FLAGS_rss_pid);
  if (const std::string path = absl::GetFlag(FLAGS_admin_credential_file);
      !path.empty() && mode == Mode::kDirect) {
    // The credential is the file's first line, trimmed.
    ASSIGN_OR_RETURN(const std::string text, ReadFile(path, "admin credential file"));
    o.admin_credential = std::string(absl::StripAsciiWhitespace(text.substr(0, text.find('\n'))));
    if (o.admin_credential.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the admin credential file '", path, "' starts with an empty line"));
    }
  }
  if (const std::string path = absl::GetFlag(FLAGS_ca); !path.empty()) {
    ASSIGN_OR_RETURN(o.ca_pem, ReadFile(path, "CA file"));
    if (o.ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return absl::FailedPreconditionError(
          absl::StrCat("the CA file '", path, "' holds no PEM certificate"));
    }
  }
  o.cantined_path = absl::GetFlag(FLAGS_cantined);
  o.make_certs_path = absl::GetFlag(FLAGS_make_certs);
  o.postgres_bin = absl::GetFlag(FLAGS_postgres_bin);
  o.postgres_sql_dir = absl::GetFlag(FLAGS_postgres_sql);
  o.members = absl::GetFlag(FLAGS_members);
  o.rounds = absl::GetFlag(FLAGS_rounds);
  o.startup_timeout = absl::Seconds(absl::GetFlag(FLAGS_startup_timeout_seconds));
  o.work_dir = absl::GetFlag(FLAGS_work_dir);
  Override(FLAGS_keep_work_dir, o.keep_work_dir);
  o.entries = absl::GetFlag(FLAGS_entries);
  o.events = absl::GetFlag(FLAGS_events);
  o.bootstrap = absl::GetFlag(FLAGS_bootstrap);
  o.restart = absl::GetFlag(FLAGS_restart);
  o.generation_threads = absl::GetFlag(FLAGS_generation_threads);
  const std::string sync = absl::GetFlag(FLAGS_generation_sync);
  if (sync != "auto" && sync != "on" && sync != "off") {
    return absl::InvalidArgumentError("--generation_sync must be on, off or auto");
  }
  o.generation_sync = sync == "on"    ? GenerationSync::kOn
                      : sync == "off" ? GenerationSync::kOff
                                      : GenerationSync::kAuto;
  o.generation_budget = absl::Seconds(absl::GetFlag(FLAGS_generation_budget_seconds));
  o.verifications = absl::GetFlag(FLAGS_verifications);
  o.baselines = absl::GetFlag(FLAGS_baselines);
  o.settle = absl::Seconds(absl::GetFlag(FLAGS_settle_seconds));
  o.bookings_after_catchup = absl::GetFlag(FLAGS_bookings_after_catchup);
  o.rate = absl::GetFlag(FLAGS_rate);
  o.nodes = absl::GetFlag(FLAGS_nodes);
  o.sites = absl::GetFlag(FLAGS_sites);
  o.fan_out = absl::GetFlag(FLAGS_fan_out);
  o.members_per_site = absl::GetFlag(FLAGS_members_per_site);
  o.bookings = absl::GetFlag(FLAGS_bookings);
  o.convergence_timeout = absl::Seconds(absl::GetFlag(FLAGS_convergence_timeout_seconds));
  std::error_code error;
  o.self_path = std::filesystem::read_symlink("/proc/self/exe", error).string();
  const unsigned cores = std::thread::hardware_concurrency();
  o.cores = cores == 0 ? 1 : static_cast<int>(cores);
  if (mode != Mode::kDirect && mode != Mode::kForwarded && mode != Mode::kPostgres &&
      mode != Mode::kNetwork && o.work_dir.empty()) {
    o.work_dir = absl::StrCat("/tmp/cantine-federation-bench-", getuid());
  }
  RETURN_IF_ERROR(ValidateBenchOptions(o));
  return o;
}

int Destination() {
  node::ApplyNodeProcessSettings();  // The destination runs as cantined would.
  return RunDestination({.data_dir = absl::GetFlag(FLAGS_destination_dir),
                         .signing_key_file = absl::GetFlag(FLAGS_destination_key_file),
                         .admin_credential_file = absl::GetFlag(FLAGS_admin_credential_file),
                         .source_site_id = absl::GetFlag(FLAGS_source_site),
                         .source_address = absl::GetFlag(FLAGS_source_address),
                         .source_public_key_file = absl::GetFlag(FLAGS_source_public_key_file),
                         .expected_seq = absl::GetFlag(FLAGS_expected_seq),
                         .bootstrap = absl::GetFlag(FLAGS_destination_bootstrap),
                         .restart_after_seq = absl::GetFlag(FLAGS_destination_restart_after_seq),
                         .settle = absl::Seconds(absl::GetFlag(FLAGS_settle_seconds))});
}

// The booking modes' report, printed; the exit code of its verdict.
template <typename Report>
int Print(const absl::StatusOr<Report>& report) {
  if (!report.ok()) {
    std::cerr << "cantine-bench: " << absl::StatusCodeToString(report.status().code()) << ": "
              << report.status().message() << "\n";
    return absl::IsInvalidArgument(report.status()) ? kExitBadFlags : kExitCannotRun;
  }
  if constexpr (std::is_same_v<Report, DirectReport>) {
    PrintReport(*report, std::cout);
    return VerificationFailed(*report) ? kExitVerificationFailed : 0;
  } else if constexpr (std::is_same_v<Report, VersusPostgresReport>) {
    PrintVersusPostgresReport(*report, std::cout);
    return VersusPostgresFailed(*report) ? kExitVerificationFailed : 0;
  } else {
    PrintForwardingReport(*report, std::cout);
    return ForwardingFailed(*report) ? kExitVerificationFailed : 0;
  }
}

int Federation(const BenchOptions& options) {
  logging::SetMinLogLevel(logging::LogLevel::kWarning);
  std::cout << "cantine-bench --mode=" << absl::GetFlag(FLAGS_mode) << ", "
            << absl::FormatTime(absl::Now()) << ", work folder " << options.work_dir << "\n";
  int exit_code = 0;
  if (options.mode != Mode::kPropagation) {
    absl::StatusOr<CatchupFigures> figures = RunCatchup(options, std::cout);
    if (!figures.ok()) {
      std::cerr << "catch-up: " << figures.status() << "\n";
      exit_code = kExitCannotRun;
    } else if (figures->bookings_after_catchup.has_value() &&
               VerificationFailed(*figures->bookings_after_catchup)) {
      exit_code = kExitVerificationFailed;
    }
  }
  if (options.mode != Mode::kCatchup) {
    if (absl::Status s = RunPropagation(options, std::cout).status(); !s.ok()) {
      std::cerr << "propagation: " << s << "\n";
      exit_code = kExitCannotRun;
    }
  }
  std::error_code error;
  if (!options.keep_work_dir) std::filesystem::remove_all(options.work_dir, error);
  return exit_code;
}

int Network(const BenchOptions& options) {
  logging::SetMinLogLevel(logging::LogLevel::kWarning);
  std::cout << "cantine-bench --mode=network, " << absl::FormatTime(absl::Now()) << "\n";
  absl::StatusOr<NetworkFigures> figures = RunNetwork(options, std::cout);
  if (!figures.ok()) {
    std::cerr << "network: " << figures.status() << "\n";
    return kExitCannotRun;
  }
  // Sites whose writes cannot reach every node: the network it measured does not converge.
  return figures->converged ? 0 : kExitVerificationFailed;
}

int Main() {
  if (absl::GetFlag(FLAGS_mode) == "catchup_destination") return Destination();
  absl::StatusOr<BenchOptions> options = OptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "cantine-bench: " << options.status().message() << "\n";
    return kExitBadFlags;
  }
  switch (options->mode) {
    case Mode::kDirect:
      return Print(RunDirect(*options, std::cerr));
    case Mode::kForwarded:
      return Print(RunForwarded(*options, std::cerr));
    case Mode::kPostgres:
      return Print(RunVersusPostgres(*options, std::cerr));
    case Mode::kNetwork:
      return Network(*options);
    default:
      return Federation(*options);
  }
}

}  // namespace
}  // namespace cantine::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cantine-bench --mode=direct|forwarded|postgres|catchup|propagation|federation|network "
      "[flags]; "
      "see "
      "docs/benchmarks.md");
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) continue;
    arg = arg.substr(0, arg.find('='));
    cantine::bench::GivenFlags().insert(std::string(arg));
    if (absl::ConsumePrefix(&arg, "no")) cantine::bench::GivenFlags().insert(std::string(arg));
  }
  absl::ParseCommandLine(argc, argv);
  return cantine::bench::Main();
}
