#include "services/domain/id_generator.h"

#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"

namespace cantine::domain {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2027, 1, 4, 8, 0, 0), absl::UTCTimeZone());

uint64_t Value(const std::string& id) {
  uint64_t value = 0;
  EXPECT_TRUE(absl::SimpleHexAtoi(id, &value)) << id;
  return value;
}

// The milliseconds an id carries.
int64_t Millis(const std::string& id) { return static_cast<int64_t>(Value(id) >> 22); }

bool IsLowerHex16(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(TimeOrderedIdGeneratorTest, IdsSortInTheOrderTheyWereMadeWhateverTheClockDoes) {
  testing::FakeClock clock(kNow);
  TimeOrderedIdGenerator ids(&clock);
  std::vector<std::string> made;
  // Many in one millisecond, then the clock moves on, then it is set back a minute.
  for (int i = 0; i < 1000; ++i) made.push_back(ids.NewId());
  clock.Advance(absl::Milliseconds(1));
  made.push_back(ids.NewId());
  clock.Advance(absl::Minutes(-1));
  for (int i = 0; i < 10; ++i) made.push_back(ids.NewId());

  for (size_t i = 0; i < made.size(); ++i) {
    ASSERT_TRUE(IsLowerHex16(made[i])) << made[i];
    if (i > 0) {
      ASSERT_LT(made[i - 1], made[i]) << "at " << i;
    }
  }
  EXPECT_EQ(Millis(made.front()), absl::ToUnixMillis(kNow));
  EXPECT_EQ(Millis(made[1000]), absl::ToUnixMillis(kNow) + 1);
}

TEST(TimeOrderedIdGeneratorTest, AClockOutsideTheRangeIsHeldAtItsEnds) {
  testing::FakeClock clock(absl::FromUnixSeconds(-86400));
  EXPECT_EQ(Millis(TimeOrderedIdGenerator(&clock).NewId()), 0);

  clock.Set(absl::FromCivil(absl::CivilDay(2200, 1, 1), absl::UTCTimeZone()));
  const std::string late = TimeOrderedIdGenerator(&clock).NewId();
  EXPECT_TRUE(IsLowerHex16(late)) << late;
  EXPECT_EQ(Millis(late), (int64_t{1} << 42) - 1);
}

TEST(TimeOrderedIdGeneratorTest, ThreadsMakingIdsAtOnceNeverShareOne) {
  testing::FakeClock clock(kNow);
  TimeOrderedIdGenerator ids(&clock);
  constexpr int kThreads = 8, kEach = 2000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(ids.NewId());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> distinct;
  for (const std::vector<std::string>& ones : made) {
    // Each thread sees its own ids rise, as the generator's do.
    for (size_t i = 1; i < ones.size(); ++i) ASSERT_LT(ones[i - 1], ones[i]);
    distinct.insert(ones.begin(), ones.end());
  }
  EXPECT_EQ(distinct.size(), size_t{kThreads * kEach});
}

}  // namespace
}  // namespace cantine::domain
