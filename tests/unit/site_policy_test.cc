#include "services/domain/site_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

void ExpectInvalid(const SitePolicy& policy, const std::string& field) {
  absl::Status status = ValidateSitePolicy(policy);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(field));
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
  SitePolicy policy = DefaultSitePolicy();
  policy.opens_at = absl::Hours(19);
  ExpectInvalid(policy, "opens_at");

  policy = DefaultSitePolicy();
  policy.closes_at = absl::Hours(25);
  ExpectInvalid(policy, "closes_at");

  policy = DefaultSitePolicy();
  policy.opens_at = absl::Hours(9) + absl::Seconds(30);
  ExpectInvalid(policy, "opens_at");
}

TEST(SitePolicyTest, ExactlyTwoOrderedHalfDaySlotsInsideOpeningHours) {
  SitePolicy policy = DefaultSitePolicy();
  policy.half_day_slots.pop_back();
  ExpectInvalid(policy, "exactly 2");

  policy = DefaultSitePolicy();
  policy.half_day_slots[1].start = absl::Hours(12);  // Overlaps the morning.
  ExpectInvalid(policy, "half_day_slots[1]");

  policy = DefaultSitePolicy();
  policy.half_day_slots[0].start = absl::Hours(8);  // Before opening.
  ExpectInvalid(policy, "half_day_slots[0]");

  policy = DefaultSitePolicy();
  policy.half_day_slots[1].end = absl::Hours(20);  // After closing.
  ExpectInvalid(policy, "closes_at");

  policy = DefaultSitePolicy();
  policy.half_day_slots[0].end = absl::Hours(9);  // Empty slot.
  ExpectInvalid(policy, "half_day_slots[0]");

  policy = DefaultSitePolicy();
  policy.half_day_slots[1].name = "morning";
  ExpectInvalid(policy, "different names");
}

TEST(SitePolicyTest, RoomBlockMustFitTheDay) {
  SitePolicy policy = DefaultSitePolicy();
  policy.room_block = absl::Hours(11);
  ExpectInvalid(policy, "room_block");
  policy.room_block = absl::Minutes(10);
  ExpectInvalid(policy, "room_block");
  policy.room_block = absl::Minutes(90) + absl::Seconds(1);
  ExpectInvalid(policy, "room_block");
}

TEST(SitePolicyTest, DayCountsAndWindowsInRange) {
  SitePolicy policy = DefaultSitePolicy();
  policy.max_booking_days = 0;
  ExpectInvalid(policy, "max_booking_days");
  policy = DefaultSitePolicy();
  policy.booking_horizon_days = -3;
  ExpectInvalid(policy, "booking_horizon_days");
  policy = DefaultSitePolicy();
  policy.cancellation_window = -absl::Hours(1);
  ExpectInvalid(policy, "cancellation_window");
  policy = DefaultSitePolicy();
  policy.no_show_grace = absl::ZeroDuration();
  ExpectInvalid(policy, "no_show_grace");
}

TEST(SitePolicyTest, OpenWeekdaysNonEmptyWithoutRepeats) {
  SitePolicy policy = DefaultSitePolicy();
  policy.open_weekdays.clear();
  ExpectInvalid(policy, "open_weekdays");
  policy = DefaultSitePolicy();
  policy.open_weekdays.push_back(absl::Weekday::monday);
  ExpectInvalid(policy, "twice");
}

}  // namespace
}  // namespace cantine::domain
