// The pure logic of cantine-bench (tools/bench): the booking window, latencies, slot tallies
// and verdicts, options of every mode, and the reports' figures and ratios.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/options.h"
#include "tools/bench/report.h"

namespace cantine::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::TimeOfDay At(int hours) {
  v1::TimeOfDay t;
  t.set_hours(hours);
  return t;
}

// Paris's policy: open Monday to Friday, 09-13 and 14-19, 90 days ahead.
v1::SitePolicy WeekdayPolicy() {
  v1::SitePolicy policy;
  for (v1::Weekday day : {v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY, v1::WEEKDAY_WEDNESDAY,
                          v1::WEEKDAY_THURSDAY, v1::WEEKDAY_FRIDAY}) {
    policy.add_open_weekdays(day);
  }
  v1::HalfDaySlot* morning = policy.add_half_day_slots();
  morning->set_name("morning");
  *morning->mutable_start_time() = At(9);
  *morning->mutable_end_time() = At(13);
  v1::HalfDaySlot* afternoon = policy.add_half_day_slots();
  afternoon->set_name("afternoon");
  *afternoon->mutable_start_time() = At(14);
  *afternoon->mutable_end_time() = At(19);
  policy.set_booking_horizon_days(90);
  return policy;
}

constexpr absl::CivilDay kFriday(2026, 11, 27);

// ---- The booking window ----

TEST(BookingWindowTest, KeepsOnlyOpenDaysFromTheLead) {
  absl::StatusOr<BookingWindow> window = BookingWindow::Make(WeekdayPolicy(), kFriday, 2, 7);
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_EQ(window->first_day(), absl::CivilDay(2026, 11, 29));  // A Sunday.
  EXPECT_EQ(window->last_day(), absl::CivilDay(2026, 12, 5));    // A Saturday.
  EXPECT_THAT(window->open_days(),
              ElementsAre(absl::CivilDay(2026, 11, 30), absl::CivilDay(2026, 12, 1),
                          absl::CivilDay(2026, 12, 2), absl::CivilDay(2026, 12, 3),
                          absl::CivilDay(2026, 12, 4)));
  EXPECT_EQ(window->slots_per_day(), 2);
  EXPECT_EQ(window->OpenDayIndex(absl::CivilDay(2026, 11, 29)), -1);
  EXPECT_EQ(window->OpenDayIndex(absl::CivilDay(2026, 12, 2)), 2);
  EXPECT_EQ(window->OpenDayIndex(absl::CivilDay(2026, 12, 7)), -1);  // After the window.
}

TEST(BookingWindowTest, SlotTimesComeFromThePolicy) {
  absl::StatusOr<BookingWindow> window = BookingWindow::Make(WeekdayPolicy(), kFriday, 2, 7);
  ASSERT_TRUE(window.ok());
  const v1::CivilDateTime start = window->SlotStart(1, 1);
  const v1::CivilDateTime end = window->SlotEnd(1, 1);
  EXPECT_EQ(start.year(), 2026);
  EXPECT_EQ(start.month(), 12);
  EXPECT_EQ(start.day(), 1);
  EXPECT_EQ(start.hours(), 14);
  EXPECT_EQ(end.day(), 1);
  EXPECT_EQ(end.hours(), 19);
}

TEST(BookingWindowTest, AnEndAtMidnightIsTheNextDay) {
  v1::SitePolicy policy = WeekdayPolicy();
  *policy.mutable_half_day_slots(1)->mutable_end_time() = At(24);
  absl::StatusOr<BookingWindow> window = BookingWindow::Make(policy, kFriday, 2, 7);
  ASSERT_TRUE(window.ok());
  const v1::CivilDateTime end = window->SlotEnd(0, 1);
  EXPECT_EQ(end.day(), 1);
  EXPECT_EQ(end.month(), 12);
  EXPECT_EQ(end.hours(), 0);
}

TEST(BookingWindowTest, RefusesWindowsBeyondTheHorizon) {
  EXPECT_TRUE(BookingWindow::Make(WeekdayPolicy(), kFriday, 2, 89).ok());
  absl::StatusOr<BookingWindow> too_far = BookingWindow::Make(WeekdayPolicy(), kFriday, 2, 90);
  EXPECT_TRUE(absl::IsInvalidArgument(too_far.status()));
  EXPECT_THAT(std::string(too_far.status().message()), HasSubstr("at most 89 days"));
}

TEST(BookingWindowTest, RefusesAWindowWithNoOpenDay) {
  // Sunday 2026-11-29 alone.
  EXPECT_TRUE(
      absl::IsInvalidArgument(BookingWindow::Make(WeekdayPolicy(), kFriday, 2, 1).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(BookingWindow::Make(WeekdayPolicy(), kFriday, 0, 5).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(BookingWindow::Make(v1::SitePolicy(), kFriday, 2, 5).status()));
}

// ---- Latencies ----

TEST(LatencyTest, NearestRankPercentiles) {
  std::vector<int64_t> nanos;
  for (int64_t ms = 1000; ms >= 1; --ms) nanos.push_back(ms * 1'000'000);
  const LatencySummary summary = SummarizeLatencies(nanos);
  EXPECT_EQ(summary.count, 1000);
  EXPECT_DOUBLE_EQ(summary.p50_ms, 500);
  EXPECT_DOUBLE_EQ(summary.p99_ms, 990);
  EXPECT_DOUBLE_EQ(summary.p999_ms, 999);
  EXPECT_DOUBLE_EQ(summary.max_ms, 1000);
}

TEST(LatencyTest, OneOrNoSample) {
  std::vector<int64_t> none;
  EXPECT_EQ(SummarizeLatencies(none).count, 0);
  std::vector<int64_t> one = {2'500'000};
  const LatencySummary summary = SummarizeLatencies(one);
  EXPECT_DOUBLE_EQ(summary.p50_ms, 2.5);
  EXPECT_DOUBLE_EQ(summary.p999_ms, 2.5);
}

// ---- Slot tallies and verdicts ----

TEST(SlotTallyTest, MergesCellByCell) {
  SlotTally a(2, 3, 2);
  SlotTally b(2, 3, 2);
  a.at(1, 2, 1).acknowledged_seats = 2;
  b.at(1, 2, 1).acknowledged_seats = 1;
  b.at(1, 2, 1).refusals = 4;
  b.at(0, 0, 0).refusals = 1;
  a.Merge(b);
  EXPECT_EQ(a.at(1, 2, 1).acknowledged_seats, 3);
  EXPECT_EQ(a.at(1, 2, 1).refusals, 4);
  EXPECT_EQ(a.at(0, 0, 0).refusals, 1);
  EXPECT_EQ(a.at(0, 2, 1).acknowledged_seats, 0);
}

SlotEvidence Consistent(int32_t capacity, int32_t held) {
  SlotEvidence e;
  e.capacity = capacity;
  e.bench.acknowledged_seats = held;
  e.reported = true;
  e.seats_total = capacity;
  e.seats_free = capacity - held;
  e.listed_confirmed_seats = held;
  return e;
}

TEST(JudgeSlotTest, ConsistentSlotsPass) {
  for (int32_t held : {0, 2, 4}) {
    const SlotVerdict verdict = JudgeSlot(Consistent(4, held));
    EXPECT_FALSE(verdict.oversold || verdict.availability_mismatch || verdict.listing_mismatch ||
                 verdict.spurious_refusal)
        << held;
  }
  SlotEvidence full = Consistent(4, 4);
  full.bench.refusals = 10;
  EXPECT_FALSE(JudgeSlot(full).spurious_refusal);
}

TEST(JudgeSlotTest, AnyAccountAboveCapacityIsOversold) {
  SlotEvidence acknowledged = Consistent(4, 4);
  acknowledged.bench.acknowledged_seats = 5;
  EXPECT_TRUE(JudgeSlot(acknowledged).oversold);
  EXPECT_TRUE(JudgeSlot(acknowledged).availability_mismatch);
  SlotEvidence listed = Consistent(4, 4);
  listed.listed_confirmed_seats = 5;
  EXPECT_TRUE(JudgeSlot(listed).oversold);
  EXPECT_TRUE(JudgeSlot(listed).listing_mismatch);
  SlotEvidence negative = Consistent(4, 4);
  negative.seats_free = -1;
  EXPECT_TRUE(JudgeSlot(negative).oversold);
}

TEST(JudgeSlotTest, LostSeatsAndMissingSlotsAreMismatches) {
  SlotEvidence lost = Consistent(4, 3);
  lost.seats_free = 2;  // The node holds 2 where the bench was acknowledged 3.
  lost.listed_confirmed_seats = 2;
  const SlotVerdict verdict = JudgeSlot(lost);
  EXPECT_FALSE(verdict.oversold);
  EXPECT_TRUE(verdict.availability_mismatch);
  EXPECT_TRUE(verdict.listing_mismatch);
  SlotEvidence missing = Consistent(4, 0);
  missing.reported = false;
  EXPECT_TRUE(JudgeSlot(missing).availability_mismatch);
}

TEST(JudgeSlotTest, ARefusalOfASlotWithFreeSeatsIsSpurious) {
  SlotEvidence e = Consistent(4, 3);
  e.bench.refusals = 1;
  EXPECT_TRUE(JudgeSlot(e).spurious_refusal);
}

TEST(JudgeBookingTest, OnlyNotFoundIsALossAndAnyOtherFailureFailsTheVerification) {
  const AcknowledgedBooking acknowledged{
      .booking_id = "paris-0000000000000001", .space = 0, .day = 0, .slot = 1, .member_id = "m-1"};
  v1::Booking booking;
  booking.set_space_id("desks-0");
  booking.set_member_id("m-1");
  booking.set_state(v1::BOOKING_STATE_CONFIRMED);
  v1::BookedSlot* slot = booking.add_slots();
  slot->set_index(1);
  slot->mutable_day()->set_year(2026);
  slot->mutable_day()->set_month(11);
  slot->mutable_day()->set_day(27);
  auto judge = [&](const grpc::Status& status, const v1::Booking& answer) {
    return JudgeBooking(acknowledged, status, answer, "desks-0", kFriday);
  };

  EXPECT_EQ(judge(grpc::Status::OK, booking)->verdict, BookingVerdict::kSame);
  const absl::StatusOr<BookingCheck> lost =
      judge(grpc::Status(grpc::StatusCode::NOT_FOUND, "no booking"), v1::Booking());
  EXPECT_EQ(lost->verdict, BookingVerdict::kLost);
  EXPECT_THAT(lost->problem, HasSubstr("paris-0000000000000001"));
  // A node gone or slow says nothing of the booking: no verdict, the run fails.
  for (grpc::StatusCode code : {grpc::StatusCode::CANCELLED, grpc::StatusCode::UNAVAILABLE,
                                grpc::StatusCode::DEADLINE_EXCEEDED}) {
    const absl::StatusOr<BookingCheck> unknown = judge(grpc::Status(code, "gone"), v1::Booking());
    EXPECT_FALSE(unknown.ok()) << code;
    EXPECT_THAT(unknown.status().message(), HasSubstr("could not be verified"));
  }
  v1::Booking cancelled = booking;
  cancelled.set_state(v1::BOOKING_STATE_CANCELLED);
  EXPECT_EQ(judge(grpc::Status::OK, cancelled)->verdict, BookingVerdict::kAltered);
  v1::Booking other_day = booking;
  other_day.mutable_slots(0)->mutable_day()->set_day(30);
  EXPECT_EQ(judge(grpc::Status::OK, other_day)->verdict, BookingVerdict::kAltered);
}

// ---- Options ----

BenchOptions ValidOptions() {
  BenchOptions options = DefaultOptions(Mode::kDirect);
  options.node = "127.0.0.1:7197";
  options.admin_credential = "0123456789abcdef0123456789abcdef";
  return options;
}

TEST(BenchOptionsTest, DefaultsWithANodeAndCredentialAreValid) {
  EXPECT_TRUE(ValidateBenchOptions(ValidOptions()).ok());
}

TEST(BenchOptionsTest, NamesTheBadFlag) {
  for (const char* node : {"", "127.0.0.1", ":7101", "127.0.0.1:0", "127.0.0.1:x", "h:70000"}) {
    BenchOptions options = ValidOptions();
    options.node = node;
    absl::Status s = ValidateBenchOptions(options);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << node;
    EXPECT_THAT(std::string(s.message()), HasSubstr("--node")) << node;
  }
  BenchOptions no_credential = ValidOptions();
  no_credential.admin_credential.clear();
  EXPECT_THAT(std::string(ValidateBenchOptions(no_credential).message()),
              HasSubstr("--admin_credential_file"));
  BenchOptions no_threads = ValidOptions();
  no_threads.threads = 0;
  EXPECT_THAT(std::string(ValidateBenchOptions(no_threads).message()), HasSubstr("--threads"));
}

// ---- Modes and their defaults ----

TEST(BenchOptionsTest, ParsesEveryModeAndRefusesOthers) {
  EXPECT_EQ(*ParseMode("direct"), Mode::kDirect);
  EXPECT_EQ(*ParseMode("forwarded"), Mode::kForwarded);
  EXPECT_EQ(*ParseMode("postgres"), Mode::kPostgres);
  EXPECT_EQ(*ParseMode("catchup"), Mode::kCatchup);
  EXPECT_EQ(*ParseMode("propagation"), Mode::kPropagation);
  EXPECT_EQ(*ParseMode("federation"), Mode::kFederation);
  EXPECT_EQ(*ParseMode("network"), Mode::kNetwork);
  EXPECT_THAT(std::string(ParseMode("all").status().message()), HasSubstr("--mode"));
}

TEST(BenchOptionsTest, ForwardedRunsHaveCapacityAndFederationRunsKeepTheirFolder) {
  const BenchOptions forwarded = DefaultOptions(Mode::kForwarded);
  EXPECT_EQ(forwarded.spaces, 20);
  EXPECT_EQ(forwarded.seats, 100);
  EXPECT_EQ(forwarded.days, 40);
  EXPECT_FALSE(forwarded.keep_work_dir);
  EXPECT_TRUE(DefaultOptions(Mode::kCatchup).keep_work_dir);
  BenchOptions propagation = DefaultOptions(Mode::kPropagation);
  propagation.nodes = 27;
  EXPECT_THAT(std::string(ValidateBenchOptions(propagation).message()), HasSubstr("--nodes"));
  BenchOptions catchup = DefaultOptions(Mode::kCatchup);
  catchup.self_path = "/bin/true";
  catchup.entries = 0;
  EXPECT_THAT(std::string(ValidateBenchOptions(catchup).message()), HasSubstr("--entries"));
  catchup.entries = 10;
  catchup.bookings_after_catchup = 81;
  catchup.spaces = 2;
  catchup.seats = 4;
  catchup.days = 10;
  EXPECT_THAT(std::string(ValidateBenchOptions(catchup).message()),
              HasSubstr("--bookings_after_catchup"));
  catchup.bookings_after_catchup = 80;
  EXPECT_TRUE(ValidateBenchOptions(catchup).ok());
}

TEST(BenchOptionsTest, NetworkRunsNameTheirBadFlag) {
  BenchOptions network = DefaultOptions(Mode::kNetwork);
  EXPECT_TRUE(ValidateBenchOptions(network).ok());
  EXPECT_EQ(network.sites, 100);
  EXPECT_EQ(network.fan_out, 3);
  network.sites = 1;
  EXPECT_THAT(std::string(ValidateBenchOptions(network).message()), HasSubstr("--sites"));
  network.sites = 6;
  network.fan_out = 0;
  EXPECT_THAT(std::string(ValidateBenchOptions(network).message()), HasSubstr("--fan_out"));
  network.fan_out = 2;
  network.bookings = 0;
  EXPECT_THAT(std::string(ValidateBenchOptions(network).message()), HasSubstr("--bookings"));
}

// ---- The report ----

DirectReport SampleReport() {
  DirectReport r;
  r.node = "127.0.0.1:7197";
  r.node_is_local = true;
  r.shape.cores = 2;
  r.shape.threads = 16;
  r.ceiling.wall = absl::Seconds(10);
  r.ceiling_calls = 100000;  // 10000/s.
  r.booking.wall = absl::Seconds(10);
  r.booking.acknowledged = 40000;  // 4000/s.
  r.booking.refused = 30000;       // 3000/s.
  r.shape.capacity_seat_slots = 80000;
  return r;
}

TEST(ReportTest, RatiosAreAgainstTheCeilingOfTheSameRun) {
  const DirectReport r = SampleReport();
  EXPECT_DOUBLE_EQ(BookingToCeilingRatio(r), 0.4);
  EXPECT_DOUBLE_EQ(AttemptToCeilingRatio(r), 0.7);
  DirectReport no_ceiling = r;
  no_ceiling.ceiling_calls = 0;
  EXPECT_EQ(BookingToCeilingRatio(no_ceiling), 0);
}

TEST(ReportTest, PrintsTheFiguresLabelled) {
  DirectReport r = SampleReport();
  std::ostringstream out;
  PrintReport(r, out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("calls/s: 10000"));
  EXPECT_THAT(text, HasSubstr("bookings/s: 4000"));
  EXPECT_THAT(text, HasSubstr("refusals/s: 3000"));
  EXPECT_THAT(text, HasSubstr("bookings/s / ceiling calls/s: 0.400"));
  EXPECT_THAT(text, HasSubstr("attempts/s / ceiling calls/s: 0.700"));
  EXPECT_THAT(text, HasSubstr("share this machine's 2 cores"));
  EXPECT_THAT(text, HasSubstr("oversold slots: 0"));
  EXPECT_THAT(text, HasSubstr("lost acknowledged bookings: 0"));
  EXPECT_THAT(text, HasSubstr("verification passed"));
}

TEST(ReportTest, AnyProblemFailsTheRun) {
  EXPECT_FALSE(VerificationFailed(SampleReport()));
  DirectReport oversold = SampleReport();
  oversold.verification.oversold_slots = 1;
  EXPECT_TRUE(VerificationFailed(oversold));
  DirectReport lost = SampleReport();
  lost.verification.lost_bookings = 1;
  EXPECT_TRUE(VerificationFailed(lost));
  DirectReport mismatch = SampleReport();
  mismatch.verification.availability_mismatches = 1;
  EXPECT_TRUE(VerificationFailed(mismatch));
}

// ---- --mode=forwarded: its options and report ----

BenchOptions SmallRun() {
  BenchOptions options = DefaultOptions(Mode::kForwarded);
  options.cantined_path = options.make_certs_path = "/bin/true";
  return options;
}

TEST(ForwardedOptionsTest, NamesTheBadFlag) {
  EXPECT_TRUE(ValidateBenchOptions(SmallRun()).ok());
  BenchOptions options = SmallRun();
  options.members = 0;
  EXPECT_THAT(ValidateBenchOptions(options).message(), HasSubstr("--members"));
  options = SmallRun();
  options.duration = absl::ZeroDuration();
  EXPECT_THAT(ValidateBenchOptions(options).message(), HasSubstr("--seconds"));
  options = SmallRun();
  options.cantined_path.clear();
  EXPECT_THAT(ValidateBenchOptions(options).message(), HasSubstr("--cantined"));
}

TEST(ForwardedReportTest, AnyDisagreementFailsTheRun) {
  ForwardedReport report;
  VerificationFigures& v = report.verification;
  v.acknowledged_seats = v.held_seats = v.listed_confirmed_seats = 10;
  EXPECT_FALSE(ForwardingFailed(report));
  v.listed_confirmed_seats = 11;  // A booking the bench was never told of.
  EXPECT_TRUE(ForwardingFailed(report));
  v.listed_confirmed_seats = 10;
  report.shutdown_problem = "paris exited with code 1";
  EXPECT_TRUE(ForwardingFailed(report));
}

TEST(ForwardedReportTest, RatioIsForwardedOverDirect) {
  ForwardedReport report;
  report.direct.acknowledged = 1000;
  report.direct.wall = absl::Seconds(10);
  report.forwarded.acknowledged = 300;
  report.forwarded.wall = absl::Seconds(5);
  EXPECT_DOUBLE_EQ(ForwardedToDirectRatio(report), 0.6);
  std::ostringstream out;
  PrintForwardingReport(report, out);
  EXPECT_THAT(out.str(), HasSubstr("ratio forwarded / direct bookings/s: 0.600"));
}

TEST(VersusPostgresTest, RunsPostgresqlsShapeAndNamesItsBadFlags) {
  BenchOptions options = DefaultOptions(Mode::kPostgres);
  EXPECT_EQ(options.spaces, 100);
  EXPECT_EQ(options.seats, 50);
  EXPECT_EQ(options.days, 40);
  EXPECT_FALSE(options.keep_work_dir);
  options.cantined_path = "/bin/true";
  options.postgres_sql_dir = "/tmp";
  EXPECT_TRUE(ValidateBenchOptions(options).ok());
  options.postgres_sql_dir = "";
  EXPECT_THAT(std::string(ValidateBenchOptions(options).message()), HasSubstr("--postgres_sql"));
}

TEST(VersusPostgresTest, RatioIsOverPostgresqlsBookingsAndEitherSidesProblemFails) {
  VersusPostgresReport report;
  report.node.booking.acknowledged = 6000;
  report.node.booking.wall = absl::Seconds(10);
  report.postgres.tps = 1000;
  report.postgres.transactions = 10000;
  report.postgres.bookings = 5000;  // Half the calls booked: 500 bookings/s.
  EXPECT_DOUBLE_EQ(PostgresBookingsPerSecond(report.postgres), 500);
  EXPECT_DOUBLE_EQ(NodeToPostgresRatio(report), 1.2);
  EXPECT_FALSE(VersusPostgresFailed(report));
  std::ostringstream out;
  PrintVersusPostgresReport(report, out);
  EXPECT_THAT(out.str(), HasSubstr("node bookings/s / postgresql bookings/s: 1.200"));

  VersusPostgresReport oversold = report;
  oversold.postgres.oversold_slots = 1;
  EXPECT_TRUE(VersusPostgresFailed(oversold));
  VersusPostgresReport lost = report;
  lost.postgres.seat_mismatch = -1;
  EXPECT_TRUE(VersusPostgresFailed(lost));
  VersusPostgresReport node_lost = report;
  node_lost.node.verification.lost_bookings = 1;
  EXPECT_TRUE(VersusPostgresFailed(node_lost));
  VersusPostgresReport unclean = report;
  unclean.shutdown_problem = "paris exited with code 1";
  EXPECT_TRUE(VersusPostgresFailed(unclean));
}

}  // namespace
}  // namespace cantine::bench
