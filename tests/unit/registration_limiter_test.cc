#include "services/member/registration_limiter.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"

namespace cantine::member {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

// Admits `address` `n` times; the number admitted.
int AdmitTimes(RegistrationLimiter& limiter, const std::string& address, int n) {
  int admitted = 0;
  for (int i = 0; i < n; ++i) admitted += limiter.Admit(address).ok() ? 1 : 0;
  return admitted;
}

TEST(RegistrationLimiterTest, AnAddressGetsItsMinutesWorthThenOneEveryTwelveSeconds) {
  testing::FakeClock clock(kStart);
  RegistrationLimiter limiter({.per_address_per_minute = 5, .per_site_per_minute = 120}, &clock);
  EXPECT_EQ(AdmitTimes(limiter, "203.0.113.7", 5), 5);
  absl::Status refused = limiter.Admit("203.0.113.7");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("from your address: at most 5 a minute"));
  EXPECT_THAT(refused.message(), HasSubstr("retry in 12s"));
  // Another address is not held back by the first one's bucket.
  EXPECT_TRUE(limiter.Admit("203.0.113.8").ok());

  clock.Advance(absl::Seconds(11));
  EXPECT_FALSE(limiter.Admit("203.0.113.7").ok());
  clock.Advance(absl::Seconds(1));  // 12 s: one token back, and one only.
  EXPECT_TRUE(limiter.Admit("203.0.113.7").ok());
  EXPECT_FALSE(limiter.Admit("203.0.113.7").ok());

  clock.Advance(absl::Hours(1));  // A bucket refills to its minute's worth, no more.
  EXPECT_EQ(AdmitTimes(limiter, "203.0.113.7", 10), 5);
}

TEST(RegistrationLimiterTest, TheSiteBucketHoldsBackEveryAddressTogether) {
  testing::FakeClock clock(kStart);
  RegistrationLimiter limiter({.per_address_per_minute = 5, .per_site_per_minute = 12}, &clock);
  int admitted = 0;
  for (int i = 0; i < 20; ++i) admitted += AdmitTimes(limiter, absl::StrCat("10.0.0.", i), 1);
  EXPECT_EQ(admitted, 12);
  absl::Status refused = limiter.Admit("10.0.1.1");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("at this site: at most 12 a minute"));

  // A call the site refuses takes nothing from its address: six refusals later, the address
  // is admitted as soon as the site's bucket holds a token again (were the refusals counted,
  // its own bucket would be empty for another minute).
  EXPECT_EQ(AdmitTimes(limiter, "10.0.1.1", 6), 0);
  clock.Advance(absl::Seconds(5));  // One site token (every 5 s at 12 a minute).
  EXPECT_TRUE(limiter.Admit("10.0.1.1").ok());
  EXPECT_FALSE(limiter.Admit("10.0.1.2").ok());
}

TEST(RegistrationLimiterTest, AClockThatStepsBackRefillsNothing) {
  testing::FakeClock clock(kStart);
  RegistrationLimiter limiter({.per_address_per_minute = 1, .per_site_per_minute = 100}, &clock);
  ASSERT_TRUE(limiter.Admit("a").ok());
  clock.Advance(-absl::Hours(1));
  EXPECT_FALSE(limiter.Admit("a").ok());
  clock.Advance(absl::Hours(1) + absl::Seconds(59));
  EXPECT_FALSE(limiter.Admit("a").ok());
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.Admit("a").ok());
}

TEST(RegistrationLimiterTest, BucketsThatRefilledAreDroppedSoMemoryStaysBounded) {
  testing::FakeClock clock(kStart);
  RegistrationLimiter limiter({.per_address_per_minute = 5, .per_site_per_minute = 100'000},
                              &clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Admit(absl::StrCat("first-", i)).ok());
  EXPECT_EQ(limiter.HeldBuckets(), 1000u);
  clock.Advance(absl::Minutes(1));  // Every one of them has refilled.
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Admit(absl::StrCat("second-", i)).ok());
  EXPECT_LE(limiter.HeldBuckets(), 1025u);
  // An address still draining keeps its bucket through a sweep.
  EXPECT_EQ(AdmitTimes(limiter, "second-0", 5), 4);
}

}  // namespace
}  // namespace cantine::member
