#include "services/domain/site_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/bad_input.h"

namespace cantine::domain {
namespace {

using BadPolicy = testing::BadInput<SitePolicy>;

// Each of `cases`, an edit of the default policy, is refused naming its field.
void ExpectEachInvalid(const std::vector<BadPolicy>& cases) {
  testing::ExpectEachInvalidNamingTheField(DefaultSitePolicy(), cases, ValidateSitePolicy);
}

TEST(SitePolicyTest, DefaultPolicyIsValidAndMatchesLaCantine) {
  SitePolicy policy = DefaultSitePolicy();
  EXPECT_TRUE(ValidateSitePolicy(policy).ok());
  EXPECT_EQ(policy.half_day_slots[0].start, absl::Hours(9));
  EXPECT_EQ(policy.half_day_slots[1].end, absl::Hours(19));
  EXPECT_EQ(policy.room_block, absl::Hours(2));
  EXPECT_EQ(policy.max_booking_days, 21);
}

TEST(SitePolicyTest, OpeningHoursMustBeOrderedAndInsideTheDay) {
  ExpectEachInvalid({
      {"opens_at", [](SitePolicy& p) { p.opens_at = absl::Hours(19); }},
      {"closes_at", [](SitePolicy& p) { p.closes_at = absl::Hours(25); }},
      {"opens_at", [](SitePolicy& p) { p.opens_at = absl::Hours(9) + absl::Seconds(30); }},
  });
}

TEST(SitePolicyTest, ExactlyTwoOrderedHalfDaySlotsInsideOpeningHours) {
  ExpectEachInvalid({
      {"exactly 2", [](SitePolicy& p) { p.half_day_slots.pop_back(); }},
      // Overlaps the morning.
      {"half_day_slots[1]", [](SitePolicy& p) { p.half_day_slots[1].start = absl::Hours(12); }},
      // Before opening.
      {"half_day_slots[0]", [](SitePolicy& p) { p.half_day_slots[0].start = absl::Hours(8); }},
      // After closing.
      {"closes_at", [](SitePolicy& p) { p.half_day_slots[1].end = absl::Hours(20); }},
      // Empty slot.
      {"half_day_slots[0]", [](SitePolicy& p) { p.half_day_slots[0].end = absl::Hours(9); }},
      {"different names", [](SitePolicy& p) { p.half_day_slots[1].name = "morning"; }},
  });
}

TEST(SitePolicyTest, RoomBlockMustFitTheDay) {
  ExpectEachInvalid({
      {"room_block", [](SitePolicy& p) { p.room_block = absl::Hours(11); }},
      {"room_block", [](SitePolicy& p) { p.room_block = absl::Minutes(10); }},
      {"room_block", [](SitePolicy& p) { p.room_block = absl::Minutes(90) + absl::Seconds(1); }},
  });
}

TEST(SitePolicyTest, DayCountsAndWindowsInRange) {
  ExpectEachInvalid({
      {"max_booking_days", [](SitePolicy& p) { p.max_booking_days = 0; }},
      {"booking_horizon_days", [](SitePolicy& p) { p.booking_horizon_days = -3; }},
      {"cancellation_window", [](SitePolicy& p) { p.cancellation_window = -absl::Hours(1); }},
      {"no_show_grace", [](SitePolicy& p) { p.no_show_grace = absl::ZeroDuration(); }},
  });
}

TEST(SitePolicyTest, OpenWeekdaysNonEmptyWithoutRepeats) {
  ExpectEachInvalid({
      {"open_weekdays", [](SitePolicy& p) { p.open_weekdays.clear(); }},
      {"twice", [](SitePolicy& p) { p.open_weekdays.push_back(absl::Weekday::monday); }},
  });
}

}  // namespace
}  // namespace cantine::domain
