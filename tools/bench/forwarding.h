#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tools/bench/latency.h"

namespace cantine::bench {

// cantine-forwarding-bench: booking throughput through a forwarding node against direct
// booking at the venue, in the same run, over TLS. See docs/benchmarks.md, "Forwarded
// bookings (TLS)".

// One run, built once from the flags (forwarding_main.cc) or by a test.
struct ForwardingOptions {
  std::string cantined_path;    // The cantined binary to start twice.
  std::string make_certs_path;  // tools/make-certs, which makes the run's CA and certificates.
  // Certificates, configs, data folders and node logs. Empty: a new folder under /tmp,
  // removed after a successful run unless keep_work_dir.
  std::string work_dir;
  bool keep_work_dir = false;
  int threads = 16;  // Client threads, each with a channel of its own to each node.
  int members = 64;  // Members of the forwarder's site, each with a token.
  int spaces = 20;   // Desk pools created at the venue.
  int seats = 100;   // Seats of each.
  int days = 40;     // Calendar days the bookings are spread over (from two days ahead).
  absl::Duration phase_duration = absl::Seconds(10);  // Each direct and forwarded phase.
  // Rounds of one direct and one forwarded phase, in turn direct first and forwarded
  // first (2 rounds: direct, forwarded, forwarded, direct, which cancels a drift of the
  // venue's cost over the run); figures summed per kind.
  int rounds = 1;
  absl::Duration rpc_timeout = absl::Seconds(5);
  // For each node to start, and for the members to reach the venue.
  absl::Duration startup_timeout = absl::Seconds(60);
};

// INVALID_ARGUMENT naming the flag of the first bad field.
absl::Status ValidateForwardingOptions(const ForwardingOptions& options);

// CPU time used over the phases of one kind, by process, read from /proc.
struct ForwardingCpu {
  absl::Duration client;
  absl::Duration venue;
  absl::Duration forwarder;
  // The whole machine's, summed over its cores, when /proc/stat is readable.
  std::optional<absl::Duration> machine_busy;
  std::optional<absl::Duration> machine_idle;
};

// The phases of one kind (direct or forwarded), summed over the rounds.
struct ModeFigures {
  absl::Duration wall;
  int64_t attempts = 0;      // Bookings asked (first attempts).
  int64_t acknowledged = 0;  // OK, including outcomes learnt by retrying the same key.
  int64_t refused = 0;       // Answered with another code.
  int64_t unanswered = 0;    // First attempts with no answer (deadline, unavailable).
  int64_t resolved = 0;      // Of those, outcomes learnt by retrying the same key.
  int64_t unresolved = 0;    // Of those, outcomes still unknown.
  // Codes of the first attempts that were not OK, answered or not, by name.
  std::map<std::string, int64_t> codes;
  std::vector<std::string> first_errors;
  LatencySummary acknowledged_latency;  // First attempts answered OK.
  LatencySummary answered_latency;      // First attempts answered, whatever the code.
  ForwardingCpu cpu;
};

// One phase, in the order run.
struct PhaseLine {
  int round = 0;
  bool forwarded = false;
  int64_t acknowledged = 0;
  absl::Duration wall;
  ForwardingCpu cpu;
  // After the phase, until the venue had published every booking's receipt and the
  // forwarder held them all (so that no phase pays for the replication of another), and
  // the CPU used meanwhile.
  absl::Duration settle;
  ForwardingCpu settle_cpu;
};

struct ForwardingReport {
  std::string run_id;
  std::string venue_site;
  std::string forwarder_site;
  std::string venue_address;
  std::string forwarder_address;
  std::string time_zone;
  int venue_pid = 0;
  int forwarder_pid = 0;
  int cores = 0;
  int threads = 0;
  int members = 0;
  int spaces = 0;
  int seats_per_space = 0;
  int rounds = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  int open_days = 0;
  int slots_per_day = 0;
  int64_t capacity_seat_slots = 0;
  absl::Duration startup_wall;      // Certificates and both nodes.
  absl::Duration setup_wall;        // Spaces, members and tokens.
  absl::Duration replication_wait;  // Until the venue knew every member and routes worked.

  ModeFigures direct;
  ModeFigures forwarded;
  std::vector<PhaseLine> phases;

  // Verification at the venue, after every phase.
  absl::Duration verification_wall;
  int64_t acknowledged_seats = 0;      // Of every acknowledged booking of both kinds.
  int64_t held_seats = 0;              // GetAvailability: seats_total - seats_free, summed.
  int64_t listed_confirmed_seats = 0;  // ListBookings(space_day): CONFIRMED seats, summed.
  int64_t slots_checked = 0;
  int64_t oversold_slots = 0;
  int64_t lost_bookings = 0;
  int64_t altered_bookings = 0;
  int64_t availability_mismatches = 0;
  int64_t listing_mismatches = 0;
  int64_t spurious_refusals = 0;
  std::vector<std::string> first_problems;
  std::string shutdown_problem;  // Empty when both nodes exited cleanly.
  std::string work_dir;
  bool work_dir_kept = false;
};

// Forwarded bookings/s over direct bookings/s; zero when direct is zero.
double ForwardedToDirectRatio(const ForwardingReport& report);

// Whether verification found a problem (lost, altered or oversold bookings, counts that
// disagree) or a node did not exit cleanly: the bench then exits non-zero.
bool ForwardingFailed(const ForwardingReport& report);

// Human-readable, one figure per line.
void PrintForwardingReport(const ForwardingReport& report, std::ostream& out);

// Makes the certificates, starts both nodes, sets up the venue's desk pools and the
// forwarder's members, runs the phases, verifies at the venue and stops the nodes. Writes
// progress lines to `progress`. Returns the figures even when verification finds problems;
// an error only when the run could not be carried out.
absl::StatusOr<ForwardingReport> RunForwardingBench(const ForwardingOptions& options,
                                                    std::ostream& progress);

}  // namespace cantine::bench
