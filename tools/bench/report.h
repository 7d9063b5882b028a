#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tests/support/proc_stats.h"

namespace cantine::bench {

// The figures of every mode and the one place they are printed: each run prints its figures
// and the ratio to its baseline measured in the same run (the null-RPC ceiling, direct
// bookings, Ed25519 verifications).

// Nearest-rank percentiles of call latencies, in milliseconds.
struct LatencySummary {
  int64_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

// Summarizes latencies given in nanoseconds; all zero for none. Reorders `nanos`.
LatencySummary SummarizeLatencies(std::vector<int64_t>& nanos);

// The bookings of one or more phases of CreateBooking calls, summed over the client threads.
struct BookingFigures {
  absl::Duration wall;
  int64_t attempts = 0;                  // First attempts.
  int64_t acknowledged = 0;              // OK, including outcomes learnt by retrying the same key.
  int64_t refused = 0;                   // FAILED_PRECONDITION: the slot is full.
  int64_t other_refused = 0;             // Answered with another code.
  int64_t errors = 0;                    // First attempts neither OK nor FAILED_PRECONDITION.
  int64_t unanswered = 0;                // First attempts with no answer (deadline, unavailable).
  int64_t resolved = 0;                  // Of those, outcomes learnt by retrying the same key.
  int64_t unresolved = 0;                // Of those, outcomes still unknown.
  std::map<std::string, int64_t> codes;  // Codes of the first attempts not OK, by name.
  std::vector<std::string> first_errors;
  LatencySummary acknowledged_latency;  // First attempts answered OK.
  LatencySummary refused_latency;       // First attempts answered FAILED_PRECONDITION.
  LatencySummary answered_latency;      // Of both.
  LatencySummary all_answered_latency;  // First attempts answered, whatever the code.
  absl::Duration last_acknowledgement;  // From the start of the (last) phase.
  testing::CpuUse cpu;                  // This process, then the nodes' processes.
};

// The verification at the venue after the load: every slot and every acknowledged booking.
struct VerificationFigures {
  absl::Duration wall;
  int64_t slots_checked = 0;
  int64_t oversold_slots = 0;
  int64_t lost_bookings = 0;     // GetBooking of an acknowledged id failed.
  int64_t altered_bookings = 0;  // Answered with another space, slot, member or state.
  int64_t availability_mismatches = 0;
  int64_t listing_mismatches = 0;
  int64_t spurious_refusals = 0;
  int64_t acknowledged_seats = 0;      // Of every acknowledged booking.
  int64_t held_seats = 0;              // GetAvailability: seats_total - seats_free, summed.
  int64_t listed_confirmed_seats = 0;  // ListBookings(space_day): CONFIRMED seats, summed.
  std::vector<std::string> first_problems;
};

// What the load was spread over.
struct LoadShape {
  std::string run_id;
  std::string time_zone;
  int cores = 0;  // Of the machine the bench runs on.
  int threads = 0;
  int spaces = 0;
  int seats_per_space = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  int open_days = 0;
  int slots_per_day = 0;
  int64_t capacity_seat_slots = 0;  // spaces x seats x open days x slots per day.
  absl::Duration setup_wall;
};

// --mode=direct: one node's null-RPC ceiling, then bookings, then verification.
struct DirectReport {
  std::string node;
  std::string site_id;
  bool node_is_local = false;  // The node's host is a loopback address.
  LoadShape shape;
  // Phase 1: grpc.health.v1.Health/Check.
  testing::CpuUse ceiling;
  int64_t ceiling_calls = 0;
  int64_t ceiling_errors = 0;
  BookingFigures booking;  // Phase 2: CreateBooking.
  VerificationFigures verification;
  int node_pid = 0;
  std::optional<int64_t> node_rss_kb;
  std::optional<int64_t> node_peak_rss_kb;  // VmHWM: the most it held since it started.
};

// --mode=forwarded: one phase, in the order run.
struct PhaseLine {
  int round = 0;
  bool forwarded = false;
  int64_t acknowledged = 0;
  testing::CpuUse cpu;  // Over the phase; its wall is the phase's.
  // After the phase, until the venue had published every booking's receipt and the
  // forwarder held them all (so that no phase pays for the replication of another): the
  // CPU used meanwhile, its wall the time it took.
  testing::CpuUse settle_cpu;
};

// --mode=forwarded: direct against forwarded bookings, two real cantined over TLS.
struct ForwardedReport {
  std::string venue_site;
  std::string forwarder_site;
  std::string venue_address;
  std::string forwarder_address;
  int venue_pid = 0;
  int forwarder_pid = 0;
  int members = 0;
  int rounds = 0;
  LoadShape shape;
  absl::Duration startup_wall;      // Certificates and both nodes.
  absl::Duration replication_wait;  // Until the venue knew every member and routes worked.
  BookingFigures direct;            // Its cpu: client, venue, forwarder.
  BookingFigures forwarded;
  std::vector<PhaseLine> phases;
  VerificationFigures verification;  // At the venue, after every phase.
  std::string shutdown_problem;      // Empty when both nodes exited cleanly.
  std::string work_dir;
  bool work_dir_kept = false;
};

// --mode=postgres: the same desk-pool workload on a throwaway PostgreSQL, measured by
// pgbench (one call of book() a booking) and counted in SQL afterwards.
struct PostgresFigures {
  int clients = 0;
  int64_t transactions = 0;  // Calls of book(), booked or refused.
  double tps = 0;            // pgbench's, without the connection time.
  double latency_average_ms = 0;
  int64_t bookings = 0;        // Rows of the booking table.
  int64_t oversold_slots = 0;  // Seat counters past their capacity.
  int64_t seat_mismatch = 0;   // Seats counted minus booking rows.
  testing::CpuUse cpu;         // Over pgbench's run: pgbench and the server are "others".
};

// --mode=postgres: a cantined started by the bench (direct: its ceiling, its bookings, its
// verification), then PostgreSQL on the same workload.
struct VersusPostgresReport {
  DirectReport node;
  PostgresFigures postgres;
  std::string shutdown_problem;  // Empty when the node exited cleanly.
  std::string work_dir;
  bool work_dir_kept = false;
};

// --mode=catchup: the counts its tests check; the rest is printed as it goes.
struct CatchupFigures {
  int64_t source_entries = 0;  // The source's own entries: what the destination must hold.
  int64_t applied = 0;         // The destination's vector at the end.
  int64_t received = 0;        // Entries its peer link received.
  int64_t entries_per_second = 0;
  int64_t verifications_per_second = 0;  // The baseline of the same run.
  int64_t streamed = 0;       // Stream-only phase: entries received (0 without baselines).
  int64_t applied_alone = 0;  // Apply-only phase: entries applied (0 without baselines).
  int64_t caught_up_rss_kb = 0;
  int64_t bootstrap_applied = 0;  // The bootstrapped destination's vector at the end.
  int64_t bootstrap_entries_per_second = 0;
  // The restarted destination: what it held when it stopped, what it took after its start.
  int64_t restart_held = 0;
  int64_t restart_taken = 0;
  int64_t restart_entries_per_second = 0;
  // --bookings_after_catchup: the direct load on the caught-up node.
  std::optional<DirectReport> bookings_after_catchup;
};

// --mode=propagation: the counts its tests check; the rest is printed as it goes.
struct PropagationFigures {
  int64_t asked = 0;
  int64_t acknowledged = 0;
  int64_t unseen = 0;      // Acknowledged but never in the first node's oplog.
  int64_t everywhere = 0;  // Writes timed until every node held them.
  int64_t sampled = 0;     // GetMember reads of a sample on every node,
  int64_t readable = 0;    // and those that answered.
  int64_t received = 0;    // Entries received over all links during the load.
};

// --mode=network: the counts its tests check; the rest is printed as it goes.
struct NetworkFigures {
  int sites = 0;
  int64_t registrations = 0;      // Acknowledged.
  int64_t bookings = 0;           // Acknowledged, each at a venue other than the home.
  int64_t unreachable_pairs = 0;  // (origin, node) pairs no chain of pulls links.
  bool converged = false;         // Every node held every write, digests equal.
  absl::Duration convergence;     // From the last acknowledged booking.
  int max_peers = 0;              // Peers the busiest node pulls from.
  int min_peers = 0;
  std::vector<int64_t> received;       // Per node: entries received during the load.
  std::vector<int64_t> booking_bytes;  // Per node: data folder growth over the bookings.
};

// Acknowledged bookings per second over the null-RPC calls per second of the same run; zero
// when the ceiling is zero.
double BookingToCeilingRatio(const DirectReport& report);
// The same for every answered CreateBooking, acknowledged or refused.
double AttemptToCeilingRatio(const DirectReport& report);
// Forwarded bookings/s over direct bookings/s; zero when direct is zero.
double ForwardedToDirectRatio(const ForwardedReport& report);
// PostgreSQL's bookings per second: its transactions per second times the share that booked.
double PostgresBookingsPerSecond(const PostgresFigures& postgres);
// The node's bookings/s over PostgreSQL's; zero when PostgreSQL booked nothing.
double NodeToPostgresRatio(const VersusPostgresReport& report);

// Whether verification found a problem: the bench then exits non-zero. Forwarded runs also
// fail when the seat totals disagree or a node did not exit cleanly.
bool VerificationFailed(const VerificationFigures& verification);
bool VerificationFailed(const DirectReport& report);
bool ForwardingFailed(const ForwardedReport& report);
// The node's verification failed, it did not exit cleanly, or PostgreSQL oversold or lost.
bool VersusPostgresFailed(const VersusPostgresReport& report);

// Human-readable, one figure per line.
void PrintReport(const DirectReport& report, std::ostream& out);
void PrintForwardingReport(const ForwardedReport& report, std::ostream& out);
void PrintVersusPostgresReport(const VersusPostgresReport& report, std::ostream& out);

// The federation modes print as they go, one figure a line: "  label ........ value".
void Figure(std::ostream& out, absl::string_view label, absl::string_view value);

// Events per second; 0 for a zero or negative duration.
double PerSecond(int64_t count, absl::Duration elapsed);
// The same, rounded.
int64_t Rate(int64_t count, absl::Duration elapsed);
// "1,234,567".
std::string Thousands(int64_t value);
// "12.345 s", "4.56 ms", "789.0 us": a fitting unit.
std::string Human(absl::Duration d);
// "512.0 MiB" from kB.
std::string MiB(int64_t kb);
// The smallest of `values` with at least `fraction` (0..1) of them at or below it (nearest
// rank); reorders `values`. Zero when empty.
template <typename T>
T NearestRank(std::vector<T>& values, double fraction) {
  if (values.empty()) return T();
  const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  const size_t index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}
// "this process 1.2 core-s, child 0.8 core-s, others 0.3 core-s; machine 95% busy of 2
// cores over 1.2 s" between two snapshots (the child: the first pid they read, if any).
std::string DescribeCpu(const testing::CpuSnapshot& start, const testing::CpuSnapshot& end,
                        int cores);

}  // namespace cantine::bench
