#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/booking_client.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/member_client.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/site_client.h"
#include "tools/cantinectl/site_commands.h"
#include "tools/cantinectl/table.h"

namespace cantine::cantinectl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

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

// ---- Arguments ----

absl::StatusOr<Invocation> Parse(std::vector<std::string> args, Environment env = {}) {
  return ParseArguments(args, env);
}

TEST(ParseArgumentsTest, DefaultsWithoutFlagsOrEnvironment) {
  absl::StatusOr<Invocation> parsed = Parse({"site"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(std::holds_alternative<GetSiteCommand>(parsed->command));
  EXPECT_EQ(parsed->options.node, "127.0.0.1:7101");
  EXPECT_FALSE(parsed->options.json);
  EXPECT_EQ(parsed->options.admin_credential_file, "");
  EXPECT_EQ(parsed->options.timeout, absl::Seconds(5));
}

TEST(ParseArgumentsTest, EnvironmentGivesDefaultsThatFlagsOverride) {
  const Environment env{
      .node = "10.0.0.1:7000", .admin_credential_file = "/env/admin", .new_idempotency_key = ""};
  absl::StatusOr<Invocation> from_env = Parse({"sites"}, env);
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->options.node, "10.0.0.1:7000");
  EXPECT_EQ(from_env->options.admin_credential_file, "/env/admin");

  absl::StatusOr<Invocation> from_flags =
      Parse({"--node", "127.0.0.1:7199", "sites", "--admin_credential_file=/flag/admin"}, env);
  ASSERT_TRUE(from_flags.ok());
  EXPECT_EQ(from_flags->options.node, "127.0.0.1:7199");
  EXPECT_EQ(from_flags->options.admin_credential_file, "/flag/admin");
}

TEST(ParseArgumentsTest, EmptyEnvironmentNodeFallsBackToTheDefault) {
  absl::StatusOr<Invocation> parsed = Parse(
      {"site"}, {.node = "", .admin_credential_file = std::nullopt, .new_idempotency_key = ""});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.node, "127.0.0.1:7101");
}

TEST(ParseArgumentsTest, GlobalFlagsBeforeOrAfterTheCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "--timeout", "1500ms", "spaces", "--all"},
           {"spaces", "--all", "--json", "--timeout=1500ms"},
           {"--all", "spaces", "--timeout=1500ms", "--json=true"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(parsed->options.json);
    EXPECT_EQ(parsed->options.timeout, absl::Milliseconds(1500));
    ASSERT_TRUE(std::holds_alternative<ListSpacesCommand>(parsed->command));
    EXPECT_TRUE(std::get<ListSpacesCommand>(parsed->command).include_retired);
  }
}

TEST(ParseArgumentsTest, HelpInAnyForm) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"help"}, {"space", "create", "--help"}, {"--json", "--help"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(std::holds_alternative<HelpCommand>(parsed->command));
  }
}

TEST(ParseArgumentsTest, UsageTextDocumentsExitCodesAndEnvironment) {
  const std::string usage = UsageText();
  EXPECT_THAT(usage, HasSubstr("Exit codes:"));
  EXPECT_THAT(usage, HasSubstr("CANTINE_NODE"));
  EXPECT_THAT(usage, HasSubstr("CANTINE_ADMIN_CREDENTIAL_FILE"));
  EXPECT_THAT(usage, HasSubstr("space create ID"));
}

TEST(ParseArgumentsTest, SpaceIdVersusKeywords) {
  absl::StatusOr<Invocation> get = Parse({"space", "coworking"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(std::get<GetSpaceCommand>(get->command).space_id, "coworking");

  absl::StatusOr<Invocation> retire = Parse({"space", "retire", "coworking"});
  ASSERT_TRUE(retire.ok());
  EXPECT_EQ(std::get<RetireSpaceCommand>(retire->command).space_id, "coworking");

  absl::StatusOr<Invocation> no_id = Parse({"space", "retire"});
  EXPECT_TRUE(absl::IsInvalidArgument(no_id.status()));
  EXPECT_THAT(std::string(no_id.status().message()), HasSubstr("space retire ID"));
}

TEST(ParseArgumentsTest, SpaceCreateWithEveryFlag) {
  absl::StatusOr<Invocation> parsed =
      Parse({"space", "create", "quiet-room", "--name", "Quiet room", "--kind=room", "--seats", "4",
             "--price", "40", "--description", "By the window"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& create = std::get<CreateSpaceCommand>(parsed->command);
  EXPECT_EQ(create.space_id, "quiet-room");
  EXPECT_EQ(create.display_name, "Quiet room");
  EXPECT_EQ(create.kind, v1::SPACE_KIND_MEETING_ROOM);
  EXPECT_EQ(create.seats, 4);
  EXPECT_EQ(create.price, "40");
  EXPECT_EQ(create.description, "By the window");
}

TEST(ParseArgumentsTest, SpaceCreateNamesTheMissingFlags) {
  absl::StatusOr<Invocation> parsed = Parse({"space", "create", "x", "--name", "X", "--seats=3"});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_EQ(std::string(parsed.status().message()), "space create needs --kind, --price");
}

TEST(ParseArgumentsTest, SyntaxErrorsAreRefusedLocally) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"bogus"}, "unknown command 'bogus'"},
      {{"--bogus", "site"}, "unknown flag --bogus"},
      {{"-x", "site"}, "unknown flag '-x'"},
      {{"site", "--node"}, "--node needs a value"},
      {{"site", "--node="}, "--node is empty"},
      {{"site", "--json=yes"}, "--json takes no value"},
      {{"site", "--json", "--json"}, "--json is given more than once"},
      {{"site", "--timeout", "5"}, "--timeout '5' is not a positive duration"},
      {{"site", "--timeout", "-1s"}, "is not a positive duration"},
      {{"site", "--all"}, "--all does not apply to 'site'"},
      {{"site", "extra"}, "unexpected argument 'extra'"},
      {{"space", "a", "b"}, "unexpected argument 'b'"},
      {{"space"}, "usage: cantinectl space ID"},
      {{"space", "update", "x", "--kind", "desk"}, "--kind does not apply to 'space update'"},
      {{"space", "update", "x"}, "needs at least one of"},
      {{"space", "update", "x", "--seats", "many"}, "--seats 'many' is not a whole number"},
      {{"space", "update", "x", "--seats", "1.5"}, "is not a whole number"},
      {{"space", "update", "x", "--price", "15,00"}, "--price '15,00' is not a price"},
      {{"space", "create", "x", "--name", "X", "--kind", "sofa", "--seats", "1", "--price", "1"},
       "--kind must be desk"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

TEST(ParseArgumentsTest, SpaceUpdateKeepsOnlyTheGivenFields) {
  absl::StatusOr<Invocation> parsed =
      Parse({"space", "update", "coworking", "--seats", "30", "--description="});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& update = std::get<UpdateSpaceCommand>(parsed->command);
  EXPECT_EQ(update.seats, 30);
  EXPECT_EQ(update.description, "");
  EXPECT_FALSE(update.display_name.has_value());
  EXPECT_FALSE(update.price.has_value());
}

TEST(ParseArgumentsTest, DoubleDashEndsTheFlags) {
  absl::StatusOr<Invocation> parsed = Parse({"--json", "--", "space", "--odd"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<GetSpaceCommand>(parsed->command).space_id, "--odd");
}

// ---- Arguments of the member and booking commands ----

constexpr char kGeneratedKey[] = "ctl-00000000000000000000000000000001";

absl::StatusOr<Invocation> ParseWithKey(std::vector<std::string> args) {
  return ParseArguments(args, {.node = std::nullopt,
                               .admin_credential_file = std::nullopt,
                               .new_idempotency_key = kGeneratedKey});
}

TEST(ParseBookingArgumentsTest, MemberRegisterAndGet) {
  absl::StatusOr<Invocation> registered =
      Parse({"member", "register", "--name", "Ada Lovelace", "--email=ada@example.org"});
  ASSERT_TRUE(registered.ok()) << registered.status();
  const auto& command = std::get<RegisterMemberCommand>(registered->command);
  EXPECT_EQ(command.display_name, "Ada Lovelace");
  EXPECT_EQ(command.email, "ada@example.org");

  absl::StatusOr<Invocation> get = Parse({"member", "paris-3f9a0c2d4e5b6a71"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(std::get<GetMemberCommand>(get->command).member_id, "paris-3f9a0c2d4e5b6a71");
}

TEST(ParseBookingArgumentsTest, AvailabilityDefaultsToOneDay) {
  absl::StatusOr<Invocation> one = Parse({"availability", "coworking", "--from", "2027-01-11"});
  ASSERT_TRUE(one.ok()) << one.status();
  const auto& day = std::get<AvailabilityCommand>(one->command);
  EXPECT_EQ(day.space_id, "coworking");
  EXPECT_EQ(day.first_day, absl::CivilDay(2027, 1, 11));
  EXPECT_EQ(day.last_day, absl::CivilDay(2027, 1, 11));

  absl::StatusOr<Invocation> week =
      Parse({"availability", "coworking", "--from=2027-01-11", "--to=2027-01-15"});
  ASSERT_TRUE(week.ok()) << week.status();
  EXPECT_EQ(std::get<AvailabilityCommand>(week->command).last_day, absl::CivilDay(2027, 1, 15));
}

TEST(ParseBookingArgumentsTest, BookWithEveryFlag) {
  absl::StatusOr<Invocation> parsed = ParseWithKey(
      {"book", "coworking", "--member", "paris-3f9a0c2d4e5b6a71", "--start", "2027-01-11 09:00",
       "--end", "2027-01-12T19:00", "--seats", "3", "--key", "k1"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& book = std::get<BookCommand>(parsed->command);
  EXPECT_EQ(book.space_id, "coworking");
  EXPECT_EQ(book.member_id, "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(book.start, absl::CivilMinute(2027, 1, 11, 9, 0));
  EXPECT_EQ(book.end, absl::CivilMinute(2027, 1, 12, 19, 0));
  EXPECT_EQ(book.seats, 3);
  EXPECT_EQ(book.idempotency_key, "k1");
  EXPECT_FALSE(book.idempotency_key_generated);
}

TEST(ParseBookingArgumentsTest, BookDefaultsToOneSeatAndAGeneratedKey) {
  absl::StatusOr<Invocation> parsed =
      ParseWithKey({"book", "meeting-room", "--member", "m", "--start", "2027-01-11T09:00", "--end",
                    "2027-01-11T24:00"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& book = std::get<BookCommand>(parsed->command);
  EXPECT_EQ(book.seats, 1);
  EXPECT_EQ(book.idempotency_key, kGeneratedKey);
  EXPECT_TRUE(book.idempotency_key_generated);
  // 24:00 is the end of the day: 00:00 of the next.
  EXPECT_EQ(book.end, absl::CivilMinute(2027, 1, 12, 0, 0));
}

TEST(ParseBookingArgumentsTest, BookingIdCommands) {
  absl::StatusOr<Invocation> cancel = Parse({"cancel", "paris-b1"});
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(std::get<CancelBookingCommand>(cancel->command).booking_id, "paris-b1");
  absl::StatusOr<Invocation> checkin = Parse({"checkin", "paris-b1"});
  ASSERT_TRUE(checkin.ok());
  EXPECT_EQ(std::get<CheckInCommand>(checkin->command).booking_id, "paris-b1");
  absl::StatusOr<Invocation> get = Parse({"booking", "paris-b1", "--json"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(std::get<GetBookingCommand>(get->command).booking_id, "paris-b1");
  EXPECT_TRUE(get->options.json);
}

TEST(ParseBookingArgumentsTest, BookingsByMemberOrBySpaceDay) {
  absl::StatusOr<Invocation> by_member = Parse({"bookings", "--member", "m1"});
  ASSERT_TRUE(by_member.ok()) << by_member.status();
  const auto& member = std::get<ListBookingsCommand>(by_member->command);
  EXPECT_EQ(member.member_id, "m1");
  EXPECT_FALSE(member.all_pages);

  absl::StatusOr<Invocation> by_day =
      Parse({"bookings", "--space", "coworking", "--day", "2027-01-11", "--all"});
  ASSERT_TRUE(by_day.ok()) << by_day.status();
  const auto& day = std::get<ListBookingsCommand>(by_day->command);
  EXPECT_EQ(day.member_id, "");
  EXPECT_EQ(day.space_id, "coworking");
  EXPECT_EQ(day.day, absl::CivilDay(2027, 1, 11));
  EXPECT_TRUE(day.all_pages);
}

TEST(ParseBookingArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::string> book = {"book", "coworking", "--member", "m"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = book;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"member"}, "usage: cantinectl member ID | member register"},
      {{"member", "register", "--name", "Ada"}, "member register needs --email"},
      {{"member", "register"}, "member register needs --name, --email"},
      {{"member", "m1", "--email", "a@b.c"}, "--email does not apply to 'member ID'"},
      {{"availability", "coworking"}, "availability needs --from DAY"},
      {{"availability", "--from", "2027-01-11"}, "usage: cantinectl availability SPACE"},
      {{"availability", "coworking", "--from", "2027-02-30"}, "--from 2027-2-30 is not a calendar"},
      {{"availability", "coworking", "--from", "2027-1-11"}, "--from '2027-1-11' is not a date"},
      {{"availability", "coworking", "--from", "11/01/2027"}, "write YYYY-MM-DD"},
      {{"availability", "coworking", "--from", "2027-01-11", "--to", "2027-13-01"},
       "--to 2027-13-1 is not a calendar date"},
      {{"availability", "coworking", "--from", "1999-12-31"}, "--from has year 1999"},
      {{"book", "coworking", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00"},
       "book needs --member"},
      {with({}), "book needs --start, --end"},
      {with({"--start", "2027-02-30 09:00", "--end", "2027-03-01 13:00"}),
       "--start 2027-2-30 is not a calendar date"},
      {with({"--start", "2027-01-11 25:00", "--end", "2027-01-11 13:00"}),
       "--start has time 25:0; hours must be 0-23"},
      {with({"--start", "2027-01-11 09:60", "--end", "2027-01-11 13:00"}), "--start has time 9:60"},
      {with({"--start", "2027-01-11 09:00", "--end", "25:00"}),
       "--end '25:00' is not a date and time at the venue; write 2027-01-11 09:00 or "
       "2027-01-11T09:00"},
      {with({"--start", "2027-01-11 9:00", "--end", "2027-01-11 13:00"}), "is not a date and time"},
      {with({"--start", "2027-01-11", "--end", "2027-01-11 13:00"}), "is not a date and time"},
      {with({"--start", "2027-01-11 09:00Z", "--end", "2027-01-11 13:00"}),
       "is not a date and time"},
      {with({"--start", "2027-01-11 24:30", "--end", "2027-01-11 13:00"}),
       "--start has time 24:30"},
      {with({"--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00", "--seats", "two"}),
       "--seats 'two' is not a whole number"},
      {with({"--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00", "--seats", "1.5"}),
       "--seats '1.5' is not a whole number"},
      {with({"--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00", "--seats="}),
       "--seats '' is not a whole number"},
      {with({"--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00", "--key="}),
       "--key is empty"},
      {with({"--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00", "--day", "2027-01-11"}),
       "--day does not apply to 'book'"},
      {{"cancel"}, "usage: cantinectl cancel BOOKING_ID"},
      {{"checkin", "a", "b"}, "unexpected argument 'b'; usage: cantinectl checkin BOOKING_ID"},
      {{"booking", "b1", "--all"}, "--all does not apply to 'booking'"},
      {{"bookings"}, "bookings needs --member ID, or --space SPACE --day DAY"},
      {{"bookings", "--space", "coworking"}, "bookings --space needs --day DAY"},
      {{"bookings", "--day", "2027-01-11"}, "bookings --day needs --space SPACE"},
      {{"bookings", "--member", "m", "--space", "s", "--day", "2027-01-11"}, "not both"},
      {{"bookings", "--member="}, "--member is empty"},
      {{"bookings", "--space", "coworking", "--day", "2027-02-29"},
       "--day 2027-2-29 is not a calendar date"},
      {{"bookings", "m1"}, "unexpected argument 'm1'"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = ParseWithKey(args);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

TEST(ParseBookingArgumentsTest, BookWithoutKeyNeedsOneGenerated) {
  absl::StatusOr<Invocation> parsed = Parse({"book", "coworking", "--member", "m", "--start",
                                             "2027-01-11 09:00", "--end", "2027-01-11 13:00"});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("book needs --key"));
}

TEST(ParseBookingArgumentsTest, UsageTextDocumentsTheBookingCommands) {
  const std::string usage = UsageText();
  for (const char* command :
       {"member register --name NAME --email EMAIL", "member ID", "availability SPACE --from DAY",
        "book SPACE --member ID --start TIME --end TIME [--seats N] [--key KEY]", "booking ID",
        "bookings --member ID [--all]", "bookings --space SPACE --day DAY [--all]", "cancel ID",
        "checkin ID"}) {
    EXPECT_THAT(usage, HasSubstr(command));
  }
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

// ---- Output ----

v1::Site ParisSite() {
  v1::Site site;
  site.set_site_id("paris");
  site.set_display_name("La Cantine");
  site.set_street_address("151 rue Montmartre, 75002 Paris");
  site.set_city("Paris");
  site.set_country_code("FR");
  site.set_time_zone("Europe/Paris");
  site.set_currency_code("EUR");
  v1::SitePolicy* policy = site.mutable_policy();
  for (int day = v1::WEEKDAY_MONDAY; day <= v1::WEEKDAY_FRIDAY; ++day) {
    policy->add_open_weekdays(static_cast<v1::Weekday>(day));
  }
  policy->mutable_opens_at()->set_hours(9);
  policy->mutable_closes_at()->set_hours(19);
  v1::HalfDaySlot* morning = policy->add_half_day_slots();
  morning->set_name("morning");
  morning->mutable_start_time()->set_hours(9);
  morning->mutable_end_time()->set_hours(13);
  v1::HalfDaySlot* afternoon = policy->add_half_day_slots();
  afternoon->set_name("afternoon");
  afternoon->mutable_start_time()->set_hours(14);
  afternoon->mutable_end_time()->set_hours(19);
  policy->mutable_room_block()->set_seconds(7200);
  policy->set_max_booking_days(21);
  policy->set_booking_horizon_days(90);
  policy->mutable_cancellation_window()->set_seconds(86400);
  policy->mutable_no_show_grace()->set_seconds(3600);
  return site;
}

v1::Space MakeSpace(const std::string& id, v1::SpaceKind kind, int32_t seats, int64_t price,
                    v1::SpaceState state = v1::SPACE_STATE_ACTIVE) {
  v1::Space space;
  space.set_site_id("paris");
  space.set_space_id(id);
  space.set_display_name(id == "coworking" ? "Co-working desks" : "Meeting room");
  space.set_kind(kind);
  space.set_seats(seats);
  space.mutable_price_per_slot()->set_currency_code("EUR");
  space.mutable_price_per_slot()->set_amount_minor(price);
  space.set_state(state);
  return space;
}

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
            "SPACE         KIND          SEATS  PRICE PER SLOT        STATE    NAME\n"
            "coworking     desk pool        24  15.00 EUR / half-day  active   Co-working desks\n"
            "meeting-room  meeting room      8  80.00 EUR / 2h block  retired  Meeting room\n");
}

TEST(OutputTest, SiteDetail) {
  const std::string text = FormatSite(ParisSite());
  EXPECT_THAT(text, HasSubstr("Site             paris\n"));
  EXPECT_THAT(text, HasSubstr("Open days        Mon, Tue, Wed, Thu, Fri\n"));
  EXPECT_THAT(text, HasSubstr("Hours            09:00-19:00 Europe/Paris\n"));
  EXPECT_THAT(text, HasSubstr("Half-day slots   morning 09:00-13:00, afternoon 14:00-19:00\n"));
  EXPECT_THAT(text, HasSubstr("Room block       2h\n"));
  EXPECT_THAT(text, HasSubstr("Max booking      21 days\n"));
  EXPECT_THAT(text, HasSubstr("Booking horizon  90 days\n"));
  EXPECT_THAT(text, HasSubstr("Cancellation     until 24h before the start\n"));
  EXPECT_THAT(text, HasSubstr("No-show grace    1h after the start\n"));
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

v1::CivilDateTime VenueTime(int year, int month, int day, int hours, int minutes) {
  v1::CivilDateTime time;
  time.set_year(year);
  time.set_month(month);
  time.set_day(day);
  time.set_hours(hours);
  time.set_minutes(minutes);
  return time;
}

v1::CivilDate VenueDay(int year, int month, int day) {
  v1::CivilDate date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

google::protobuf::Timestamp UtcInstant(absl::CivilMinute utc) {
  google::protobuf::Timestamp time;
  time.set_seconds(absl::ToUnixSeconds(absl::FromCivil(utc, absl::UTCTimeZone())));
  return time;
}

// A desk booking in Paris on Monday 2027-01-11, the whole day (two half-days), 2 seats.
// As the node sends it, its slots carry their instants but not their civil times.
v1::Booking MakeBooking(const std::string& id,
                        v1::BookingState state = v1::BOOKING_STATE_CONFIRMED) {
  v1::Booking booking;
  booking.set_booking_id(id);
  booking.set_site_id("paris");
  booking.set_space_id("coworking");
  booking.set_space_kind(v1::SPACE_KIND_DESK_POOL);
  booking.set_member_id("paris-3f9a0c2d4e5b6a71");
  booking.set_seats(2);
  booking.set_time_zone("Europe/Paris");
  *booking.mutable_start() = VenueTime(2027, 1, 11, 9, 0);
  *booking.mutable_end() = VenueTime(2027, 1, 11, 19, 0);
  // Paris is UTC+1 in January.
  *booking.mutable_start_time() = UtcInstant(absl::CivilMinute(2027, 1, 11, 8, 0));
  *booking.mutable_end_time() = UtcInstant(absl::CivilMinute(2027, 1, 11, 18, 0));
  for (const auto& [index, from, to] : {std::tuple{0, 8, 12}, std::tuple{1, 13, 18}}) {
    v1::BookedSlot* slot = booking.add_slots();
    *slot->mutable_day() = VenueDay(2027, 1, 11);
    slot->set_index(index);
    *slot->mutable_start_time() = UtcInstant(absl::CivilMinute(2027, 1, 11, from, 0));
    *slot->mutable_end_time() = UtcInstant(absl::CivilMinute(2027, 1, 11, to, 0));
  }
  booking.mutable_price()->set_currency_code("EUR");
  booking.mutable_price()->set_amount_minor(6000);
  booking.set_state(state);
  booking.set_idempotency_key("ctl-0123456789abcdef0123456789abcdef");
  *booking.mutable_create_time() = UtcInstant(absl::CivilMinute(2026, 11, 29, 15, 10));
  *booking.mutable_update_time() = UtcInstant(absl::CivilMinute(2026, 11, 29, 15, 10));
  return booking;
}

v1::SlotAvailability MakeSlotAvailability(v1::CivilDate day, const std::string& name,
                                          v1::CivilDateTime start, v1::CivilDateTime end,
                                          int32_t total, int32_t free) {
  v1::SlotAvailability availability;
  *availability.mutable_slot()->mutable_day() = day;
  availability.mutable_slot()->set_name(name);
  *availability.mutable_slot()->mutable_start() = start;
  *availability.mutable_slot()->mutable_end() = end;
  availability.set_seats_total(total);
  availability.set_seats_free(free);
  return availability;
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

TEST(OutputTest, BookingsTableNamesTheZoneOnce) {
  v1::ListBookingsResponse response;
  *response.add_bookings() = MakeBooking("paris-0000000000000001");
  v1::Booking room = MakeBooking("paris-0000000000000002", v1::BOOKING_STATE_CANCELLED);
  room.set_space_id("meeting-room");
  room.set_seats(1);
  *room.mutable_start() = VenueTime(2027, 1, 12, 11, 0);
  *room.mutable_end() = VenueTime(2027, 1, 12, 13, 0);
  room.mutable_slots()->RemoveLast();
  room.mutable_price()->set_amount_minor(8000);
  *response.add_bookings() = room;
  EXPECT_EQ(
      FormatBookings(response),
      "BOOKING                 SPACE         SEATS  START             END                        "
      "    SLOTS      PRICE  STATE\n"
      "paris-0000000000000001  coworking         2  2027-01-11 09:00  2027-01-11 19:00 "
      "Europe/Paris      2  60.00 EUR  confirmed\n"
      "paris-0000000000000002  meeting-room      1  2027-01-12 11:00  2027-01-12 13:00 "
      "Europe/Paris      1  80.00 EUR  cancelled\n");

  response.set_next_page_token("next");
  EXPECT_THAT(FormatBookings(response),
              HasSubstr("cancelled\nMore bookings follow; add --all to list them all.\n"));
}

TEST(OutputTest, BookingDetailListsItsSlotsInVenueTime) {
  EXPECT_EQ(FormatBooking(MakeBooking("paris-0000000000000001")),
            "Booking  paris-0000000000000001\n"
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
            "Created    2026-11-29 16:10 Europe/Paris\n");
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

// ---- Commands against a fake node ----

class FakeSiteClient : public SiteClient {
 public:
  absl::StatusOr<v1::Site> GetSite() override {
    ++get_site_calls;
    if (!get_site_error.ok()) return get_site_error;
    return site;
  }
  absl::StatusOr<v1::ListSitesResponse> ListSites() override {
    v1::ListSitesResponse response;
    *response.add_sites() = site;
    return response;
  }
  absl::StatusOr<v1::ListSpacesResponse> ListSpaces(const v1::ListSpacesRequest&) override {
    return spaces;
  }
  absl::StatusOr<v1::Space> GetSpace(const v1::GetSpaceRequest&) override { return space; }
  absl::StatusOr<v1::Space> CreateSpace(const v1::CreateSpaceRequest& request,
                                        const std::string& admin_credential) override {
    created = request;
    credential = admin_credential;
    return space;
  }
  absl::StatusOr<v1::Space> UpdateSpace(const v1::UpdateSpaceRequest& request,
                                        const std::string& admin_credential) override {
    updated = request;
    credential = admin_credential;
    return space;
  }
  absl::StatusOr<v1::Space> RetireSpace(const v1::RetireSpaceRequest&,
                                        const std::string& admin_credential) override {
    credential = admin_credential;
    return space;
  }

  v1::Site site = ParisSite();
  absl::Status get_site_error;
  absl::StatusOr<v1::ListSpacesResponse> spaces;
  absl::StatusOr<v1::Space> space = MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500);
  int get_site_calls = 0;
  std::optional<v1::CreateSpaceRequest> created;
  std::optional<v1::UpdateSpaceRequest> updated;
  std::optional<std::string> credential;
};

class FakeMemberClient : public MemberClient {
 public:
  absl::StatusOr<v1::Member> RegisterMember(const v1::RegisterMemberRequest& request) override {
    registered = request;
    return member;
  }
  absl::StatusOr<v1::Member> GetMember(const v1::GetMemberRequest& request) override {
    requested_id = request.member_id();
    return member;
  }

  absl::StatusOr<v1::Member> member = [] {
    v1::Member m;
    m.set_member_id("paris-3f9a0c2d4e5b6a71");
    m.set_home_site_id("paris");
    m.set_display_name("Ada Lovelace");
    m.set_email("ada@example.org");
    return m;
  }();
  std::optional<v1::RegisterMemberRequest> registered;
  std::optional<std::string> requested_id;
};

class FakeBookingClient : public BookingClient {
 public:
  absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      const v1::GetAvailabilityRequest& request) override {
    availability_request = request;
    return availability;
  }
  absl::StatusOr<v1::Booking> CreateBooking(const v1::CreateBookingRequest& request) override {
    created = request;
    return booking;
  }
  absl::StatusOr<v1::Booking> CancelBooking(const v1::CancelBookingRequest& request) override {
    calls.push_back("cancel " + request.booking_id());
    return booking;
  }
  absl::StatusOr<v1::Booking> GetBooking(const v1::GetBookingRequest& request) override {
    calls.push_back("get " + request.booking_id());
    return booking;
  }
  absl::StatusOr<v1::Booking> CheckIn(const v1::CheckInRequest& request) override {
    calls.push_back("checkin " + request.booking_id());
    return booking;
  }
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(
      const v1::ListBookingsRequest& request, const std::string* admin_credential) override {
    list_requests.push_back(request);
    list_credentials.push_back(admin_credential ? std::optional(*admin_credential) : std::nullopt);
    auto page = pages.find(request.page_token());
    if (page == pages.end()) return absl::InvalidArgumentError("unknown page_token");
    return page->second;
  }

  absl::StatusOr<v1::GetAvailabilityResponse> availability;
  absl::StatusOr<v1::Booking> booking = MakeBooking("paris-0000000000000001");
  // ListBookings answers by page token.
  std::map<std::string, absl::StatusOr<v1::ListBookingsResponse>> pages;
  std::optional<v1::GetAvailabilityRequest> availability_request;
  std::optional<v1::CreateBookingRequest> created;
  std::vector<std::string> calls;
  std::vector<v1::ListBookingsRequest> list_requests;
  std::vector<std::optional<std::string>> list_credentials;
};

class RunCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    credential_file_ = testing::TempDir() + "/cantinectl_test_admin";
    std::ofstream(credential_file_) << "  s3cret-credential-0123456789  \nsecond line\n";
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    absl::StatusOr<Invocation> invocation =
        ParseArguments(args, {.node = std::nullopt,
                              .admin_credential_file = credential_file_,
                              .new_idempotency_key = kGeneratedKey});
    EXPECT_TRUE(invocation.ok()) << invocation.status();
    if (!invocation.ok()) return -1;
    return RunCommand(*invocation, {client_, members_, bookings_}, out_, err_);
  }

  std::string credential_file_;
  FakeSiteClient client_;
  FakeMemberClient members_;
  FakeBookingClient bookings_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RunCommandTest, CreateSendsMinorUnitsInTheSiteCurrencyWithTheCredential) {
  EXPECT_EQ(Run({"space", "create", "quiet", "--name", "Quiet", "--kind", "room", "--seats", "4",
                 "--price", "40.5"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(client_.created.has_value());
  const v1::Space& sent = client_.created->space();
  EXPECT_EQ(sent.space_id(), "quiet");
  EXPECT_EQ(sent.kind(), v1::SPACE_KIND_MEETING_ROOM);
  EXPECT_EQ(sent.seats(), 4);
  EXPECT_EQ(sent.price_per_slot().currency_code(), "EUR");
  EXPECT_EQ(sent.price_per_slot().amount_minor(), 4050);
  EXPECT_EQ(client_.credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), HasSubstr("Price        15.00 EUR per half-day\n"));
}

TEST_F(RunCommandTest, PriceUsesTheDigitsOfTheSiteCurrency) {
  client_.site.set_currency_code("JPY");
  EXPECT_EQ(Run({"space", "update", "coworking", "--price", "1500"}), kExitOk) << err_.str();
  ASSERT_TRUE(client_.updated.has_value());
  EXPECT_EQ(client_.updated->price_per_slot().amount_minor(), 1500);
  EXPECT_EQ(client_.updated->price_per_slot().currency_code(), "JPY");
  EXPECT_FALSE(client_.updated->has_seats());

  client_.updated.reset();
  EXPECT_EQ(Run({"space", "update", "coworking", "--price", "15.50"}), kExitUsage);
  EXPECT_FALSE(client_.updated.has_value());
  EXPECT_EQ(err_.str(),
            "cantinectl: INVALID_ARGUMENT: --price '15.50' is more precise than JPY allows (0 "
            "decimals)\n");
}

TEST_F(RunCommandTest, UpdateWithoutPriceDoesNotAskForTheCurrency) {
  EXPECT_EQ(Run({"--json", "space", "update", "coworking", "--seats", "30"}), kExitOk);
  EXPECT_EQ(client_.get_site_calls, 0);
  EXPECT_EQ(client_.updated->seats(), 30);
  EXPECT_FALSE(client_.updated->has_price_per_slot());
  EXPECT_THAT(out_.str(), HasSubstr("\"spaceId\": \"coworking\""));
}

TEST_F(RunCommandTest, ManagerWritesNeedACredentialFile) {
  absl::StatusOr<Invocation> invocation = ParseArguments({"space", "retire", "coworking"}, {});
  ASSERT_TRUE(invocation.ok());
  EXPECT_EQ(RunCommand(*invocation, {client_, members_, bookings_}, out_, err_), kExitUsage);
  EXPECT_FALSE(client_.credential.has_value());
  EXPECT_THAT(err_.str(), StartsWith("cantinectl: FAILED_PRECONDITION: this command needs the "
                                     "admin credential"));

  EXPECT_EQ(Run({"space", "retire", "coworking", "--admin_credential_file", "/nonexistent/x"}),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("cannot read the admin credential file '/nonexistent/x'"));
}

TEST_F(RunCommandTest, ServerErrorsMapToExitCodes) {
  client_.space = absl::NotFoundError("no space 'nope' at this site");
  EXPECT_EQ(Run({"space", "nope"}), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: NOT_FOUND: no space 'nope' at this site\n");
  EXPECT_EQ(out_.str(), "");

  client_.spaces = absl::UnavailableError("failed to connect to all addresses");
  EXPECT_EQ(Run({"--node", "127.0.0.1:1", "spaces"}), kExitUnreachable);
  EXPECT_EQ(err_.str(),
            "cantinectl: UNAVAILABLE: failed to connect to all addresses (node 127.0.0.1:1)\n");

  client_.spaces = absl::InternalError("disk on fire");
  EXPECT_EQ(Run({"spaces"}), kExitFailure);
  EXPECT_EQ(err_.str(), "cantinectl: INTERNAL: disk on fire\n");
}

TEST_F(RunCommandTest, WritesFetchTheSiteForTheTableBeforeWriting) {
  client_.get_site_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"space", "retire", "coworking"}), kExitUnreachable);
  EXPECT_FALSE(client_.credential.has_value());
  EXPECT_EQ(Run({"space", "update", "coworking", "--seats", "3"}), kExitUnreachable);
  EXPECT_FALSE(client_.updated.has_value());

  EXPECT_EQ(Run({"--json", "space", "retire", "coworking"}), kExitOk);
  EXPECT_EQ(client_.credential, "s3cret-credential-0123456789");
}

TEST_F(RunCommandTest, SpacesTableAndJson) {
  v1::ListSpacesResponse response;
  *response.add_spaces() = MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500);
  client_.spaces = response;
  EXPECT_EQ(Run({"spaces"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("15.00 EUR / half-day"));
  EXPECT_EQ(client_.get_site_calls, 1);
  EXPECT_EQ(Run({"spaces", "--json"}), kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("{\n"));
  EXPECT_EQ(client_.get_site_calls, 1);
}

TEST_F(RunCommandTest, HelpGoesToStandardOutput) {
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("Usage: cantinectl"));
  EXPECT_EQ(err_.str(), "");
}

// ---- Member and booking commands against a fake node ----

TEST_F(RunCommandTest, MemberRegisterPrintsTheNewId) {
  EXPECT_EQ(Run({"member", "register", "--name", "Ada Lovelace", "--email", "ada@example.org"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(members_.registered.has_value());
  EXPECT_EQ(members_.registered->display_name(), "Ada Lovelace");
  EXPECT_EQ(members_.registered->email(), "ada@example.org");
  EXPECT_THAT(out_.str(), StartsWith("Member     paris-3f9a0c2d4e5b6a71\n"));
  EXPECT_EQ(client_.get_site_calls, 1);

  EXPECT_EQ(Run({"member", "paris-3f9a0c2d4e5b6a71", "--json"}), kExitOk);
  EXPECT_EQ(members_.requested_id, "paris-3f9a0c2d4e5b6a71");
  EXPECT_THAT(out_.str(), HasSubstr("\"memberId\": \"paris-3f9a0c2d4e5b6a71\""));
  EXPECT_EQ(client_.get_site_calls, 1);
}

TEST_F(RunCommandTest, MemberRegisterFetchesTheSiteBeforeWriting) {
  client_.get_site_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"member", "register", "--name", "Ada", "--email", "ada@example.org"}),
            kExitUnreachable);
  EXPECT_FALSE(members_.registered.has_value());
}

TEST_F(RunCommandTest, AvailabilitySendsVenueDays) {
  v1::GetAvailabilityResponse response;
  response.set_time_zone("Europe/Paris");
  *response.add_slots() =
      MakeSlotAvailability(VenueDay(2027, 1, 11), "morning", VenueTime(2027, 1, 11, 9, 0),
                           VenueTime(2027, 1, 11, 13, 0), 24, 20);
  bookings_.availability = response;
  EXPECT_EQ(Run({"availability", "coworking", "--from", "2027-01-11", "--to", "2027-01-15"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.availability_request.has_value());
  EXPECT_EQ(bookings_.availability_request->space_id(), "coworking");
  EXPECT_EQ(FormatCivilDate(bookings_.availability_request->first_day()), "2027-01-11");
  EXPECT_EQ(FormatCivilDate(bookings_.availability_request->last_day()), "2027-01-15");
  EXPECT_THAT(out_.str(), HasSubstr("Mon 2027-01-11  morning  09:00-13:00               20/24\n"));
  EXPECT_EQ(client_.get_site_calls, 0);

  EXPECT_EQ(Run({"--json", "availability", "coworking", "--from", "2027-01-11"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"timeZone\": \"Europe/Paris\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"seatsFree\": 20"));
}

TEST_F(RunCommandTest, BookSendsVenueTimesAndPrintsTheGeneratedKeyFirst) {
  EXPECT_EQ(Run({"book", "coworking", "--member", "paris-3f9a0c2d4e5b6a71", "--start",
                 "2027-01-11T09:00", "--end", "2027-01-11 19:00", "--seats", "2"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.created.has_value());
  const v1::CreateBookingRequest& sent = *bookings_.created;
  EXPECT_EQ(sent.space_id(), "coworking");
  EXPECT_EQ(sent.member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(FormatCivilDateTime(sent.start()), "2027-01-11 09:00");
  EXPECT_EQ(FormatCivilDateTime(sent.end()), "2027-01-11 19:00");
  EXPECT_EQ(sent.seats(), 2);
  EXPECT_EQ(sent.idempotency_key(), kGeneratedKey);
  EXPECT_EQ(err_.str(),
            absl::StrCat("cantinectl: booking with the generated idempotency key ", kGeneratedKey,
                         "; to retry this booking, add --key ", kGeneratedKey, "\n"));
  EXPECT_THAT(out_.str(), StartsWith("Booking  paris-0000000000000001\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Start    2027-01-11 09:00 Europe/Paris\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Price    60.00 EUR\n"));
}

TEST_F(RunCommandTest, BookWithAKeySaysNothingMore) {
  EXPECT_EQ(Run({"--json", "book", "coworking", "--member", "m", "--start", "2027-01-11 09:00",
                 "--end", "2027-01-11 13:00", "--key", "retry-1"}),
            kExitOk);
  EXPECT_EQ(bookings_.created->idempotency_key(), "retry-1");
  EXPECT_EQ(bookings_.created->seats(), 1);
  EXPECT_EQ(err_.str(), "");
  EXPECT_THAT(out_.str(), HasSubstr("\"bookingId\": \"paris-0000000000000001\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"timeZone\": \"Europe/Paris\""));
}

TEST_F(RunCommandTest, AFailedBookingStillShowsTheKeyToRetryWith) {
  bookings_.booking = absl::DeadlineExceededError("Deadline Exceeded");
  EXPECT_EQ(Run({"book", "coworking", "--member", "m", "--start", "2027-01-11 09:00", "--end",
                 "2027-01-11 13:00"}),
            kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr(absl::StrCat("add --key ", kGeneratedKey, "\n")));
  EXPECT_THAT(err_.str(), HasSubstr("cantinectl: DEADLINE_EXCEEDED: Deadline Exceeded (node "));
  EXPECT_EQ(out_.str(), "");

  bookings_.booking = absl::FailedPreconditionError("'coworking' is full");
  EXPECT_EQ(Run({"book", "coworking", "--member", "m", "--start", "2027-01-11 09:00", "--end",
                 "2027-01-11 13:00", "--key", "k"}),
            kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: FAILED_PRECONDITION: 'coworking' is full\n");
}

TEST_F(RunCommandTest, CancelCheckInAndGetNameTheBooking) {
  EXPECT_EQ(Run({"cancel", "paris-b1"}), kExitOk);
  EXPECT_EQ(Run({"checkin", "paris-b2"}), kExitOk);
  EXPECT_EQ(Run({"booking", "paris-b3"}), kExitOk);
  EXPECT_THAT(bookings_.calls, ElementsAre("cancel paris-b1", "checkin paris-b2", "get paris-b3"));
  EXPECT_THAT(out_.str(), HasSubstr("State    confirmed\n"));
  EXPECT_EQ(client_.get_site_calls, 0);

  bookings_.booking = absl::NotFoundError("no booking 'paris-x' at this venue");
  EXPECT_EQ(Run({"booking", "paris-x"}), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: NOT_FOUND: no booking 'paris-x' at this venue\n");
}

TEST_F(RunCommandTest, BookingsOfAMemberOnePageWithoutCredential) {
  v1::ListBookingsResponse first;
  *first.add_bookings() = MakeBooking("paris-0000000000000001");
  first.set_next_page_token("p2");
  bookings_.pages[""] = first;
  EXPECT_EQ(Run({"bookings", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_EQ(bookings_.list_requests[0].member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(bookings_.list_credentials[0], std::nullopt);
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000001  coworking"));
  EXPECT_THAT(out_.str(), HasSubstr("More bookings follow; add --all"));
}

TEST_F(RunCommandTest, BookingsWithAllFollowsThePages) {
  v1::ListBookingsResponse first;
  *first.add_bookings() = MakeBooking("paris-0000000000000001");
  first.set_next_page_token("p2");
  v1::ListBookingsResponse second;
  *second.add_bookings() = MakeBooking("paris-0000000000000002");
  bookings_.pages[""] = first;
  bookings_.pages["p2"] = second;
  EXPECT_EQ(Run({"--json", "bookings", "--member", "m1", "--all"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 2u);
  EXPECT_EQ(bookings_.list_requests[1].page_token(), "p2");
  EXPECT_EQ(bookings_.list_requests[1].member_id(), "m1");
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000001"));
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000002"));
  EXPECT_THAT(out_.str(), HasSubstr("\"nextPageToken\": \"\""));
}

TEST_F(RunCommandTest, BookingsWithAllStopsOnARepeatedToken) {
  v1::ListBookingsResponse looping;
  looping.set_next_page_token("p2");
  bookings_.pages[""] = looping;
  bookings_.pages["p2"] = looping;
  EXPECT_EQ(Run({"bookings", "--member", "m1", "--all"}), kExitFailure);
  EXPECT_EQ(bookings_.list_requests.size(), 2u);
  EXPECT_THAT(err_.str(), HasSubstr("INTERNAL: the node returned the same next_page_token twice"));
}

TEST_F(RunCommandTest, BookingsOfASpaceDayAreAManagerRead) {
  bookings_.pages[""] = v1::ListBookingsResponse();
  EXPECT_EQ(Run({"bookings", "--space", "coworking", "--day", "2027-01-11"}), kExitOk)
      << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_EQ(bookings_.list_requests[0].space_day().space_id(), "coworking");
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[0].space_day().day()), "2027-01-11");
  EXPECT_EQ(bookings_.list_credentials[0], "s3cret-credential-0123456789");
  EXPECT_EQ(out_.str(), "BOOKING  SPACE  SEATS  START  END  SLOTS  PRICE  STATE\n");

  absl::StatusOr<Invocation> invocation =
      ParseArguments({"bookings", "--space", "coworking", "--day", "2027-01-11"}, {});
  ASSERT_TRUE(invocation.ok());
  EXPECT_EQ(RunCommand(*invocation, {client_, members_, bookings_}, out_, err_), kExitUsage);
  EXPECT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_THAT(err_.str(), HasSubstr("this command needs the admin credential"));

  bookings_.pages[""] = absl::PermissionDeniedError("the admin credential is wrong");
  EXPECT_EQ(Run({"bookings", "--space", "coworking", "--day", "2027-01-11"}), kExitRefused);
}

}  // namespace
}  // namespace cantine::cantinectl
