#include "services/domain/booking_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/slots.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

Space Desks(int32_t seats = 24, int64_t price = 1500) {
  Space space;
  space.site_id = "paris";
  space.space_id = "coworking";
  space.display_name = "Desks";
  space.kind = SpaceKind::kDeskPool;
  space.seats = seats;
  space.price_per_slot_minor = price;
  return space;
}

Space Room() {
  Space space = Desks(8, 8000);
  space.space_id = "meeting-room";
  space.kind = SpaceKind::kMeetingRoom;
  return space;
}

SitePolicy EveryDay() {
  SitePolicy policy = DefaultSitePolicy();
  for (absl::Weekday day : {absl::Weekday::saturday, absl::Weekday::sunday}) {
    policy.open_weekdays.push_back(day);
  }
  return policy;
}

BookingRequest Request(absl::CivilMinute start, absl::CivilMinute end, int32_t seats = 1) {
  return {.space_id = "coworking",
          .member_id = "paris-0000000000000001",
          .local_start = start,
          .local_end = end,
          .seats = seats,
          .idempotency_key = "k1"};
}

// Monday 2027-01-04, 08:00 in Paris.
const absl::TimeZone kParis = Zone("Europe/Paris");
const absl::Time kMondayMorning = absl::FromCivil(absl::CivilMinute(2027, 1, 4, 8, 0), kParis);

// The plan of a booking of one desk from `start` to `end` (venue time in `zone`) under
// `policy`, made at `now`.
absl::StatusOr<BookingPlan> PlanDesks(const SitePolicy& policy, absl::TimeZone zone,
                                      absl::CivilMinute start, absl::CivilMinute end,
                                      absl::Time now) {
  return PlanBooking(Desks(), policy, zone, Request(start, end), now);
}

// The slots of PlanDesks's plan, which must succeed; none, and a test failure, otherwise.
std::vector<Slot> DeskSlots(const SitePolicy& policy, absl::TimeZone zone, absl::CivilMinute start,
                            absl::CivilMinute end, absl::Time now) {
  absl::StatusOr<BookingPlan> plan = PlanDesks(policy, zone, start, end, now);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return plan.ok() ? plan->slots : std::vector<Slot>();
}

TEST(SlotsTest, DeskDayHasTwoHalfDaysAndRoomDayHasFiveBlocks) {
  const SitePolicy policy = DefaultSitePolicy();
  std::vector<Slot> desks =
      SlotsOnDay(SpaceKind::kDeskPool, policy, kParis, absl::CivilDay(2027, 1, 4));
  ASSERT_EQ(desks.size(), 2u);
  EXPECT_EQ(desks[0].name, "morning");
  EXPECT_EQ(desks[0].local_start, absl::CivilMinute(2027, 1, 4, 9, 0));
  EXPECT_EQ(desks[1].local_end, absl::CivilMinute(2027, 1, 4, 19, 0));
  std::vector<Slot> room =
      SlotsOnDay(SpaceKind::kMeetingRoom, policy, kParis, absl::CivilDay(2027, 1, 4));
  ASSERT_EQ(room.size(), 5u);
  EXPECT_EQ(room[0].name, "09:00-11:00");
  EXPECT_EQ(room[4].name, "17:00-19:00");
  // Closed on Sunday.
  EXPECT_TRUE(
      SlotsOnDay(SpaceKind::kDeskPool, policy, kParis, absl::CivilDay(2027, 1, 10)).empty());
}

TEST(SlotsTest, RoomBlocksThatDoNotFitBeforeClosingAreNotOffered) {
  SitePolicy policy = DefaultSitePolicy();
  policy.room_block = absl::Hours(3);  // 09-12, 12-15, 15-18; 18-21 would pass closing.
  std::vector<Slot> room =
      SlotsOnDay(SpaceKind::kMeetingRoom, policy, kParis, absl::CivilDay(2027, 1, 4));
  ASSERT_EQ(room.size(), 3u);
  EXPECT_EQ(room.back().local_end, absl::CivilMinute(2027, 1, 4, 18, 0));
}

TEST(BookingRulesTest, PriceIsSlotsTimesSeatsTimesSlotPrice) {
  // Monday morning to Wednesday afternoon: 6 half-days, 2 seats, 15 EUR.
  absl::StatusOr<BookingPlan> plan = PlanBooking(
      Desks(), DefaultSitePolicy(), kParis,
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 6, 19, 0), 2),
      kMondayMorning);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->slots.size(), 6u);
  EXPECT_EQ(plan->price_minor, 6 * 2 * 1500);
}

TEST(BookingRulesTest, MembersOfOtherSitesPayTheVisitorPriceWhereOneIsSet) {
  Space space = Desks();
  space.visitor_price_per_slot_minor = 2000;
  BookingRequest request =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 19, 0));
  request.home_site_id = "milan";
  EXPECT_EQ(PlanBooking(space, DefaultSitePolicy(), kParis, request, kMondayMorning)->price_minor,
            2 * 2000);
  request.home_site_id = "paris";  // A member of this site.
  EXPECT_EQ(PlanBooking(space, DefaultSitePolicy(), kParis, request, kMondayMorning)->price_minor,
            2 * 1500);
  request.home_site_id = "milan";  // No visitor price set: everyone pays the same.
  EXPECT_EQ(PlanBooking(Desks(), DefaultSitePolicy(), kParis, request, kMondayMorning)->price_minor,
            2 * 1500);
}

TEST(BookingRulesTest, ClosedDaysInsideASpanAreNotCounted) {
  // Friday afternoon to Monday morning: the weekend is closed.
  absl::StatusOr<BookingPlan> plan =
      PlanDesks(DefaultSitePolicy(), kParis, absl::CivilMinute(2027, 1, 8, 14, 0),
                absl::CivilMinute(2027, 1, 11, 13, 0), kMondayMorning);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->slots.size(), 2u);
  EXPECT_EQ(plan->slots[0].id.day, absl::CivilDay(2027, 1, 8));
  EXPECT_EQ(plan->slots[1].id.day, absl::CivilDay(2027, 1, 11));
}

TEST(BookingRulesTest, DaylightSavingChangeInsideABookingInParis) {
  // Europe/Paris springs forward on Sunday 2027-03-28: 09:00 is 08:00Z before, 07:00Z after.
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2027, 3, 20, 8, 0), kParis);
  const std::vector<Slot> slots =
      DeskSlots(EveryDay(), kParis, absl::CivilMinute(2027, 3, 27, 9, 0),
                absl::CivilMinute(2027, 3, 29, 19, 0), now);
  ASSERT_EQ(slots.size(), 6u);
  EXPECT_EQ(slots.front().start, absl::FromUnixSeconds(1806134400));  // 2027-03-27T08:00Z
  EXPECT_EQ(slots.back().end, absl::FromUnixSeconds(1806339600));     // 2027-03-29T17:00Z
  // 58 civil hours, 57 real ones.
  EXPECT_EQ(slots.back().end - slots.front().start, absl::Hours(57));
  for (const Slot& slot : slots) {
    EXPECT_EQ(absl::ToCivilMinute(slot.start, kParis), slot.local_start);
    EXPECT_EQ(slot.end - slot.start, slot.id.index == 0 ? absl::Hours(4) : absl::Hours(5));
  }
}

TEST(BookingRulesTest, DaylightSavingChangeInsideABookingInLosAngeles) {
  // America/Los_Angeles falls back on Sunday 2027-11-07: 08:00 is 15:00Z before, 16:00Z after.
  const absl::TimeZone los_angeles = Zone("America/Los_Angeles");
  SitePolicy policy = EveryDay();
  policy.opens_at = absl::Hours(8);
  policy.half_day_slots = {{"morning", absl::Hours(8), absl::Hours(12)},
                           {"afternoon", absl::Hours(13), absl::Hours(18)}};
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2027, 11, 1, 8, 0), los_angeles);
  const std::vector<Slot> slots =
      DeskSlots(policy, los_angeles, absl::CivilMinute(2027, 11, 6, 8, 0),
                absl::CivilMinute(2027, 11, 8, 12, 0), now);
  ASSERT_EQ(slots.size(), 5u);
  EXPECT_EQ(slots.front().start, absl::FromUnixSeconds(1825513200));  // 2027-11-06T15:00Z
  EXPECT_EQ(slots.back().start, absl::FromUnixSeconds(1825689600));   // 2027-11-08T16:00Z
  EXPECT_EQ(slots.back().end - slots.front().start, absl::Hours(53));
}

TEST(BookingRulesTest, MisalignedAndReversedTimesAreRefusedNamingTheSlots) {
  const SitePolicy policy = DefaultSitePolicy();
  absl::StatusOr<BookingPlan> plan =
      PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 4, 10, 0),
                absl::CivilMinute(2027, 1, 4, 13, 0), kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("09:00, 14:00"));

  plan = PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 4, 9, 0),
                   absl::CivilMinute(2027, 1, 4, 12, 0), kMondayMorning);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("13:00, 19:00"));

  plan = PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 4, 14, 0),
                   absl::CivilMinute(2027, 1, 4, 13, 0), kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);

  // A room is booked in two-hour blocks from opening.
  BookingRequest room =
      Request(absl::CivilMinute(2027, 1, 4, 10, 0), absl::CivilMinute(2027, 1, 4, 12, 0));
  room.space_id = "meeting-room";
  plan = PlanBooking(Room(), policy, kParis, room, kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);

  // Sunday: closed.
  plan = PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 10, 9, 0),
                   absl::CivilMinute(2027, 1, 10, 13, 0), kMondayMorning);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("closed"));
}

TEST(BookingRulesTest, SeatsMustFitThePoolAndARoomIsBookedWhole) {
  const SitePolicy policy = DefaultSitePolicy();
  const BookingRequest zero =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 13, 0), 0);
  EXPECT_EQ(PlanBooking(Desks(), policy, kParis, zero, kMondayMorning).status().code(),
            absl::StatusCode::kInvalidArgument);
  const BookingRequest too_many =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 13, 0), 25);
  EXPECT_EQ(PlanBooking(Desks(), policy, kParis, too_many, kMondayMorning).status().code(),
            absl::StatusCode::kInvalidArgument);

  BookingRequest room =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 13, 0), 0);
  absl::StatusOr<BookingPlan> plan = PlanBooking(Room(), policy, kParis, room, kMondayMorning);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->seats, 1);
  EXPECT_EQ(plan->slots.size(), 2u);
  EXPECT_EQ(plan->price_minor, 2 * 8000);
  room.seats = 2;
  EXPECT_EQ(PlanBooking(Room(), policy, kParis, room, kMondayMorning).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BookingRulesTest, PastStartIsRefused) {
  // 10:00 on Monday: the morning has begun.
  const absl::Time now = kMondayMorning + absl::Hours(2);
  absl::StatusOr<BookingPlan> plan =
      PlanDesks(DefaultSitePolicy(), kParis, absl::CivilMinute(2027, 1, 4, 9, 0),
                absl::CivilMinute(2027, 1, 4, 13, 0), now);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("in the past"));
}

TEST(BookingRulesTest, SpanIsCappedAtThePolicyMaximum) {
  SitePolicy policy = EveryDay();
  // 21 days inclusive is allowed, 22 is not.
  EXPECT_TRUE(PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 4, 9, 0),
                        absl::CivilMinute(2027, 1, 24, 19, 0), kMondayMorning)
                  .ok());
  absl::StatusOr<BookingPlan> plan =
      PlanDesks(policy, kParis, absl::CivilMinute(2027, 1, 4, 9, 0),
                absl::CivilMinute(2027, 1, 25, 19, 0), kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("at most 21"));
}

TEST(BookingRulesTest, HorizonIsCheckedOnTheEndNotOnlyTheStart) {
  SitePolicy policy = EveryDay();  // Horizon 90 days: the last bookable day is 2027-04-04.
  // Starts inside the horizon, ends outside it.
  absl::StatusOr<BookingPlan> plan =
      PlanDesks(policy, kParis, absl::CivilMinute(2027, 3, 30, 9, 0),
                absl::CivilMinute(2027, 4, 6, 19, 0), kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("2027-04-04"));
  EXPECT_TRUE(PlanDesks(policy, kParis, absl::CivilMinute(2027, 3, 30, 9, 0),
                        absl::CivilMinute(2027, 4, 4, 19, 0), kMondayMorning)
                  .ok());
}

TEST(BookingRulesTest, RetiredSpaceAndMissingKeyAreRefused) {
  Space retired = Desks();
  retired.state = SpaceState::kRetired;
  EXPECT_EQ(PlanBooking(
                retired, DefaultSitePolicy(), kParis,
                Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 13, 0)),
                kMondayMorning)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  BookingRequest no_key =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 1, 4, 13, 0));
  no_key.idempotency_key.clear();
  absl::StatusOr<BookingPlan> plan =
      PlanBooking(Desks(), DefaultSitePolicy(), kParis, no_key, kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("idempotency_key"));
}

Booking ConfirmedBooking(absl::CivilMinute start, absl::CivilMinute end) {
  Booking booking;
  booking.booking_id = "paris-b1";
  booking.local_start = start;
  booking.local_end = end;
  booking.start = absl::FromCivil(start, kParis);
  booking.end = absl::FromCivil(end, kParis);
  return booking;
}

TEST(BookingRulesTest, CancellationWindowClosesBeforeTheStart) {
  const SitePolicy policy = DefaultSitePolicy();  // 24 hours.
  const Booking booking =
      ConfirmedBooking(absl::CivilMinute(2027, 1, 6, 9, 0), absl::CivilMinute(2027, 1, 6, 13, 0));
  EXPECT_TRUE(CheckCancellable(booking, policy, booking.start - absl::Hours(24)).ok());
  absl::Status late = CheckCancellable(booking, policy, booking.start - absl::Hours(23));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("24h"));
}

TEST(BookingRulesTest, CheckInOpensOnTheStartDayAndNoShowsReleaseOnlyFutureSlots) {
  Booking booking =
      ConfirmedBooking(absl::CivilMinute(2027, 1, 6, 9, 0), absl::CivilMinute(2027, 1, 7, 19, 0));
  for (absl::CivilDay day : {absl::CivilDay(2027, 1, 6), absl::CivilDay(2027, 1, 7)}) {
    booking.slots.push_back({{day, 0},
                             "morning",
                             absl::FromCivil(absl::CivilMinute(day) + 9 * 60, kParis),
                             absl::FromCivil(absl::CivilMinute(day) + 13 * 60, kParis)});
    booking.slots.push_back({{day, 1},
                             "afternoon",
                             absl::FromCivil(absl::CivilMinute(day) + 14 * 60, kParis),
                             absl::FromCivil(absl::CivilMinute(day) + 19 * 60, kParis)});
  }
  EXPECT_EQ(CheckCheckInAllowed(booking, kParis, booking.start - absl::Hours(15)).code(),
            absl::StatusCode::kFailedPrecondition);  // The evening before.
  EXPECT_TRUE(CheckCheckInAllowed(booking, kParis, booking.start - absl::Hours(1)).ok());
  EXPECT_EQ(NoShowDeadline(booking, DefaultSitePolicy()), booking.start + absl::Hours(1));
  // Released at 10:00 on the first day: the morning is used, the rest returns to the pool.
  std::vector<SlotId> released = SlotsToRelease(booking, booking.start + absl::Hours(1));
  EXPECT_EQ(released, (std::vector<SlotId>{{absl::CivilDay(2027, 1, 6), 1},
                                           {absl::CivilDay(2027, 1, 7), 0},
                                           {absl::CivilDay(2027, 1, 7), 1}}));
}

TEST(BookingRulesTest, AChangeIsTimedAfterTheLastEvenWhenTheClockSteppedBack) {
  Booking booking =
      ConfirmedBooking(absl::CivilMinute(2027, 1, 6, 9, 0), absl::CivilMinute(2027, 1, 6, 13, 0));
  booking.update_time = booking.start - absl::Hours(48);
  EXPECT_EQ(ChangeTime(booking, booking.update_time + absl::Minutes(5)),
            booking.update_time + absl::Minutes(5));
  // The clock stepped back 14 s since the last change.
  EXPECT_EQ(ChangeTime(booking, booking.update_time - absl::Seconds(14)),
            booking.update_time + absl::Microseconds(1));
  EXPECT_EQ(ChangeTime(booking, booking.update_time), booking.update_time + absl::Microseconds(1));
}

TEST(BookingRulesTest, ABookingHoldsAtMostTheSlotsItsReceiptCanCarry) {
  // Five room blocks a weekday: 41 weeks are 1,025 slots, one over the bound.
  SitePolicy policy = DefaultSitePolicy();
  policy.max_booking_days = 366;
  policy.booking_horizon_days = 730;
  BookingRequest request =
      Request(absl::CivilMinute(2027, 1, 4, 9, 0), absl::CivilMinute(2027, 10, 15, 19, 0));
  request.space_id = "meeting-room";
  absl::StatusOr<BookingPlan> plan = PlanBooking(Room(), policy, kParis, request, kMondayMorning);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("at most 1024"));
  // A week shorter fits.
  request.local_end = absl::CivilMinute(2027, 10, 8, 19, 0);
  plan = PlanBooking(Room(), policy, kParis, request, kMondayMorning);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->slots.size(), 1000u);
}

}  // namespace
}  // namespace cantine::domain
