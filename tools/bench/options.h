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
  kCatchup,             // A fresh node catching up from a source, its RSS, an Ed25519 baseline.
  kPropagation,         // Writes readable on every node of a line of in-process nodes.
  kFederation,          // kCatchup then kPropagation.
  kCatchupDestination,  // Internal: the destination node of kCatchup, in its own process.
};

// "direct", "forwarded", "catchup", "propagation", "federation", "catchup_destination".
absl::StatusOr<Mode> ParseMode(absl::string_view name);

// How the catch-up source's member entries are written before the catch-up.
enum class GenerationSync {
  kAuto,  // Synced, unless a probe shows that would take longer than the budget.
  kOn,    // Synced, as a node writes.
  kOff,   // sync_writes=false for the generation phase only.
};

// One bench run, built once from the flags (main.cc) or by a test, and validated before
// anything starts. Fields a mode does not use are ignored.
struct BenchOptions {
  Mode mode = Mode::kDirect;

  // The booking load (direct, forwarded).
  int threads = 16;  // Client threads, each with its own channel to each node.
  int spaces = 8;    // Desk pools created for the run (forwarded: 20).
  int seats = 4;     // Seats of each (forwarded: 100).
  int days = 20;     // Calendar days the bookings are spread over (forwarded: 40).
  absl::Duration duration = absl::Seconds(10);    // Each booking phase; propagation: the load.
  absl::Duration rpc_timeout = absl::Seconds(5);  // Deadline of every call.

  // direct: the node, which runs already.
  std::string node;              // host:port of the node.
  std::string admin_credential;  // The secret itself, read from --admin_credential_file.
  // The network CA (PEM), read from --ca: the bench connects with TLS trusting it. Empty:
  // plaintext, to a node started with --insecure.
  std::string ca_pem;
  absl::Duration ceiling_duration = absl::Seconds(10);  // Phase 1, the null-RPC ceiling.
  int64_t max_bookings = 0;  // Phase 2 also ends after this many acknowledged; 0: no limit.
  int node_pid = 0;          // The node's process, for its CPU time and RSS; 0: unknown.

  // forwarded: two cantined started by the bench.
  std::string cantined_path;    // The cantined binary to start twice.
  std::string make_certs_path;  // tools/make-certs, which makes the run's CA and certificates.
  int members = 64;             // Members of the forwarder's site, each with a token.
  // Rounds of one direct and one forwarded phase, in turn direct first and forwarded first
  // (2 rounds: direct, forwarded, forwarded, direct, which cancels a drift of the venue's
  // cost over the run); figures summed per kind.
  int rounds = 1;
  // For each node to start, and for the members to reach the venue.
  absl::Duration startup_timeout = absl::Seconds(60);

  // forwarded and the federation modes: certificates, configs, data folders and logs.
  // forwarded: empty is a new folder under /tmp, removed after a successful run unless
  // keep_work_dir. Federation: empty is /tmp/cantine-federation-bench-<uid>, kept (with
  // the catch-up source, reused by the next run) unless keep_work_dir is false.
  std::string work_dir;
  bool keep_work_dir = false;

  // catchup.
  int64_t entries = 1'000'000;  // Member entries the source holds.
  int generation_threads = 4;   // Threads calling MemberRegistry::Register.
  GenerationSync generation_sync = GenerationSync::kAuto;
  absl::Duration generation_budget = absl::Minutes(3);  // For kAuto.
  int verifications = 20'000;                           // Ed25519 verifications of the baseline.
  bool baselines = true;                                // The stream-only and apply-only phases.
  absl::Duration settle = absl::Seconds(5);             // Before the second RSS reading.
  absl::Duration catchup_timeout = absl::Minutes(30);   // For the destination to catch up.
  std::string self_path;  // This binary, started again as the destination node.

  // propagation.
  int nodes = 5;      // In a line, each pulling from its neighbours.
  double rate = 200;  // Registrations per second at the first node.

  int cores = 0;  // Of the machine, for the CPU lines.
};

// The defaults of `mode` where they differ from the struct's: forwarded runs enough
// capacity that slots rarely fill; the federation modes keep their work folder.
BenchOptions DefaultOptions(Mode mode);

// INVALID_ARGUMENT naming the flag of the first bad field of the options' mode.
absl::Status ValidateBenchOptions(const BenchOptions& options);

// The credential from the first line of `path`, trimmed. FAILED_PRECONDITION when the file
// cannot be read or its first line is empty.
absl::StatusOr<std::string> ReadAdminCredentialFile(const std::string& path);

// The PEM certificates of the CA file `path`. FAILED_PRECONDITION when the file cannot be
// read or holds no PEM certificate.
absl::StatusOr<std::string> ReadCaFile(const std::string& path);

}  // namespace cantine::bench
