// Visits, allowances and the settlement between sites: plain domain rules.

#include "services/domain/visits.h"

#include <algorithm>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cantine::domain {
namespace {

Booking Visit(const std::string& id, const std::string& host, const std::string& home,
              const std::string& currency, int64_t price, std::vector<absl::CivilDay> days,
              BookingState state = BookingState::kConfirmed) {
  Booking booking;
  booking.booking_id = id;
  booking.site_id = host;
  booking.home_site_id = home;
  booking.currency_code = currency;
  booking.price_minor = price;
  booking.state = state;
  for (absl::CivilDay day : days) {
    booking.slots.push_back({{day, 0}, "morning", absl::Time(), absl::Time()});
    booking.slots.push_back({{day, 1}, "afternoon", absl::Time(), absl::Time()});
  }
  return booking;
}

TEST(VisitsTest, OnlyChargedBookingsOfOtherSitesMembersAreVisits) {
  const absl::CivilDay day(2027, 1, 6);
  EXPECT_TRUE(IsChargedVisit(Visit("a", "paris", "milan", "EUR", 1, {day})));
  EXPECT_TRUE(IsChargedVisit(Visit("a", "paris", "milan", "EUR", 1, {day}, BookingState::kNoShow)));
  EXPECT_FALSE(
      IsChargedVisit(Visit("a", "paris", "milan", "EUR", 1, {day}, BookingState::kCancelled)));
  EXPECT_FALSE(IsChargedVisit(Visit("a", "paris", "paris", "EUR", 1, {day})));
  EXPECT_FALSE(IsChargedVisit(Visit("a", "paris", "", "EUR", 1, {day})));
  EXPECT_EQ(BookedDays(Visit("a", "paris", "milan", "EUR", 1, {day, day + 1})).size(), 2u);
}

TEST(VisitsTest, SettlementSumsPerHostHomeAndCurrencyWhateverTheOrder) {
  const absl::CivilDay day(2027, 1, 6);
  std::vector<Booking> bookings = {
      Visit("1", "paris", "milan", "EUR", 2000, {day}),
      Visit("2", "paris", "milan", "EUR", 3000, {day, day + 1}),
      Visit("3", "paris", "san-francisco", "EUR", 2500, {day}),
      Visit("4", "san-francisco", "paris", "USD", 4000, {day}),
      Visit("5", "paris", "milan", "EUR", 9999, {day}, BookingState::kCancelled),
      Visit("6", "paris", "paris", "EUR", 9999, {day}),
  };
  SettlementBuilder forward;
  for (const Booking& b : bookings) ASSERT_TRUE(forward.Add(b).ok());
  std::reverse(bookings.begin(), bookings.end());
  SettlementBuilder backward;
  for (const Booking& b : bookings) ASSERT_TRUE(backward.Add(b).ok());

  const std::vector<SettlementLine> lines = forward.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].host_site_id, "paris");
  EXPECT_EQ(lines[0].home_site_id, "milan");
  EXPECT_EQ(lines[0].visits, 2);
  EXPECT_EQ(lines[0].visit_days, 3);
  EXPECT_EQ(lines[0].amount_minor, 5000);
  EXPECT_EQ(lines[1].home_site_id, "san-francisco");
  EXPECT_EQ(lines[2].host_site_id, "san-francisco");
  EXPECT_EQ(lines[2].currency_code, "USD");
  ASSERT_EQ(backward.Lines().size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(backward.Lines()[i].amount_minor, lines[i].amount_minor);
    EXPECT_EQ(backward.Lines()[i].visits, lines[i].visits);
  }
}

TEST(VisitsTest, SettlementSumsAreCheckedAndNeverOverflow) {
  const absl::CivilDay day(2027, 1, 6);
  SettlementBuilder settlement;
  // The dearest bookings the bounds allow, until the next would overflow the line.
  const int64_t fit = std::numeric_limits<int64_t>::max() / kMaxBookingPriceMinor;
  for (int64_t i = 0; i < fit; ++i) {
    ASSERT_TRUE(
        settlement.Add(Visit("dear", "paris", "milan", "EUR", kMaxBookingPriceMinor, {day})).ok())
        << i;
  }
  ASSERT_TRUE(settlement.Add(Visit("cheap", "paris", "rome", "EUR", 2000, {day})).ok());
  const absl::Status overflow =
      settlement.Add(Visit("one-too-many", "paris", "milan", "EUR", kMaxBookingPriceMinor, {day}));
  EXPECT_EQ(overflow.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(overflow.message(), ::testing::HasSubstr("members of milan at paris in EUR"));
  // The line stays as it was, and the others are untouched.
  const std::vector<SettlementLine> lines = settlement.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].home_site_id, "milan");
  EXPECT_EQ(lines[0].visits, fit);
  EXPECT_EQ(lines[0].amount_minor, fit * kMaxBookingPriceMinor);
  EXPECT_EQ(lines[1].amount_minor, 2000);
  // A negative amount cannot wrap below the range either.
  SettlementBuilder refunds;
  ASSERT_TRUE(
      refunds.Add(Visit("1", "paris", "milan", "EUR", std::numeric_limits<int64_t>::min(), {day}))
          .ok());
  EXPECT_EQ(refunds.Add(Visit("2", "paris", "milan", "EUR", -1, {day})).code(),
            absl::StatusCode::kOutOfRange);
}

TEST(VisitsTest, AReceiptNamesItsVenueItsMembersHomeAndTheVenuesCurrency) {
  const absl::CivilDay day(2027, 1, 6);
  Booking receipt =
      Visit(MakeBookingId("paris", "00000000000000aa"), "paris", "milan", "EUR", 2000, {});
  receipt.member_id = "milan-0000000000000001";
  receipt.seats = 1;
  receipt.start = absl::FromCivil(absl::CivilMinute(2027, 1, 6, 9, 0), absl::UTCTimeZone());
  receipt.end = receipt.start + absl::Hours(4);
  receipt.slots.push_back({{day, 0}, "morning", receipt.start, receipt.end});
  const ReceiptContext context{.origin_site_id = "paris", .venue_currency_code = "EUR"};
  EXPECT_TRUE(CheckReceipt(receipt, context).ok());
  ReceiptContext known = context;
  known.member_home_site_id = "milan";
  EXPECT_TRUE(CheckReceipt(receipt, known).ok());
  known.member_home_site_id = "rome";  // The member's record says otherwise.
  EXPECT_EQ(CheckReceipt(receipt, known).code(), absl::StatusCode::kInvalidArgument);
  ReceiptContext relayed = context;
  relayed.origin_site_id = "rome";  // Another site sending paris's booking.
  EXPECT_EQ(CheckReceipt(receipt, relayed).code(), absl::StatusCode::kInvalidArgument);
  ReceiptContext dollars = context;
  dollars.venue_currency_code = "USD";
  EXPECT_EQ(CheckReceipt(receipt, dollars).code(), absl::StatusCode::kInvalidArgument);
  receipt.price_minor = kMaxPricePerSlotMinor;  // One slot, one seat, at the highest price.
  EXPECT_TRUE(CheckReceipt(receipt, context).ok());
  receipt.price_minor += 1;
  EXPECT_EQ(CheckReceipt(receipt, context).code(), absl::StatusCode::kInvalidArgument);
}

TEST(VisitsTest, AllowanceRefusalNamesTheAllowanceAndTheMonth) {
  EXPECT_TRUE(CheckVisitAllowance("m", "milan", 5, absl::CivilMonth(2027, 1), 3, 2).ok());
  absl::Status over = CheckVisitAllowance("m", "milan", 5, absl::CivilMonth(2027, 1), 4, 2);
  EXPECT_EQ(over.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(over.message(), ::testing::HasSubstr("used 4 of the 5 visit days"));
  EXPECT_THAT(over.message(), ::testing::HasSubstr("2027-01"));
}

TEST(VisitsTest, MonthsParseAndFormat) {
  EXPECT_EQ(ParseMonth("month", "2027-01").value(), absl::CivilMonth(2027, 1));
  EXPECT_EQ(FormatMonth(absl::CivilMonth(2027, 12)), "2027-12");
  for (const char* bad : {"2027-13", "2027-1", "27-01", "2027/01", "", "abcd-ef"}) {
    EXPECT_EQ(ParseMonth("month", bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(VisitsTest, AnOversizedBookingIdIsRefusedWithoutBeingEchoed) {
  const std::string huge = std::string(100'000, 'a') + "-0123456789abcdef";
  const absl::Status status = VenueOfBookingId("booking_id", huge).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(status.message().size(), 200u) << status.message().substr(0, 200);
}

TEST(VisitsTest, BookingIdsNameTheirVenue) {
  EXPECT_EQ(VenueOfBookingId("id", "san-francisco-0123456789abcdef").value(), "san-francisco");
  for (const char* bad : {"paris", "paris-123", "-0123456789abcdef", "paris_0123456789abcdeg"}) {
    EXPECT_EQ(VenueOfBookingId("id", bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace cantine::domain
