#include "storage/key_codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace cantine::storage {
namespace {

TEST(KeyCodecTest, Uint64OrderMatchesNumericOrder) {
  const std::vector<uint64_t> values = {
      0, 1, 255, 256, 65535, uint64_t{1} << 32, std::numeric_limits<uint64_t>::max()};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(KeyBuilder().AddUint64(values[i]).Build(),
              KeyBuilder().AddUint64(values[i + 1]).Build())
        << values[i] << " vs " << values[i + 1];
  }
}

TEST(KeyCodecTest, Int64OrderPutsNegativesFirst) {
  const std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1000, -1, 0, 1, 1000,
                                       std::numeric_limits<int64_t>::max()};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(KeyBuilder().AddInt64(values[i]).Build(),
              KeyBuilder().AddInt64(values[i + 1]).Build())
        << values[i] << " vs " << values[i + 1];
  }
}

TEST(KeyCodecTest, StringPrefixSortsBeforeLongerStringWhateverFollows) {
  // Without the terminator, ("ab", 0) would sort after ("a", 0xFF...) or mix with "a\0".
  const std::string short_key =
      KeyBuilder().AddString("a").AddUint64(std::numeric_limits<uint64_t>::max()).Build();
  const std::string long_key = KeyBuilder().AddString("ab").AddUint64(0).Build();
  EXPECT_LT(short_key, long_key);
  const std::string with_zero = KeyBuilder().AddString(std::string("a\0", 2)).Build();
  EXPECT_LT(KeyBuilder().AddString("a").Build(), with_zero);
  EXPECT_LT(with_zero, KeyBuilder().AddString("a\x01").Build());
}

TEST(KeyCodecTest, CompositeKeysSortComponentWise) {
  using Tuple = std::tuple<std::string, int64_t, uint64_t>;
  std::vector<Tuple> tuples = {
      {"paris", -5, 3},
      {"paris", -5, 2},
      {"milan", 7, 0},
      {"", 0, 0},
      {"paris", 10, 0},
      {"par", 99, 99},
      {std::string("p\0", 2), 0, 0},
      {"san-francisco", 0, 1},
  };
  auto encode = [](const Tuple& t) {
    return KeyBuilder()
        .AddString(std::get<0>(t))
        .AddInt64(std::get<1>(t))
        .AddUint64(std::get<2>(t))
        .Build();
  };
  std::vector<Tuple> by_value = tuples;
  std::sort(by_value.begin(), by_value.end());
  std::vector<Tuple> by_key = tuples;
  std::sort(by_key.begin(), by_key.end(),
            [&](const Tuple& a, const Tuple& b) { return encode(a) < encode(b); });
  EXPECT_EQ(by_value, by_key);
}

TEST(KeyCodecTest, ReaderRoundTripsEveryComponent) {
  const std::string text("caf\xC3\xA9\0x", 7);
  std::string key = KeyBuilder().AddString(text).AddInt64(-42).AddUint64(7).AddString("").Build();
  KeyReader reader(key);
  EXPECT_EQ(reader.ReadString().value(), text);
  EXPECT_EQ(reader.ReadInt64().value(), -42);
  EXPECT_EQ(reader.ReadUint64().value(), 7u);
  EXPECT_EQ(reader.ReadString().value(), "");
  EXPECT_TRUE(reader.done());
}

TEST(KeyCodecTest, ReaderRefusesTruncatedKeys) {
  std::string key = KeyBuilder().AddString("paris").Build();
  key.pop_back();
  KeyReader reader(key);
  EXPECT_EQ(reader.ReadString().status().code(), absl::StatusCode::kDataLoss);
  KeyReader short_reader("\x01\x02");
  EXPECT_EQ(short_reader.ReadUint64().status().code(), absl::StatusCode::kDataLoss);
}

TEST(KeyCodecTest, DayNumberCountsDaysFromTheEpoch) {
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 2)), 1);
  EXPECT_EQ(DayNumber(absl::CivilDay(1969, 12, 31)), -1);
  EXPECT_EQ(DayNumber(absl::CivilDay(2000, 3, 1)), 11017);
}

TEST(KeyCodecTest, AddDayIsTheDayNumberAndSortsInCalendarOrder) {
  const absl::CivilDay day(2026, 12, 3);
  EXPECT_EQ(KeyBuilder().AddDay(day).Build(), KeyBuilder().AddInt64(DayNumber(day)).Build());
  EXPECT_EQ(KeyReader(KeyBuilder().AddDay(day).Build()).ReadInt64().value(), DayNumber(day));
  const std::vector<absl::CivilDay> days = {
      absl::CivilDay(1901, 1, 1), absl::CivilDay(1969, 12, 31), absl::CivilDay(1970, 1, 1),
      absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 3, 1)};
  for (size_t i = 0; i + 1 < days.size(); ++i) {
    EXPECT_LT(KeyBuilder().AddDay(days[i]).Build(), KeyBuilder().AddDay(days[i + 1]).Build())
        << days[i] << " vs " << days[i + 1];
  }
}

}  // namespace
}  // namespace cantine::storage
