#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tools/bench/latency.h"

namespace cantine::bench {

// Wall and CPU time of one phase. CPU times are of the whole processes over the phase.
struct PhaseTimes {
  absl::Duration wall;
  absl::Duration client_cpu;
  std::optional<absl::Duration> node_cpu;  // When the node's pid is known.
  // The whole machine's, summed over its cores, when /proc/stat is readable.
  std::optional<absl::Duration> machine_busy;
  std::optional<absl::Duration> machine_idle;
};

// Every figure of a run, filled by RunBench and printed by PrintReport.
struct BenchReport {
  // Set-up.
  std::string node;
  std::string site_id;
  std::string time_zone;
  std::string run_id;
  bool node_is_local = false;  // The node's host is a loopback address.
  int cores = 0;               // Of the machine the bench runs on.
  int threads = 0;
  int spaces = 0;
  int seats_per_space = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  int open_days = 0;
  int slots_per_day = 0;
  int64_t capacity_seat_slots = 0;  // spaces x seats x open days x slots per day.
  absl::Duration setup_wall;

  // Phase 1: grpc.health.v1.Health/Check.
  PhaseTimes ceiling;
  int64_t ceiling_calls = 0;
  int64_t ceiling_errors = 0;

  // Phase 2: CreateBooking.
  PhaseTimes booking;
  int64_t acknowledged = 0;
  int64_t refused = 0;     // FAILED_PRECONDITION: the slot is full.
  int64_t errors = 0;      // Any other answer, or none within the deadline.
  int64_t resolved = 0;    // Of the errors, outcomes learnt by retrying the same key.
  int64_t unresolved = 0;  // Of the errors, outcomes still unknown.
  std::vector<std::string> first_errors;
  LatencySummary answered_latency;  // Acknowledged and refused calls.
  LatencySummary acknowledged_latency;
  LatencySummary refused_latency;
  absl::Duration last_acknowledgement;  // From the start of phase 2.

  // Verification.
  absl::Duration verification_wall;
  int64_t slots_checked = 0;
  int64_t oversold_slots = 0;
  int64_t lost_bookings = 0;     // GetBooking of an acknowledged id failed.
  int64_t altered_bookings = 0;  // Answered with another space, slot or state.
  int64_t availability_mismatches = 0;
  int64_t listing_mismatches = 0;
  int64_t spurious_refusals = 0;
  std::vector<std::string> first_problems;

  int node_pid = 0;
  std::optional<int64_t> node_rss_kb;
};

// The ratio the run is judged by: acknowledged bookings per second over the null-RPC
// calls per second of the same run. Zero when the ceiling is zero.
double BookingToCeilingRatio(const BenchReport& report);
// The same for every answered CreateBooking, acknowledged or refused.
double AttemptToCeilingRatio(const BenchReport& report);

// Human-readable, one figure per line.
void PrintReport(const BenchReport& report, std::ostream& out);

// Whether verification found a problem: the bench then exits non-zero.
bool VerificationFailed(const BenchReport& report);

}  // namespace cantine::bench
