#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cantine::fedbench {

// How the source's member entries are written before the catch-up.
enum class GenerationSync {
  kAuto,  // Synced, unless a probe shows that would take longer than the budget.
  kOn,    // Synced, as a node writes.
  kOff,   // sync_writes=false for the generation phase only.
};

struct CatchupOptions {
  int64_t entries = 1'000'000;  // Member entries the source holds.
  int generation_threads = 4;   // Threads calling MemberRegistry::Register.
  GenerationSync generation_sync = GenerationSync::kAuto;
  absl::Duration generation_budget = absl::Minutes(3);  // For kAuto.
  int verifications = 20'000;                           // Ed25519 verifications of the baseline.
  // Holds source/ (kept and reused by later runs when it has enough entries),
  // destination/ and apply-only/.
  std::string work_dir;
  // This binary, started again as the destination node in its own process.
  std::string self_path;
  bool baselines = true;                       // The stream-only and apply-only phases.
  absl::Duration settle = absl::Seconds(5);    // Before the second RSS reading.
  absl::Duration timeout = absl::Minutes(30);  // For the destination to catch up.
  int cores = 0;                               // Of the machine, for the CPU lines.
};

// Builds (or reuses) the source, serves it on 127.0.0.1:0, catches a fresh node up in a child
// process and prints the figures: catch-up rate, Ed25519 baseline and ratio, where the time
// goes (stream only, apply only with a breakdown) and the destination's RSS.
absl::Status RunCatchup(const CatchupOptions& options, std::ostream& out);

// The destination node, in the child process.
struct DestinationOptions {
  std::string data_dir;
  std::string signing_key_file;
  std::string admin_credential_file;
  std::string source_site_id;
  std::string source_address;
  std::string source_public_key_file;
  uint64_t expected_seq = 0;  // Caught up when its vector holds the source up to this.
  absl::Duration settle = absl::Seconds(5);
};

// Starts a real node (services/node) on an empty folder, adds the source as its peer and
// reports on stdout, one "word key=value..." line each: started, progress, caught_up,
// settled, or error. Then waits for stdin to close and shuts down. Returns the exit code.
int RunDestination(const DestinationOptions& options);

}  // namespace cantine::fedbench
