#include "tools/bench/report.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace cantine::bench {
namespace {

double PerSecond(int64_t count, absl::Duration wall) {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0;
}

// "client 1.2 s (30%), node 2.0 s (50%), other processes 0.4 s (10%), idle 10% of 4.0
// core-s": shares of the machine's CPU time over the phase.
std::string Cpu(const PhaseTimes& phase, int cores) {
  const double machine = phase.machine_busy.has_value() && phase.machine_idle.has_value()
                             ? absl::ToDoubleSeconds(*phase.machine_busy + *phase.machine_idle)
                             : absl::ToDoubleSeconds(phase.wall) * cores;
  const auto share = [&](double seconds) {
    return absl::StrFormat("%.1f s (%.0f%%)", seconds, 100 * Ratio(seconds, machine));
  };
  const double client = absl::ToDoubleSeconds(phase.client_cpu);
  std::string line = "client " + share(client);
  if (phase.node_cpu.has_value()) {
    const double node = absl::ToDoubleSeconds(*phase.node_cpu);
    line += ", node " + share(node);
    if (phase.machine_busy.has_value()) {
      const double others =
          std::max(0.0, absl::ToDoubleSeconds(*phase.machine_busy) - client - node);
      line += ", other processes " + share(others);
    }
  } else {
    line += ", node unknown (give --rss_pid)";
  }
  if (phase.machine_idle.has_value()) {
    absl::StrAppendFormat(&line, ", idle %.0f%%",
                          100 * Ratio(absl::ToDoubleSeconds(*phase.machine_idle), machine));
  }
  absl::StrAppendFormat(&line, " of %.1f core-s", machine);
  return line;
}

std::string Latency(const LatencySummary& l) {
  return absl::StrFormat("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%d calls)", l.p50_ms, l.p99_ms,
                         l.p999_ms, l.max_ms, l.count);
}

}  // namespace

double BookingToCeilingRatio(const BenchReport& r) {
  return Ratio(PerSecond(r.acknowledged, r.booking.wall),
               PerSecond(r.ceiling_calls, r.ceiling.wall));
}

double AttemptToCeilingRatio(const BenchReport& r) {
  return Ratio(PerSecond(r.acknowledged + r.refused, r.booking.wall),
               PerSecond(r.ceiling_calls, r.ceiling.wall));
}

bool VerificationFailed(const BenchReport& r) {
  return r.oversold_slots != 0 || r.lost_bookings != 0 || r.altered_bookings != 0 ||
         r.availability_mismatches != 0 || r.listing_mismatches != 0 || r.spurious_refusals != 0;
}

void PrintReport(const BenchReport& r, std::ostream& out) {
  const double ceiling_rate = PerSecond(r.ceiling_calls, r.ceiling.wall);
  const double booking_rate = PerSecond(r.acknowledged, r.booking.wall);
  const double refusal_rate = PerSecond(r.refused, r.booking.wall);
  const double attempt_rate = PerSecond(r.acknowledged + r.refused, r.booking.wall);

  out << absl::StrFormat("cantine-bench: node %s (site %s, %s), run %s\n", r.node, r.site_id,
                         r.time_zone, r.run_id);
  out << absl::StrFormat("  %d client threads, one channel (TCP connection) and one member each\n",
                         r.threads);
  if (r.node_is_local) {
    out << absl::StrFormat(
        "  note: the client and the node share this machine's %d cores; every rate below\n"
        "  includes the client's own CPU, and the ceiling is measured the same way\n",
        r.cores);
  }
  out << absl::StrFormat(
      "set-up: %d desk pools of %d seats, %d open days %s..%s x %d slots = %d seat-slots, "
      "%.2f s\n",
      r.spaces, r.seats_per_space, r.open_days, absl::FormatCivilTime(r.first_day),
      absl::FormatCivilTime(r.last_day), r.slots_per_day, r.capacity_seat_slots,
      absl::ToDoubleSeconds(r.setup_wall));

  out << absl::StrFormat("phase 1, null-RPC ceiling (grpc.health.v1.Health/Check), %.1f s:\n",
                         absl::ToDoubleSeconds(r.ceiling.wall));
  out << absl::StrFormat("  calls/s: %.0f  (%d calls, %d errors)\n", ceiling_rate, r.ceiling_calls,
                         r.ceiling_errors);
  out << "  cpu: " << Cpu(r.ceiling, r.cores) << "\n";

  out << absl::StrFormat("phase 2, CreateBooking (1 seat, 1 half-day slot), %.1f s:\n",
                         absl::ToDoubleSeconds(r.booking.wall));
  out << absl::StrFormat(
      "  bookings/s: %.0f  (%d acknowledged; the last at %.2f s; %.1f%% of "
      "the seat-slots)\n",
      booking_rate, r.acknowledged, absl::ToDoubleSeconds(r.last_acknowledgement),
      100 * Ratio(static_cast<double>(r.acknowledged), static_cast<double>(r.capacity_seat_slots)));
  out << absl::StrFormat("  refusals/s: %.0f  (%d FAILED_PRECONDITION, slot full)\n", refusal_rate,
                         r.refused);
  out << absl::StrFormat("  attempts/s: %.0f  (acknowledged + refused)\n", attempt_rate);
  out << absl::StrFormat(
      "  errors: %d  (outcome learnt by retrying the same key: %d, unknown: "
      "%d)\n",
      r.errors, r.resolved, r.unresolved);
  for (const std::string& error : r.first_errors) out << "    " << error << "\n";
  out << "  latency ms, answered:     " << Latency(r.answered_latency) << "\n";
  out << "  latency ms, acknowledged: " << Latency(r.acknowledged_latency) << "\n";
  out << "  latency ms, refused:      " << Latency(r.refused_latency) << "\n";
  out << "  cpu: " << Cpu(r.booking, r.cores) << "\n";

  out << "ratios to the ceiling of this run:\n";
  out << absl::StrFormat("  bookings/s / ceiling calls/s: %.3f  (target >= 0.70)\n",
                         BookingToCeilingRatio(r));
  out << absl::StrFormat("  attempts/s / ceiling calls/s: %.3f\n", AttemptToCeilingRatio(r));

  out << absl::StrFormat("verification, %.1f s, %d slots:\n",
                         absl::ToDoubleSeconds(r.verification_wall), r.slots_checked);
  out << absl::StrFormat("  oversold slots: %d\n", r.oversold_slots);
  out << absl::StrFormat("  lost acknowledged bookings: %d\n", r.lost_bookings);
  out << absl::StrFormat("  altered acknowledged bookings: %d\n", r.altered_bookings);
  out << absl::StrFormat("  availability mismatches: %d\n", r.availability_mismatches);
  out << absl::StrFormat("  listing mismatches: %d\n", r.listing_mismatches);
  out << absl::StrFormat("  refusals of slots left with free seats: %d\n", r.spurious_refusals);
  for (const std::string& problem : r.first_problems) out << "    " << problem << "\n";
  if (r.node_rss_kb.has_value()) {
    out << absl::StrFormat("node RSS (pid %d, VmRSS): %d kB (%.1f MiB)\n", r.node_pid,
                           *r.node_rss_kb, static_cast<double>(*r.node_rss_kb) / 1024);
  }
  out << (VerificationFailed(r) ? "FAILED\n" : "verification passed\n");
}

}  // namespace cantine::bench
