// cantinectl's building blocks: prices, the token file, tables, the output of each answer, exit
// codes.

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cantinectl_test_node.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/table.h"

namespace cantine::cantinectl {
namespace {

// ---- Prices ----
TEST(PriceSyntaxTest, AcceptsDecimalsInMajorUnits) {
  for (const char* text : {"15", "15.5", "15.50", "0", "0.05", "007"}) {
    EXPECT_TRUE(CheckPriceSyntax("--price", text).ok()) << text;
  }
}

TEST(PriceSyntaxTest, RejectsAnythingElseNamingTheFlag) {
  for (const char* text : {"", ".5", "15.", "15,00", "-3", "+3", "15 EUR", "EUR15", "1e3", " 15",
                           "15 ", "15.5.5", "abc", "1_000", "15.-5"}) {
    absl::Status status = CheckPriceSyntax("--price", text);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << "'" << text << "'";
    EXPECT_THAT(std::string(status.message()), StartsWith("--price '")) << text;
  }
}

TEST(ParsePriceMinorTest, ScalesByTheCurrencyDigits) {
  EXPECT_EQ(*ParsePriceMinor("--price", "15.00", 2, "EUR"), 1500);
  EXPECT_EQ(*ParsePriceMinor("--price", "15", 2, "EUR"), 1500);
  EXPECT_EQ(*ParsePriceMinor("--price", "15.5", 2, "EUR"), 1550);
  EXPECT_EQ(*ParsePriceMinor("--price", "0.05", 2, "EUR"), 5);
  EXPECT_EQ(*ParsePriceMinor("--price", "1500", 0, "JPY"), 1500);
  EXPECT_EQ(*ParsePriceMinor("--price", "1.5", 3, "KWD"), 1500);
}

TEST(ParsePriceMinorTest, AcceptsTrailingZerosBeyondThePrecision) {
  EXPECT_EQ(*ParsePriceMinor("--price", "15.000", 2, "EUR"), 1500);
  EXPECT_EQ(*ParsePriceMinor("--price", "1500.00", 0, "JPY"), 1500);
}

TEST(ParsePriceMinorTest, RejectsMorePrecisionThanTheCurrencyHas) {
  absl::StatusOr<int64_t> eur = ParsePriceMinor("--price", "15.005", 2, "EUR");
  EXPECT_TRUE(absl::IsInvalidArgument(eur.status()));
  EXPECT_THAT(std::string(eur.status().message()),
              HasSubstr("more precise than EUR allows (2 decimals)"));
  absl::StatusOr<int64_t> jpy = ParsePriceMinor("--price", "15.5", 0, "JPY");
  EXPECT_TRUE(absl::IsInvalidArgument(jpy.status()));
  EXPECT_THAT(std::string(jpy.status().message()), HasSubstr("JPY"));
}

TEST(ParsePriceMinorTest, RejectsBadSyntaxAndOverflow) {
  EXPECT_TRUE(absl::IsInvalidArgument(ParsePriceMinor("--price", "15,00", 2, "EUR").status()));
  EXPECT_EQ(*ParsePriceMinor("--price", "92233720368547758.07", 2, "EUR"),
            std::numeric_limits<int64_t>::max());
  absl::StatusOr<int64_t> too_large = ParsePriceMinor("--price", "92233720368547758.08", 2, "EUR");
  EXPECT_TRUE(absl::IsInvalidArgument(too_large.status()));
  EXPECT_THAT(std::string(too_large.status().message()), HasSubstr("too large"));
  EXPECT_FALSE(ParsePriceMinor("--price", "99999999999999999999999", 0, "JPY").ok());
}

TEST(FormatMoneyTest, ShowsMajorUnitsWithTheCurrency) {
  EXPECT_EQ(FormatMoney(1500, "EUR"), "15.00 EUR");
  EXPECT_EQ(FormatMoney(8000, "EUR"), "80.00 EUR");
  EXPECT_EQ(FormatMoney(5, "USD"), "0.05 USD");
  EXPECT_EQ(FormatMoney(0, "EUR"), "0.00 EUR");
  EXPECT_EQ(FormatMoney(-1550, "EUR"), "-15.50 EUR");
  EXPECT_EQ(FormatMoney(1500, "JPY"), "1500 JPY");
  EXPECT_EQ(FormatMoney(1500, "KWD"), "1.500 KWD");
  EXPECT_EQ(FormatMoney(std::numeric_limits<int64_t>::min(), "EUR"), "-92233720368547758.08 EUR");
}

TEST(FormatMoneyTest, ShowsAnUnknownCurrencyInMinorUnits) {
  EXPECT_EQ(FormatMoney(1500, "XYZ"), "1500 XYZ (minor units)");
}

TEST(MakeNodeChannelTest, UnreadableCaFileIsNamed) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeNodeChannel("127.0.0.1:1", false, "/nonexistent/ca.pem");
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(channel.status().message()), HasSubstr("/nonexistent/ca.pem"));
  EXPECT_TRUE(MakeNodeChannel("127.0.0.1:1", true, "").ok());
  EXPECT_TRUE(MakeNodeChannel("127.0.0.1:1", false, "").ok());
}

// ---- The token file ----
class TokenFileTest : public testing::Test {
 protected:
  void SetUp() override {
    // One folder per process: ctest runs the tests of this binary in parallel processes.
    folder_ = absl::StrCat(testing::TempDir(), "/cantinectl_test_tokens_", ::getpid());
    path_ = absl::StrCat(folder_, "/token");
    Clean();
  }
  void TearDown() override { Clean(); }
  void Clean() {
    ::unlink(path_.c_str());
    ::rmdir(folder_.c_str());
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat info;
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 0777;
  }

  std::string folder_;
  std::string path_;
};

TEST_F(TokenFileTest, WritesTheTokenOwnerOnlyAndCreatesTheFolder) {
  const StoredTokens tokens{
      .member_id = "paris-3f9a0c2d4e5b6a71", .booking = "abc.def", .account = "ghi.jkl"};
  ASSERT_TRUE(WriteTokenFile(path_, tokens).ok());
  EXPECT_EQ(ModeOf(folder_), 0700u);
  EXPECT_EQ(ModeOf(path_), 0600u);
  std::ifstream in(path_);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "member paris-3f9a0c2d4e5b6a71\nbooking abc.def\naccount ghi.jkl\n");
  absl::StatusOr<std::optional<StoredTokens>> read = ReadTokenFile(path_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, tokens);
}

TEST_F(TokenFileTest, AFileWithoutBothTokensIsAnError) {
  ASSERT_EQ(::mkdir(folder_.c_str(), 0700), 0);
  std::ofstream(path_) << "abc.def\n";  // One bare token: not a file 'login' writes.
  absl::StatusOr<std::optional<StoredTokens>> read = ReadTokenFile(path_);
  EXPECT_TRUE(absl::IsFailedPrecondition(read.status()));
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("run 'cantinectl login' again"));
  std::ofstream(path_) << "member m1\nbooking abc.def\n";
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadTokenFile(path_).status()));
}

TEST_F(TokenFileTest, ReplacesTheTokenAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(WriteTokenFile(path_, {.member_id = "m1", .booking = "first", .account = "a"}).ok());
  ::chmod(path_.c_str(), 0644);
  ASSERT_TRUE(WriteTokenFile(path_, {.member_id = "m1", .booking = "second", .account = "a"}).ok());
  EXPECT_EQ((*ReadTokenFile(path_))->booking, "second");
  EXPECT_EQ(ModeOf(path_), 0600u);
  // The folder holds the token file only: the temporary file was renamed over it.
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  EXPECT_EQ(::rmdir(folder_.c_str()), 0);
}

TEST_F(TokenFileTest, NoFileIsNoToken) {
  absl::StatusOr<std::optional<StoredTokens>> read = ReadTokenFile(path_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, std::nullopt);
}

TEST_F(TokenFileTest, AnEmptyFileIsAnError) {
  ASSERT_EQ(::mkdir(folder_.c_str(), 0700), 0);
  std::ofstream(path_) << "  \n";
  absl::StatusOr<std::optional<StoredTokens>> read = ReadTokenFile(path_);
  EXPECT_TRUE(absl::IsFailedPrecondition(read.status()));
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("starts with an empty line"));
}

TEST_F(TokenFileTest, WriteFailsNamingTheFileWhenTheFolderCannotBeMade) {
  const std::string path = absl::StrCat(folder_, "/no/such/token");
  absl::Status status = WriteTokenFile(path, {.member_id = "m", .booking = "b", .account = "a"});
  EXPECT_TRUE(absl::IsFailedPrecondition(status));
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
}

TEST_F(TokenFileTest, RemoveSaysWhetherThereWasAFile) {
  ASSERT_TRUE(WriteTokenFile(path_, {.member_id = "m", .booking = "b", .account = "a"}).ok());
  EXPECT_EQ(RemoveTokenFile(path_).value_or(false), true);
  EXPECT_EQ(*ReadTokenFile(path_), std::nullopt);
  absl::StatusOr<bool> again = RemoveTokenFile(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST(IdempotencyKeyTest, RandomHexWithAPrefix) {
  std::mt19937_64 engine(42);
  const std::string first = NewIdempotencyKey(absl::BitGenRef(engine));
  const std::string second = NewIdempotencyKey(absl::BitGenRef(engine));
  EXPECT_THAT(first, MatchesRegex("ctl-[0-9a-f]{32}"));
  EXPECT_THAT(second, MatchesRegex("ctl-[0-9a-f]{32}"));
  EXPECT_NE(first, second);
}

// ---- Tables ----
TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"ID", "SEATS", "NAME"});
  table.AlignRight(1);
  table.AddRow({"coworking", "24", "Co-working desks"});
  table.AddRow({"room", "8", "Salle de réunion"});
  table.AddRow({"short"});
  EXPECT_EQ(table.Render(),
            "ID         SEATS  NAME\n"
            "coworking     24  Co-working desks\n"
            "room           8  Salle de réunion\n"
            "short\n");
}

TEST(TableTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("réunion"), 7u);
  Table table;
  table.AddRow({"été", "x"});
  table.AddRow({"ab", "y"});
  EXPECT_EQ(table.Render(), "été  x\nab   y\n");
}

TEST(TableTest, EmptyTableRendersNothing) { EXPECT_EQ(Table().Render(), ""); }

TEST(OutputTest, TimesOfDayAndDurations) {
  v1::TimeOfDay nine_thirty;
  nine_thirty.set_hours(9);
  nine_thirty.set_minutes(30);
  EXPECT_EQ(FormatTimeOfDay(nine_thirty), "09:30");
  v1::TimeOfDay end_of_day;
  end_of_day.set_hours(24);
  EXPECT_EQ(FormatTimeOfDay(end_of_day), "24:00");

  google::protobuf::Duration duration;
  duration.set_seconds(7200);
  EXPECT_EQ(FormatDuration(duration), "2h");
  duration.set_seconds(86400);
  EXPECT_EQ(FormatDuration(duration), "24h");
  duration.set_seconds(5400);
  EXPECT_EQ(FormatDuration(duration), "1h30m");
  duration.set_seconds(0);
  EXPECT_EQ(FormatDuration(duration), "0");
  duration.set_nanos(-5);
  duration.set_seconds(1);
  EXPECT_EQ(FormatDuration(duration), "invalid");
}

TEST(OutputTest, InstantsInTheSiteTimeZoneNamed) {
  google::protobuf::Timestamp noon_utc;
  noon_utc.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilMinute(2024, 7, 1, 12, 0), absl::UTCTimeZone())));
  EXPECT_EQ(FormatInstant(noon_utc, "Europe/Paris"), "2024-07-01 14:00 Europe/Paris");
  EXPECT_EQ(FormatInstant(noon_utc, "Not/AZone"), "2024-07-01 12:00 UTC");
}

TEST(OutputTest, SpacesTable) {
  v1::ListSpacesResponse response;
  *response.add_spaces() = MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500);
  *response.add_spaces() =
      MakeSpace("meeting-room", v1::SPACE_KIND_MEETING_ROOM, 8, 8000, v1::SPACE_STATE_RETIRED);
  EXPECT_EQ(FormatSpaces(response, ParisSite()),
            "SPACE         KIND          SEATS  PRICE PER SLOT        VISITOR  STATE    NAME\n"
            "coworking     desk pool        24  15.00 EUR / half-day  -        active   "
            "Co-working desks\n"
            "meeting-room  meeting room      8  80.00 EUR / 2h block  -        retired  "
            "Meeting room\n");
}

TEST(OutputTest, SpacesTableShowsTheVisitorPricePerSlot) {
  v1::ListSpacesResponse response;
  v1::Space coworking = MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500);
  coworking.mutable_visitor_price_per_slot()->set_currency_code("EUR");
  coworking.mutable_visitor_price_per_slot()->set_amount_minor(1850);
  *response.add_spaces() = coworking;
  *response.add_spaces() = MakeSpace("meeting-room", v1::SPACE_KIND_MEETING_ROOM, 8, 8000);
  EXPECT_EQ(
      FormatSpaces(response, ParisSite()),
      "SPACE         KIND          SEATS  PRICE PER SLOT        VISITOR               STATE   "
      "NAME\n"
      "coworking     desk pool        24  15.00 EUR / half-day  18.50 EUR / half-day  active  "
      "Co-working desks\n"
      "meeting-room  meeting room      8  80.00 EUR / 2h block  -                     active  "
      "Meeting room\n");
}

TEST(OutputTest, SpaceDetailShowsTheVisitorPrice) {
  v1::Space space = MakeSpace("meeting-room", v1::SPACE_KIND_MEETING_ROOM, 8, 8000);
  EXPECT_THAT(FormatSpace(space, ParisSite()), HasSubstr("Visitor price  -\n"));
  space.mutable_visitor_price_per_slot()->set_currency_code("EUR");
  space.mutable_visitor_price_per_slot()->set_amount_minor(9500);
  const std::string text = FormatSpace(space, ParisSite());
  EXPECT_THAT(text, HasSubstr("Price          80.00 EUR per 2h block\n"
                              "Visitor price  95.00 EUR per 2h block\n"));
}

TEST(OutputTest, SiteDetail) {
  EXPECT_THAT(
      FormatSite(ParisSite()),
      ContainsAll({"Site             paris\n", "Open days        Mon, Tue, Wed, Thu, Fri\n",
                   "Hours            09:00-19:00 Europe/Paris\n",
                   "Half-day slots   morning 09:00-13:00, afternoon 14:00-19:00\n",
                   "Room block       2h\n", "Max booking      21 days\n",
                   "Booking horizon  90 days\n", "Cancellation     until 24h before the start\n",
                   "No-show grace    1h after the start\n"}));
}

TEST(OutputTest, JsonIsTheProtoJsonMappingWithEveryField) {
  absl::StatusOr<std::string> json =
      FormatJson(MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500));
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"spaceId\": \"coworking\""));
  EXPECT_THAT(*json, HasSubstr("\"kind\": \"SPACE_KIND_DESK_POOL\""));
  EXPECT_THAT(*json, HasSubstr("\"amountMinor\": \"1500\""));
  EXPECT_THAT(*json, HasSubstr("\"description\": \"\""));
  EXPECT_EQ(json->back(), '\n');
}

TEST(OutputTest, VenueTimesAsSentWithTheZoneNamed) {
  EXPECT_EQ(FormatCivilDate(VenueDay(2027, 1, 11)), "2027-01-11");
  EXPECT_EQ(FormatCivilDateTime(VenueTime(2027, 1, 11, 9, 0)), "2027-01-11 09:00");
  EXPECT_EQ(FormatCivilDateTime(VenueTime(2027, 1, 11, 24, 0)), "2027-01-11 24:00");
  EXPECT_EQ(FormatVenueTime(VenueTime(2027, 1, 11, 9, 0), "Europe/Paris"),
            "2027-01-11 09:00 Europe/Paris");
  // Never converted: a New York time stays as the venue sent it.
  EXPECT_EQ(FormatVenueTime(VenueTime(2027, 3, 14, 2, 30), "America/New_York"),
            "2027-03-14 02:30 America/New_York");
}

TEST(OutputTest, VenueTimeRanges) {
  EXPECT_EQ(FormatVenueTimeRange(VenueTime(2027, 1, 11, 9, 0), VenueTime(2027, 1, 11, 13, 0)),
            "09:00-13:00");
  EXPECT_EQ(FormatVenueTimeRange(VenueTime(2027, 1, 11, 22, 0), VenueTime(2027, 1, 12, 0, 0)),
            "22:00-24:00");
  EXPECT_EQ(FormatVenueTimeRange(VenueTime(2027, 1, 31, 22, 0), VenueTime(2027, 2, 1, 0, 0)),
            "22:00-24:00");
  EXPECT_EQ(FormatVenueTimeRange(VenueTime(2027, 1, 11, 9, 0), VenueTime(2027, 1, 12, 13, 0)),
            "2027-01-11 09:00-2027-01-12 13:00");
}

TEST(OutputTest, BookingStates) {
  EXPECT_EQ(BookingStateText(v1::BOOKING_STATE_CONFIRMED), "confirmed");
  EXPECT_EQ(BookingStateText(v1::BOOKING_STATE_CHECKED_IN), "checked in");
  EXPECT_EQ(BookingStateText(v1::BOOKING_STATE_CANCELLED), "cancelled");
  EXPECT_EQ(BookingStateText(v1::BOOKING_STATE_NO_SHOW), "no-show");
  EXPECT_EQ(BookingStateText(v1::BOOKING_STATE_UNSPECIFIED), "unspecified");
}

TEST(OutputTest, AvailabilityTable) {
  v1::GetAvailabilityResponse response;
  response.set_time_zone("Europe/Paris");
  *response.add_slots() =
      MakeSlotAvailability(VenueDay(2027, 1, 11), "morning", VenueTime(2027, 1, 11, 9, 0),
                           VenueTime(2027, 1, 11, 13, 0), 24, 24);
  *response.add_slots() =
      MakeSlotAvailability(VenueDay(2027, 1, 11), "afternoon", VenueTime(2027, 1, 11, 14, 0),
                           VenueTime(2027, 1, 11, 19, 0), 24, 3);
  *response.add_slots() =
      MakeSlotAvailability(VenueDay(2027, 1, 12), "morning", VenueTime(2027, 1, 12, 9, 0),
                           VenueTime(2027, 1, 12, 13, 0), 24, 0);
  EXPECT_EQ(FormatAvailability(response),
            "DAY             SLOT       TIME (Europe/Paris)  FREE/TOTAL\n"
            "Mon 2027-01-11  morning    09:00-13:00               24/24\n"
            "Mon 2027-01-11  afternoon  14:00-19:00                3/24\n"
            "Tue 2027-01-12  morning    09:00-13:00                0/24\n");
}

TEST(OutputTest, BookingsTableNamesEachBookingsVenueAndZone) {
  // A Paris member's itinerary: home, then San Francisco, then two days at home.
  v1::ListBookingsResponse response;
  v1::Booking home = MakeBooking("paris-0000000000000001");
  home.set_home_site_id("paris");
  *response.add_bookings() = home;
  *response.add_bookings() = MakeSanFranciscoVisit("sf-0000000000000002");
  v1::Booking room = MakeBooking("paris-0000000000000003", v1::BOOKING_STATE_CANCELLED);
  room.set_space_id("meeting-room");
  room.set_seats(1);
  *room.mutable_start() = VenueTime(2027, 1, 14, 17, 0);
  *room.mutable_end() = VenueTime(2027, 1, 15, 11, 0);
  room.mutable_price()->set_amount_minor(8000);
  *response.add_bookings() = room;
  // Each in its own venue's time, never converted: 08:00 in San Francisco stays 08:00.
  EXPECT_EQ(FormatBookings(response),
            "BOOKING                 SITE   SPACE         SEATS  WHEN (AT THE VENUE)               "
            "              SLOTS      PRICE  STATE\n"
            "paris-0000000000000001  paris  coworking         2  2027-01-11 09:00-19:00 "
            "Europe/Paris                 2  60.00 EUR  confirmed\n"
            "sf-0000000000000002     sf     desks             1  2027-01-13 08:00-12:00 "
            "America/Los_Angeles          1  25.00 USD  confirmed\n"
            "paris-0000000000000003  paris  meeting-room      1  2027-01-14 17:00-2027-01-15 "
            "11:00 Europe/Paris      2  80.00 EUR  cancelled\n");

  response.set_next_page_token("next");
  EXPECT_THAT(FormatBookings(response),
              HasSubstr("cancelled\nMore bookings follow; add --all to list them all.\n"));
}

TEST(OutputTest, VisitorsTableNamesTheDayMemberAndHomeSite) {
  v1::Site sf = ParisSite();
  sf.set_site_id("sf");
  sf.set_time_zone("America/Los_Angeles");
  v1::ListBookingsResponse response;
  *response.add_bookings() = MakeSanFranciscoVisit("sf-0000000000000002");
  v1::Booking checked_in = MakeSanFranciscoVisit("sf-0000000000000003");
  checked_in.set_member_id("milan-00000000000000aa");
  checked_in.set_home_site_id("milan");
  checked_in.set_state(v1::BOOKING_STATE_CHECKED_IN);
  *response.add_bookings() = checked_in;
  EXPECT_EQ(FormatVisitors(response, sf, VenueDay(2027, 1, 13)),
            "Visitors at sf on Wed 2027-01-13 (America/Los_Angeles)\n"
            "\n"
            "BOOKING              MEMBER                  HOME   SPACE  WHEN (AT THE VENUE)       "
            "                  STATE\n"
            "sf-0000000000000002  paris-3f9a0c2d4e5b6a71  paris  desks  2027-01-13 08:00-12:00 "
            "America/Los_Angeles  confirmed\n"
            "sf-0000000000000003  milan-00000000000000aa  milan  desks  2027-01-13 08:00-12:00 "
            "America/Los_Angeles  checked in\n");

  EXPECT_EQ(FormatVisitors(v1::ListBookingsResponse(), sf, VenueDay(2027, 1, 16)),
            "Visitors at sf on Sat 2027-01-16 (America/Los_Angeles)\n\n"
            "BOOKING  MEMBER  HOME  SPACE  WHEN (AT THE VENUE)  STATE\n");
  response.set_next_page_token("next");
  EXPECT_THAT(FormatVisitors(response, sf, VenueDay(2027, 1, 13)),
              HasSubstr("checked in\nMore visitors follow; add --all to list them all.\n"));
}

TEST(OutputTest, SettlementTableInEachLinesCurrency) {
  EXPECT_EQ(FormatSettlement(MakeSettlement()),
            "Settlement 2027-01: each HOME site owes the HOST site the AMOUNT.\n"
            "\n"
            "HOST   HOME   VISITS  DAYS       AMOUNT\n"
            "milan  paris       3     4   120.00 EUR\n"
            "paris  sf         12    15  1234.50 EUR\n"
            "sf     paris       1     1    25.00 USD\n"
            "tokyo  paris       2     2     6000 JPY\n");

  v1::Settlement quiet;
  quiet.set_month("2027-02");
  EXPECT_EQ(FormatSettlement(quiet), "Settlement 2027-02: no visits between sites.\n");
}

TEST(OutputTest, SiteDetailShowsTheVisitAllowance) {
  v1::Site site = ParisSite();
  EXPECT_THAT(FormatSite(site), HasSubstr("Visit allowance  no limit\n"));
  site.mutable_policy()->set_member_visit_days_per_month(12);
  EXPECT_THAT(FormatSite(site), HasSubstr("Visit allowance  12 days a month at other sites\n"));
  site.mutable_policy()->set_member_visit_days_per_month(1);
  EXPECT_EQ(VisitAllowanceText(site.policy()), "1 day a month at other sites");
  site.mutable_policy()->set_member_visit_days_per_month(0);
  EXPECT_EQ(VisitAllowanceText(site.policy()), "0 days a month at other sites");
}

TEST(OutputTest, BookingDetailNamesTheVenueAndAVisitorsHomeSite) {
  const std::string text = FormatBooking(MakeSanFranciscoVisit("sf-0000000000000002"));
  EXPECT_THAT(text, HasSubstr("Booking  sf-0000000000000002\n"
                              "Site     sf\n"));
  EXPECT_THAT(text, HasSubstr("Member   paris-3f9a0c2d4e5b6a71 (visitor from paris)\n"));
  EXPECT_THAT(text, HasSubstr("Start    2027-01-13 08:00 America/Los_Angeles\n"));
  EXPECT_THAT(text, HasSubstr("Slots    2027-01-13 08:00-12:00\n"));
  EXPECT_THAT(text, HasSubstr("Price    25.00 USD\n"));
}

TEST(OutputTest, BookingDetailListsItsSlotsInVenueTime) {
  EXPECT_EQ(FormatBooking(MakeBooking("paris-0000000000000001")),
            "Booking  paris-0000000000000001\n"
            "Site     paris\n"
            "Space    coworking (desk pool)\n"
            "Member   paris-3f9a0c2d4e5b6a71\n"
            "Seats    2\n"
            "Start    2027-01-11 09:00 Europe/Paris\n"
            "End      2027-01-11 19:00 Europe/Paris\n"
            "Slots    2027-01-11 09:00-13:00\n"
            "         2027-01-11 14:00-19:00\n"
            "Price    60.00 EUR\n"
            "State    confirmed\n"
            "Key      ctl-0123456789abcdef0123456789abcdef\n"
            "Created  2026-11-29 16:10 Europe/Paris\n"
            "Updated  2026-11-29 16:10 Europe/Paris\n");
}

TEST(OutputTest, BookingSlotCivilTimesWinOverInstants) {
  v1::Booking booking = MakeBooking("b");
  booking.mutable_slots()->RemoveLast();
  *booking.mutable_slots(0)->mutable_start() = VenueTime(2027, 1, 11, 9, 0);
  *booking.mutable_slots(0)->mutable_end() = VenueTime(2027, 1, 11, 13, 0);
  booking.mutable_slots(0)->clear_start_time();
  EXPECT_THAT(FormatBooking(booking), HasSubstr("Slots    2027-01-11 09:00-13:00\nPrice"));
}

TEST(OutputTest, MemberDetail) {
  v1::Member member;
  member.set_member_id("paris-3f9a0c2d4e5b6a71");
  member.set_home_site_id("paris");
  member.set_display_name("Ada Lovelace");
  member.set_email("ada@example.org");
  *member.mutable_create_time() = UtcInstant(absl::CivilMinute(2026, 11, 29, 15, 10));
  EXPECT_EQ(FormatMember(member, ParisSite()),
            "Member     paris-3f9a0c2d4e5b6a71\n"
            "Home site  paris\n"
            "Name       Ada Lovelace\n"
            "Email      ada@example.org\n"
            "Bio        -\n"
            "Skills     -\n"
            "City       -\n"
            "Links      -\n"
            "Shown      name (at every site)\n"
            "Created    2026-11-29 16:10 Europe/Paris\n");
}

TEST(OutputTest, ErasedMemberSaysSo) {
  v1::Member member;
  member.set_member_id("paris-3f9a0c2d4e5b6a71");
  member.set_home_site_id("paris");
  member.set_erased(true);
  EXPECT_EQ(FormatMember(member, ParisSite()),
            "Member     paris-3f9a0c2d4e5b6a71\n"
            "Home site  paris\n"
            "Name       -\n"
            "Email      -\n"
            "Bio        -\n"
            "Skills     -\n"
            "City       -\n"
            "Links      -\n"
            "Erased     yes: its personal data is dropped everywhere\n");
}

TEST(OutputTest, VenueSpansNameTheirDayAndZone) {
  EXPECT_EQ(FormatVenueSpan(VenueTime(2027, 1, 14, 18, 30), VenueTime(2027, 1, 14, 20, 0),
                            "Europe/Paris"),
            "2027-01-14 18:30-20:00 Europe/Paris");
  EXPECT_EQ(
      FormatVenueSpan(VenueTime(2027, 1, 14, 22, 0), VenueTime(2027, 1, 15, 0, 0), "Europe/Paris"),
      "2027-01-14 22:00-24:00 Europe/Paris");
  EXPECT_EQ(FormatVenueSpan(VenueTime(2027, 1, 14, 22, 0), VenueTime(2027, 1, 15, 2, 0),
                            "America/Los_Angeles"),
            "2027-01-14 22:00-2027-01-15 02:00 America/Los_Angeles");
}

TEST(OutputTest, EventStates) {
  EXPECT_EQ(EventStateText(v1::EVENT_STATE_SCHEDULED), "scheduled");
  EXPECT_EQ(EventStateText(v1::EVENT_STATE_CANCELLED), "cancelled");
  EXPECT_EQ(EventStateText(v1::EVENT_STATE_UNSPECIFIED), "unspecified");
}

TEST(OutputTest, EventsTableNamesEachEventsOwnZone) {
  v1::ListEventsResponse response;
  *response.add_events() = MakeEvent("paris-00000000000000e1");
  v1::Event hackathon = MakeEvent("san-francisco-00000000000000e2", v1::EVENT_STATE_CANCELLED);
  hackathon.set_host_site_id("san-francisco");
  hackathon.set_city("San Francisco");
  hackathon.set_title("Night hackathon");
  hackathon.set_time_zone("America/Los_Angeles");
  *hackathon.mutable_start() = VenueTime(2027, 1, 14, 22, 0);
  *hackathon.mutable_end() = VenueTime(2027, 1, 15, 2, 0);
  hackathon.set_capacity(120);
  hackathon.clear_tags();
  *response.add_events() = hackathon;
  EXPECT_EQ(
      FormatEvents(response),
      "EVENT                           HOST           TITLE            WHEN                   "
      "                                CAPACITY  STATE      TAGS\n"
      "paris-00000000000000e1          paris          AI meetup        2027-01-14 18:30-20:00 "
      "Europe/Paris                          40  scheduled  talk, ai\n"
      "san-francisco-00000000000000e2  san-francisco  Night hackathon  2027-01-14 "
      "22:00-2027-01-15 02:00 America/Los_Angeles       120  cancelled  -\n");

  response.set_next_page_token("next");
  EXPECT_THAT(FormatEvents(response),
              HasSubstr("  -\nMore events follow; add --all to list them all.\n"));
}

TEST(OutputTest, EventDetailInItsVenueTime) {
  EXPECT_EQ(FormatEvent(MakeEvent("paris-00000000000000e1")),
            "Event        paris-00000000000000e1\n"
            "Host         paris (Paris)\n"
            "Title        AI meetup\n"
            "Description  Talks and drinks\n"
            "Tags         talk, ai\n"
            "Start        2027-01-14 18:30 Europe/Paris\n"
            "End          2027-01-14 20:00 Europe/Paris\n"
            "Capacity     40\n"
            "State        scheduled\n"
            "Updated      2026-12-01 10:05 Europe/Paris\n");
}

TEST(OutputTest, NetworkStatusTables) {
  EXPECT_EQ(FormatNetworkStatus(MakeNetworkStatus()),
            "Node  paris\n"
            "\n"
            "ORIGIN           INCARNATION  SEQ HELD HERE\n"
            "milan          1764000000111              4\n"
            "paris          1764000000222             12\n"
            "san-francisco  1764000000333              3\n"
            "\n"
            "PEER           ADDRESS         CONNECTED  LAST CONTACT          ENTRIES RECEIVED  "
            "ENTRIES BEHIND  LAST ERROR\n"
            "milan          127.0.0.1:7203  yes        2027-01-11 08:00 UTC                 4  "
            "             0  -\n"
            "san-francisco  127.0.0.1:7202  no         never                                0  "
            "             2  failed to connect to all addresses\n");
}

TEST(OutputTest, NetworkStatusShowsWhatAPeerSentThatWasHeldOrRefused) {
  v1::NetworkStatus status = MakeNetworkStatus();
  v1::PeerLink* milan = status.mutable_peers(0);
  milan->set_entries_refused(3);
  v1::HeldOrigin* held = milan->add_held_origins();
  held->mutable_origin()->set_site_id("ghost");
  held->mutable_origin()->set_incarnation(7);
  held->set_reason(v1::HOLD_REASON_UNKNOWN_SITE);
  *held->mutable_retry_time() = UtcInstant(absl::CivilMinute(2027, 1, 11, 8, 1));
  const std::string text = FormatNetworkStatus(status);
  EXPECT_THAT(
      text, HasSubstr("VIA PEER  HELD ORIGIN  INCARNATION  REASON        RETRY\n"
                      "milan     ghost                  7  unknown site  2027-01-11 08:01 UTC\n"));
  EXPECT_THAT(text, HasSubstr("Entries refused (forged, oversized, over a bound): milan 3\n"));
  EXPECT_EQ(HoldReasonText(v1::HOLD_REASON_UNJUSTIFIED_REDACTION), "unjustified redaction");
}

TEST(FormatNetworkStatusTest, ANodeCatchingUpShowsWhatItHoldsOfWhatItsPeersHold) {
  v1::NetworkStatus status = MakeNetworkStatus();
  *status.add_known() = status.origins(0);
  status.mutable_known(0)->set_seq(40);     // milan: 4 held of 40.
  *status.add_known() = status.origins(1);  // paris: all 12 held.
  const std::string text = FormatNetworkStatus(status);
  EXPECT_TRUE(
      absl::EndsWith(text, "\nCatching up (entries held of those peers hold): milan 4/40\n"))
      << text;
  EXPECT_EQ(FormatNetworkStatus(MakeNetworkStatus()).find("Catching up"), std::string::npos);
}

TEST(OutputTest, NetworkStatusShowsEverySiteOfTheDirectoryFirst) {
  v1::NetworkStatus status = MakeNetworkStatus();
  const auto add = [&](const std::string& site_id, const std::string& city, v1::SiteStatus state) {
    v1::SiteHealth* site = status.add_sites();
    site->set_site_id(site_id);
    site->set_city(city);
    site->set_status(state);
    return site;
  };
  v1::SiteHealth* lyon = add("lyon", "Lyon", v1::SITE_STATUS_ACTIVE);
  lyon->set_entries_known(40);
  lyon->set_entries_held(4);
  v1::SiteHealth* milan = add("milan", "Milan", v1::SITE_STATUS_ACTIVE);
  milan->set_peer(true);
  milan->set_connected(true);
  *milan->mutable_last_contact() = UtcInstant(absl::CivilMinute(2027, 1, 11, 8, 0));
  milan->set_entries_held(4);
  milan->set_entries_known(4);
  add("paris", "Paris", v1::SITE_STATUS_ACTIVE)->set_self(true);
  add("rome", "Rome", v1::SITE_STATUS_SUSPENDED)->set_peer(true);
  add("ghost", "", v1::SITE_STATUS_UNSPECIFIED);
  const std::string text = FormatNetworkStatus(status);
  EXPECT_THAT(text, StartsWith(R"(Node  paris

SITE   CITY   STATUS      CONNECTED  LAST CONTACT          ENTRIES BEHIND  HELD/KNOWN
lyon   Lyon   active      relayed    -                                 36  4/40
milan  Milan  active      yes        2027-01-11 08:00 UTC               0  4/4
paris  Paris  active      this node  -                                  0  0/0
rome   Rome   suspended   no         never                              0  0/0
ghost  -      not listed  relayed    -                                  0  0/0

ORIGIN )"))
      << text;
}

TEST(OutputTest, DirectoryEventsAreTheLatestChangesNewestFirstWithTheirSigner) {
  v1::ListDirectoryChangesResponse response;
  const auto add = [&](const std::string& site_id, v1::DirectoryAction action, uint64_t version,
                       v1::SiteStatus state, absl::CivilMinute signed_at) {
    v1::DirectoryChange change;
    change.set_site_id(site_id);
    change.set_action(action);
    change.set_version(version);
    change.mutable_listing()->mutable_site()->set_city(site_id == "milan" ? "Milan" : "Lyon");
    change.mutable_listing()->set_status(state);
    *change.mutable_sign_time() = UtcInstant(signed_at);
    response.add_signed_changes()->set_change(change.SerializeAsString());
  };
  add("lyon", v1::DIRECTORY_ACTION_ADD_SITE, 1, v1::SITE_STATUS_ACTIVE,
      absl::CivilMinute(2027, 1, 10, 9, 0));
  add("milan", v1::DIRECTORY_ACTION_SUSPEND_SITE, 3, v1::SITE_STATUS_SUSPENDED,
      absl::CivilMinute(2027, 1, 11, 8, 30));
  response.add_signed_changes()->set_change("\xff\xff not a change");
  response.set_admin_key_id("3f9a0c2d4e5b6a71");
  EXPECT_EQ(FormatDirectoryEvents(response),
            "SIGNED                SITE   CITY   ACTION        VERSION  STATUS AFTER\n"
            "2027-01-11 08:30 UTC  milan  Milan  suspend site        3  suspended\n"
            "2027-01-10 09:00 UTC  lyon   Lyon   add site            1  active\n"
            "Signed by network admin key 3f9a0c2d4e5b6a71\n"
            "1 change(s) that do not parse left out\n");
  response.clear_admin_key_id();
  EXPECT_THAT(FormatDirectoryEvents(response),
              HasSubstr("Signed by unknown (the node has no admin key)\n"));
  EXPECT_EQ(FormatDirectoryEvents({}), "The directory lists no site.\n");
}

TEST(OutputTest, NetworkStatusOfALoneNode) {
  v1::NetworkStatus status;
  status.set_site_id("paris");
  EXPECT_EQ(FormatNetworkStatus(status),
            "Node  paris\n\nORIGIN  INCARNATION  SEQ HELD HERE\n\nPEER  ADDRESS  CONNECTED  LAST "
            "CONTACT  ENTRIES RECEIVED  ENTRIES BEHIND  LAST ERROR\n");
}

// ---- Exit codes ----
TEST(ExitCodeTest, ByWhatAScriptCanDo) {
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kInvalidArgument), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kNotFound), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kAlreadyExists), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kFailedPrecondition), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kPermissionDenied), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kUnauthenticated), kExitRefused);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kUnavailable), kExitUnreachable);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kDeadlineExceeded), kExitUnreachable);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kInternal), kExitFailure);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kResourceExhausted), kExitFailure);
  EXPECT_EQ(ExitCodeForCallStatus(absl::StatusCode::kUnknown), kExitFailure);
}

}  // namespace
}  // namespace cantine::cantinectl
