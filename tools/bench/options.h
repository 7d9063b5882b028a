#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::bench {

// Exit codes of cantine-bench, for scripts.
inline constexpr int kExitVerificationFailed = 1;  // Ran, and found lost or oversold bookings.
inline constexpr int kExitBadFlags = 2;
inline constexpr int kExitCannotRun = 3;  // The nodes could not be started or reached.

// What a run measures. See docs/benchmarks.md.
enum class Mode {
  kDirect,              // Booking throughput of one running node against its null-RPC ceiling.
  kForwarded,           // Bookings through a forwarding cantined against direct, over TLS.
  kPostgres,            // A cantined's direct bookings against a central PostgreSQL's.
  kCatchup,             // A fresh node catching up from a source, its RSS, an Ed25519 baseline.
  kPropagation,         // Writes readable on every node of a line of in-process nodes.
  kFederation,          // kCatchup then kPropagation.
  kNetwork,             // Convergence and per-node traffic of many in-process sites.
  kCatchupDestination,  // Internal: the destination node of kCatchup, in its own process.
};

// "direct", "forwarded", "postgres", "catchup", "propagation", "federation", "network",
// "catchup_destination".
absl::StatusOr<Mode> ParseMode(absl::string_view name);

// How the catch-up source's member entries are written before the catch-up.
enum class GenerationSync {
  kAuto,  // Synced, unless a probe shows that would take longer than the budget.
  kOn,    // Synced, as a node writes.
  kOff,   // sync_writes=false for the generation phase only.
};

// One bench run, built once from the flags (main.cc, where every field's flag is described)
// or by a test, and validated before anything starts. Fields a mode does not use are ignored.
struct BenchOptions {
  Mode mode = Mode::kDirect;
  // The booking load (direct, forwarded).
  int threads = 16;  // Client threads, each with its own channel to each node.
  int spaces = 8;
  int seats = 4;
  int days = 20;
  absl::Duration duration = absl::Seconds(10);  // Each booking phase; propagation: the load.
  absl::Duration rpc_timeout = absl::Seconds(5);
  // direct: the running node, its admin credential (the secret itself), the network CA (PEM;
  // empty: plaintext) and its pid (0: unknown).
  std::string node;
  std::string admin_credential;
  std::string ca_pem;
  absl::Duration ceiling_duration = absl::Seconds(10);
  int64_t max_bookings = 0;  // 0: no limit.
  int node_pid = 0;
  // forwarded: two cantined started by the bench.
  std::string cantined_path;
  std::string make_certs_path;
  int members = 64;
  int rounds = 1;
  absl::Duration startup_timeout = absl::Seconds(60);
  // postgres: Debian's PostgreSQL binaries and the workload's SQL (tools/bench/postgres).
  std::string postgres_bin = "/usr/lib/postgresql/15/bin";
  std::string postgres_sql_dir;
  // forwarded, postgres, catchup: the work folder (empty: forwarded makes one under /tmp).
  std::string work_dir;
  bool keep_work_dir = false;
  // catchup.
  int64_t entries = 1'000'000;
  int64_t events = 10'000;  // Announced after the members, one entry each.
  // Also a fresh node bootstrapping from the source (federation/seed_bootstrap.h), against
  // the replay of the same entries.
  bool bootstrap = true;
  // Also an existing node that holds about half the source when it stops, started again
  // with the source as its peer: what a site takes after an outage.
  bool restart = true;
  int generation_threads = 4;
  GenerationSync generation_sync = GenerationSync::kAuto;
  absl::Duration generation_budget = absl::Minutes(3);
  int verifications = 20'000;
  bool baselines = true;
  absl::Duration settle = absl::Seconds(5);
  absl::Duration catchup_timeout = absl::Minutes(30);
  // Then this many bookings on the caught-up node, by the direct load over --spaces x --seats
  // x --days (every booking verified), and its RSS read again: a node holding both (0: none).
  int64_t bookings_after_catchup = 0;
  std::string self_path;  // This binary, started again as the destination node.
  // propagation.
  int nodes = 5;
  double rate = 200;
  int cores = 0;  // Of the machine, for the CPU lines.
  // network: in-process sites, each pulling from `fan_out` it chooses in the directory.
  int sites = 100;
  int fan_out = 3;
  int members_per_site = 5;
  int64_t bookings = 500;  // Each by a member at a venue other than its home.
  absl::Duration convergence_timeout = absl::Minutes(10);
};

// The defaults of `mode` where they differ from the struct's: forwarded and postgres run
// enough capacity that slots rarely fill; the federation modes keep their work folder.
BenchOptions DefaultOptions(Mode mode);

// A direct run (RunDirect) with `options`' load against the node this bench started on
// 127.0.0.1:`port`, as process `pid`, whose admin credential is `admin_credential`.
BenchOptions DirectRunAgainst(const BenchOptions& options, int port, std::string admin_credential,
                              int pid);

// INVALID_ARGUMENT naming the flag of the first bad field of the options' mode.
absl::Status ValidateBenchOptions(const BenchOptions& options);

}  // namespace cantine::bench
