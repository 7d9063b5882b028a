#include "tools/bench/report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cantine::bench {
namespace {

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0;
}

std::optional<absl::Duration> Process(const testing::CpuUse& cpu, size_t i) {
  return i < cpu.processes.size() ? cpu.processes[i] : std::nullopt;
}

// "client 1.2 s (30%), node 2.0 s (50%), other processes 0.4 s (10%), idle 0.4 s (10%) of
// 4.0 core-s": shares of the machine's CPU time over a phase. `names` are those of
// cpu.processes; one unknown is printed "unknown (give --rss_pid)".
std::string CpuShares(const testing::CpuUse& cpu, const std::vector<std::string>& names,
                      int cores) {
  const double machine = cpu.machine_busy.has_value() && cpu.machine_idle.has_value()
                             ? absl::ToDoubleSeconds(*cpu.machine_busy + *cpu.machine_idle)
                             : absl::ToDoubleSeconds(cpu.wall) * std::max(1, cores);
  const auto share = [&](absl::Duration d) {
    const double seconds = absl::ToDoubleSeconds(d);
    return absl::StrFormat("%.1f s (%.0f%%)", seconds, 100 * Ratio(seconds, machine));
  };
  std::string line = "client " + share(cpu.self);
  absl::Duration others = cpu.machine_busy.value_or(absl::ZeroDuration()) - cpu.self;
  bool all_known = true;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::optional<absl::Duration> used = Process(cpu, i);
    absl::StrAppend(&line, ", ", names[i], " ",
                    used.has_value() ? share(*used) : "unknown (give --rss_pid)");
    all_known = all_known && used.has_value();
    others -= used.value_or(absl::ZeroDuration());
  }
  if (cpu.machine_busy.has_value() && all_known) {
    absl::StrAppend(&line, ", other processes ", share(std::max(absl::ZeroDuration(), others)));
  }
  if (cpu.machine_idle.has_value()) absl::StrAppend(&line, ", idle ", share(*cpu.machine_idle));
  absl::StrAppendFormat(&line, " of %.1f core-s", machine);
  return line;
}

// "0.796 ms": CPU per acknowledged booking.
std::string PerBooking(std::optional<absl::Duration> cpu, int64_t acknowledged) {
  if (acknowledged <= 0 || !cpu.has_value()) return "-";
  return absl::StrFormat("%.3f ms",
                         1000 * absl::ToDoubleSeconds(*cpu) / static_cast<double>(acknowledged));
}

std::string Latency(const LatencySummary& l) {
  return absl::StrFormat("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%d calls)", l.p50_ms, l.p99_ms,
                         l.p999_ms, l.max_ms, l.count);
}

// "8 desk pools of 4 seats[ at paris], 14 open days 2026-12-01..2026-12-20 x 2 slots = 896
// seat-slots".
std::string Shape(const LoadShape& s, absl::string_view where) {
  return absl::StrFormat(
      "%d desk pools of %d seats%s, %d open days %s..%s x %d slots = %d seat-slots", s.spaces,
      s.seats_per_space, where, s.open_days, absl::FormatCivilTime(s.first_day),
      absl::FormatCivilTime(s.last_day), s.slots_per_day, s.capacity_seat_slots);
}

void PrintVerificationCounts(const VerificationFigures& v, std::ostream& out) {
  out << absl::StrFormat("  oversold slots: %d\n", v.oversold_slots);
  out << absl::StrFormat("  lost acknowledged bookings: %d\n", v.lost_bookings);
  out << absl::StrFormat("  altered acknowledged bookings: %d\n", v.altered_bookings);
  out << absl::StrFormat("  availability mismatches: %d\n", v.availability_mismatches);
  out << absl::StrFormat("  listing mismatches: %d\n", v.listing_mismatches);
  out << absl::StrFormat("  refusals of slots left with free seats: %d\n", v.spurious_refusals);
  for (const std::string& problem : v.first_problems) out << "    " << problem << "\n";
}

// "paris 0.796 ms, milan 0.104 ms, client 0.165 ms": CPU per acknowledged booking.
std::string PerBookingCpu(const ForwardedReport& r, const testing::CpuUse& cpu,
                          int64_t acknowledged) {
  return absl::StrCat(r.venue_site, " ", PerBooking(Process(cpu, 0), acknowledged), ", ",
                      r.forwarder_site, " ", PerBooking(Process(cpu, 1), acknowledged), ", client ",
                      PerBooking(cpu.self, acknowledged));
}

// "1190 bookings/s (23807 in 20.0 s); cpu per booking: paris 0.796 ms, milan 0.104 ms,
// client 0.165 ms; settled in ...".
std::string DescribePhase(const ForwardedReport& r, const PhaseLine& line) {
  const auto settle = [&](size_t i) {
    return absl::ToDoubleSeconds(Process(line.settle_cpu, i).value_or(absl::ZeroDuration()));
  };
  return absl::StrFormat(
      "%.0f bookings/s (%d in %.1f s); cpu per booking: %s; settled in %.2f s (%s %.2f core-s, "
      "%s %.2f core-s)",
      PerSecond(line.acknowledged, line.cpu.wall), line.acknowledged,
      absl::ToDoubleSeconds(line.cpu.wall), PerBookingCpu(r, line.cpu, line.acknowledged),
      absl::ToDoubleSeconds(line.settle_cpu.wall), r.venue_site, settle(0), r.forwarder_site,
      settle(1));
}

void PrintMode(const ForwardedReport& r, const BookingFigures& m, absl::string_view title,
               std::ostream& out) {
  out << absl::StrFormat("%s, %.1f s over %d round(s):\n", title, absl::ToDoubleSeconds(m.wall),
                         r.rounds);
  out << absl::StrFormat("  bookings/s: %.0f  (%d acknowledged of %d asked)\n",
                         PerSecond(m.acknowledged, m.wall), m.acknowledged, m.attempts);
  std::vector<std::string> codes;
  for (const auto& [code, count] : m.codes) codes.push_back(absl::StrCat(code, " ", count));
  out << absl::StrFormat("  refused: %d; not OK by code: %s\n", m.refused + m.other_refused,
                         codes.empty() ? "none" : absl::StrJoin(codes, ", "));
  out << absl::StrFormat(
      "  unanswered: %d  (outcome learnt by retrying the same key: %d, unknown: %d)\n",
      m.unanswered, m.resolved, m.unresolved);
  for (const std::string& error : m.first_errors) out << "    " << error << "\n";
  out << "  latency ms, acknowledged: " << Latency(m.acknowledged_latency) << "\n";
  out << "  latency ms, answered:     " << Latency(m.all_answered_latency) << "\n";
  out << "  cpu: " << CpuShares(m.cpu, {r.venue_site, r.forwarder_site}, r.shape.cores) << "\n";
  const absl::Duration all_three = Process(m.cpu, 0).value_or(absl::ZeroDuration()) +
                                   Process(m.cpu, 1).value_or(absl::ZeroDuration()) + m.cpu.self;
  out << "  cpu per acknowledged booking: " << PerBookingCpu(r, m.cpu, m.acknowledged)
      << ", all three " << PerBooking(all_three, m.acknowledged) << "\n";
}

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

}  // namespace

LatencySummary SummarizeLatencies(std::vector<int64_t>& nanos) {
  LatencySummary summary;
  if (nanos.empty()) return summary;
  summary.count = static_cast<int64_t>(nanos.size());
  summary.p50_ms = Millis(NearestRank(nanos, 0.50));
  summary.p99_ms = Millis(NearestRank(nanos, 0.99));
  summary.p999_ms = Millis(NearestRank(nanos, 0.999));
  summary.max_ms = Millis(*std::max_element(nanos.begin(), nanos.end()));
  return summary;
}

double PerSecond(int64_t count, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

int64_t Rate(int64_t count, absl::Duration elapsed) {
  return static_cast<int64_t>(std::llround(PerSecond(count, elapsed)));
}

double BookingToCeilingRatio(const DirectReport& r) {
  return Ratio(PerSecond(r.booking.acknowledged, r.booking.wall),
               PerSecond(r.ceiling_calls, r.ceiling.wall));
}

double AttemptToCeilingRatio(const DirectReport& r) {
  return Ratio(PerSecond(r.booking.acknowledged + r.booking.refused, r.booking.wall),
               PerSecond(r.ceiling_calls, r.ceiling.wall));
}

double ForwardedToDirectRatio(const ForwardedReport& r) {
  return Ratio(PerSecond(r.forwarded.acknowledged, r.forwarded.wall),
               PerSecond(r.direct.acknowledged, r.direct.wall));
}

double PostgresBookingsPerSecond(const PostgresFigures& p) {
  return p.tps * Ratio(static_cast<double>(p.bookings), static_cast<double>(p.transactions));
}

double NodeToPostgresRatio(const VersusPostgresReport& r) {
  return Ratio(PerSecond(r.node.booking.acknowledged, r.node.booking.wall),
               PostgresBookingsPerSecond(r.postgres));
}

bool VerificationFailed(const VerificationFigures& v) {
  return v.oversold_slots != 0 || v.lost_bookings != 0 || v.altered_bookings != 0 ||
         v.availability_mismatches != 0 || v.listing_mismatches != 0 || v.spurious_refusals != 0;
}

bool VerificationFailed(const DirectReport& r) { return VerificationFailed(r.verification); }

bool VersusPostgresFailed(const VersusPostgresReport& r) {
  return VerificationFailed(r.node) || !r.shutdown_problem.empty() ||
         r.postgres.oversold_slots != 0 || r.postgres.seat_mismatch != 0;
}

bool ForwardingFailed(const ForwardedReport& r) {
  const VerificationFigures& v = r.verification;
  return VerificationFailed(v) || v.acknowledged_seats != v.held_seats ||
         v.acknowledged_seats != v.listed_confirmed_seats || !r.shutdown_problem.empty();
}

void PrintReport(const DirectReport& r, std::ostream& out) {
  const BookingFigures& b = r.booking;
  const LoadShape& s = r.shape;
  out << absl::StrFormat("cantine-bench: node %s (site %s, %s), run %s\n", r.node, r.site_id,
                         s.time_zone, s.run_id);
  out << absl::StrFormat(
      "  %d clients, each one channel (TCP connection), one member and one call in flight, "
      "served by %d threads\n",
      s.threads, std::clamp(s.cores, 1, std::max(1, s.threads)));
  if (r.node_is_local) {
    out << absl::StrFormat(
        "  note: the client and the node share this machine's %d cores; every rate below\n"
        "  includes the client's own CPU, and the ceiling is measured the same way\n",
        s.cores);
  }
  out << absl::StrFormat("set-up: %s, %.2f s\n", Shape(s, ""), absl::ToDoubleSeconds(s.setup_wall));

  out << absl::StrFormat("phase 1, null-RPC ceiling (grpc.health.v1.Health/Check), %.1f s:\n",
                         absl::ToDoubleSeconds(r.ceiling.wall));
  out << absl::StrFormat("  calls/s: %.0f  (%d calls, %d errors)\n",
                         PerSecond(r.ceiling_calls, r.ceiling.wall), r.ceiling_calls,
                         r.ceiling_errors);
  out << "  cpu: " << CpuShares(r.ceiling, {"node"}, s.cores) << "\n";

  out << absl::StrFormat("phase 2, CreateBooking (1 seat, 1 half-day slot), %.1f s:\n",
                         absl::ToDoubleSeconds(b.wall));
  out << absl::StrFormat(
      "  bookings/s: %.0f  (%d acknowledged; the last at %.2f s; %.1f%% of the seat-slots)\n",
      PerSecond(b.acknowledged, b.wall), b.acknowledged,
      absl::ToDoubleSeconds(b.last_acknowledgement),
      100 * Ratio(static_cast<double>(b.acknowledged), static_cast<double>(s.capacity_seat_slots)));
  out << absl::StrFormat("  refusals/s: %.0f  (%d FAILED_PRECONDITION, slot full)\n",
                         PerSecond(b.refused, b.wall), b.refused);
  out << absl::StrFormat("  attempts/s: %.0f  (acknowledged + refused)\n",
                         PerSecond(b.acknowledged + b.refused, b.wall));
  out << absl::StrFormat(
      "  errors: %d  (outcome learnt by retrying the same key: %d, unknown: %d)\n", b.errors,
      b.resolved, b.unresolved);
  for (const std::string& error : b.first_errors) out << "    " << error << "\n";
  out << "  latency ms, answered:     " << Latency(b.answered_latency) << "\n";
  out << "  latency ms, acknowledged: " << Latency(b.acknowledged_latency) << "\n";
  out << "  latency ms, refused:      " << Latency(b.refused_latency) << "\n";
  out << "  cpu: " << CpuShares(b.cpu, {"node"}, s.cores) << "\n";

  out << "ratios to the ceiling of this run:\n";
  out << absl::StrFormat("  bookings/s / ceiling calls/s: %.3f  (target >= 0.50)\n",
                         BookingToCeilingRatio(r));
  out << absl::StrFormat("  attempts/s / ceiling calls/s: %.3f\n", AttemptToCeilingRatio(r));

  out << absl::StrFormat("verification, %.1f s, %d slots:\n",
                         absl::ToDoubleSeconds(r.verification.wall), r.verification.slots_checked);
  PrintVerificationCounts(r.verification, out);
  if (r.node_rss_kb.has_value()) {
    out << absl::StrFormat("node RSS (pid %d, VmRSS): %d kB (%.1f MiB)\n", r.node_pid,
                           *r.node_rss_kb, static_cast<double>(*r.node_rss_kb) / 1024);
  }
  if (r.node_peak_rss_kb.has_value()) {
    out << absl::StrFormat("node peak RSS (VmHWM): %d kB (%.1f MiB)\n", *r.node_peak_rss_kb,
                           static_cast<double>(*r.node_peak_rss_kb) / 1024);
  }
  out << (VerificationFailed(r) ? "FAILED\n" : "verification passed\n");
}

void PrintForwardingReport(const ForwardedReport& r, std::ostream& out) {
  const LoadShape& s = r.shape;
  out << absl::StrFormat("cantine-bench --mode=forwarded, run %s\n", s.run_id);
  out << absl::StrFormat("  venue %s at %s (pid %d), forwarder %s at %s (pid %d): real cantined\n",
                         r.venue_site, r.venue_address, r.venue_pid, r.forwarder_site,
                         r.forwarder_address, r.forwarder_pid);
  out << "  processes; public ports TLS (clients trust the run's CA), federation ports mutual "
         "TLS\n";
  out << absl::StrFormat(
      "  %d clients, each with its own connection to each node; %d members of %s with "
      "tokens, booking for themselves\n",
      s.threads, r.members, r.forwarder_site);
  out << absl::StrFormat(
      "  note: the client and both nodes share this machine's %d cores; every rate includes "
      "the client's own CPU\n",
      s.cores);
  out << absl::StrFormat("set-up: %s; nodes %.2f s, set-up %.2f s, replication %.2f s\n",
                         Shape(s, absl::StrCat(" at ", r.venue_site)),
                         absl::ToDoubleSeconds(r.startup_wall), absl::ToDoubleSeconds(s.setup_wall),
                         absl::ToDoubleSeconds(r.replication_wait));
  PrintMode(
      r, r.direct,
      absl::StrCat("direct: CreateBooking at ", r.venue_site, " (site_id ", r.venue_site, ")"),
      out);
  PrintMode(r, r.forwarded,
            absl::StrCat("forwarded: CreateBooking at ", r.forwarder_site, " (site_id ",
                         r.venue_site, "), forwarded to ", r.venue_site),
            out);
  out << "phases in the order run:\n";
  for (const PhaseLine& line : r.phases) {
    out << absl::StrFormat("  round %d %-9s ", line.round, line.forwarded ? "forwarded" : "direct")
        << DescribePhase(r, line) << "\n";
  }
  const double ratio = ForwardedToDirectRatio(r);
  out << absl::StrFormat("ratio forwarded / direct bookings/s: %.3f  (target >= 0.80: %s)\n", ratio,
                         ratio >= 0.8 ? "met" : "MISSED");
  const VerificationFigures& v = r.verification;
  out << absl::StrFormat("verification at %s, %.1f s, %d slots:\n", r.venue_site,
                         absl::ToDoubleSeconds(v.wall), v.slots_checked);
  out << absl::StrFormat(
      "  seats acknowledged %d (direct %d + forwarded %d), held (GetAvailability) %d, listed "
      "CONFIRMED (ListBookings) %d\n",
      v.acknowledged_seats, r.direct.acknowledged, r.forwarded.acknowledged, v.held_seats,
      v.listed_confirmed_seats);
  PrintVerificationCounts(v, out);
  if (!r.shutdown_problem.empty()) out << "  node shutdown: " << r.shutdown_problem << "\n";
  if (r.work_dir_kept) out << "work folder kept: " << r.work_dir << "\n";
  out << (ForwardingFailed(r) ? "FAILED\n" : "verification passed\n");
}

void Figure(std::ostream& out, absl::string_view label, absl::string_view value) {
  constexpr size_t kColumn = 58;
  std::string padded = absl::StrCat("  ", label, " ");
  if (padded.size() < kColumn) padded.append(kColumn - padded.size(), '.');
  out << padded << " " << value << "\n";
}

std::string Thousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? absl::StrCat("-", out) : out;
}

std::string Human(absl::Duration d) {
  const double seconds = absl::ToDoubleSeconds(d);
  if (std::abs(seconds) >= 1) return absl::StrFormat("%.3f s", seconds);
  if (std::abs(seconds) >= 1e-3) return absl::StrFormat("%.2f ms", seconds * 1e3);
  return absl::StrFormat("%.1f us", seconds * 1e6);
}

std::string MiB(int64_t kb) { return absl::StrFormat("%.1f MiB", static_cast<double>(kb) / 1024); }

std::string DescribeCpu(const testing::CpuSnapshot& start, const testing::CpuSnapshot& end,
                        int cores) {
  const testing::CpuUse use = testing::CpuBetween(start, end);
  const absl::Duration child = Process(use, 0).value_or(absl::ZeroDuration());
  const absl::Duration busy = use.machine_busy.value_or(absl::ZeroDuration());
  const double total =
      absl::ToDoubleSeconds(busy + use.machine_idle.value_or(absl::ZeroDuration()));
  std::string text = absl::StrFormat("this process %.2f core-s", absl::ToDoubleSeconds(use.self));
  if (child > absl::ZeroDuration()) {
    absl::StrAppendFormat(&text, ", child %.2f core-s", absl::ToDoubleSeconds(child));
  }
  absl::StrAppendFormat(&text, ", others %.2f core-s; machine %.0f%% busy of %d cores over %.2f s",
                        std::max(0.0, absl::ToDoubleSeconds(busy - use.self - child)),
                        100 * Ratio(absl::ToDoubleSeconds(busy), total), cores,
                        absl::ToDoubleSeconds(use.wall));
  return text;
}

void PrintVersusPostgresReport(const VersusPostgresReport& r, std::ostream& out) {
  PrintReport(r.node, out);
  if (!r.shutdown_problem.empty()) out << "node shutdown: " << r.shutdown_problem << "\n";
  const PostgresFigures& p = r.postgres;
  out << absl::StrFormat(
      "postgresql (throwaway, Unix socket, synchronous_commit on), pgbench, %d clients, the same "
      "desk pools, %.1f s:\n",
      p.clients, absl::ToDoubleSeconds(p.cpu.wall));
  out << absl::StrFormat("  bookings/s: %.0f  (%d bookings of %d calls of book(); tps %.0f)\n",
                         PostgresBookingsPerSecond(p), p.bookings, p.transactions, p.tps);
  out << absl::StrFormat("  latency ms, average: %.2f\n", p.latency_average_ms);
  out << "  cpu: " << CpuShares(p.cpu, {}, r.node.shape.cores)
      << "  (client: this bench, idle; other processes: pgbench and the server)\n";
  out << absl::StrFormat("  oversold slots: %d\n", p.oversold_slots);
  out << absl::StrFormat("  seats counted minus booking rows: %d\n", p.seat_mismatch);
  out << "side by side:\n";
  out << absl::StrFormat("  node bookings/s / postgresql bookings/s: %.3f  (target >= 1.20)\n",
                         NodeToPostgresRatio(r));
  out << absl::StrFormat("  node bookings/s / its null-RPC ceiling: %.3f  (target >= 0.50)\n",
                         BookingToCeilingRatio(r.node));
  if (r.work_dir_kept) out << "work folder kept: " << r.work_dir << "\n";
  out << (VersusPostgresFailed(r) ? "FAILED\n" : "verification passed\n");
}

}  // namespace cantine::bench
