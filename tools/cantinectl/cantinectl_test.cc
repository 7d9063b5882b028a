#include <sys/stat.h>
#include <unistd.h>

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
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/admin_mock.grpc.pb.h"
#include "cantine/v1/booking_mock.grpc.pb.h"
#include "cantine/v1/event_mock.grpc.pb.h"
#include "cantine/v1/member_mock.grpc.pb.h"
#include "cantine/v1/site_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/test/client_context_test_peer.h"
#include "gtest/gtest.h"
#include "services/rpc/status_conversion.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/grpc_call.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/site_commands.h"
#include "tools/cantinectl/table.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Optional;
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
  const Environment env{.node = "10.0.0.1:7000",
                        .admin_credential_file = "/env/admin",
                        .token_file = std::nullopt,
                        .home = std::nullopt,
                        .ca_file = std::nullopt,
                        .new_idempotency_key = ""};
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

TEST(ParseArgumentsTest, TransportIsTlsByDefaultCaFromFlagElseEnvironmentOrInsecure) {
  absl::StatusOr<Invocation> parsed = Parse({"site"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->options.insecure);
  EXPECT_EQ(parsed->options.ca_file, "");  // The system's roots.

  Environment env;
  env.ca_file = "/env/ca.pem";
  parsed = Parse({"site"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.ca_file, "/env/ca.pem");
  parsed = Parse({"site", "--ca", "/flag/ca.pem"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.ca_file, "/flag/ca.pem");
  parsed = Parse({"--insecure", "site"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->options.insecure);
  EXPECT_EQ(parsed->options.ca_file, "");

  absl::StatusOr<Invocation> both = Parse({"--insecure", "--ca=/flag/ca.pem", "site"});
  EXPECT_TRUE(absl::IsInvalidArgument(both.status()));
  EXPECT_THAT(std::string(both.status().message()), HasSubstr("exclude each other"));
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--ca=", "site"}).status()));
  EXPECT_THAT(UsageText(), HasSubstr("--ca FILE"));
  EXPECT_THAT(UsageText(), HasSubstr("CANTINE_CA"));
}

TEST(MakeNodeChannelTest, UnreadableCaFileIsNamed) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeNodeChannel("127.0.0.1:1", false, "/nonexistent/ca.pem");
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(channel.status().message()), HasSubstr("/nonexistent/ca.pem"));
  EXPECT_TRUE(MakeNodeChannel("127.0.0.1:1", true, "").ok());
  EXPECT_TRUE(MakeNodeChannel("127.0.0.1:1", false, "").ok());
}

TEST(ParseArgumentsTest, EmptyEnvironmentNodeFallsBackToTheDefault) {
  absl::StatusOr<Invocation> parsed = Parse({"site"}, {.node = "",
                                                       .admin_credential_file = std::nullopt,
                                                       .token_file = std::nullopt,
                                                       .home = std::nullopt,
                                                       .ca_file = std::nullopt,
                                                       .new_idempotency_key = ""});
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
  EXPECT_THAT(usage, HasSubstr("[--visitor-price AMOUNT]"));
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
  EXPECT_FALSE(create.visitor_price.has_value());
  EXPECT_EQ(create.description, "By the window");
}

TEST(ParseArgumentsTest, SpaceCreateAndUpdateTakeAVisitorPrice) {
  absl::StatusOr<Invocation> created =
      Parse({"space", "create", "quiet-room", "--name", "Quiet room", "--kind", "room", "--seats",
             "4", "--price", "40", "--visitor-price", "55.50"});
  ASSERT_TRUE(created.ok()) << created.status();
  const auto& create = std::get<CreateSpaceCommand>(created->command);
  EXPECT_EQ(create.price, "40");
  EXPECT_EQ(create.visitor_price, "55.50");

  absl::StatusOr<Invocation> updated =
      Parse({"space", "update", "coworking", "--visitor-price=18"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  const auto& update = std::get<UpdateSpaceCommand>(updated->command);
  EXPECT_EQ(update.visitor_price, "18");
  EXPECT_FALSE(update.price.has_value());
  EXPECT_FALSE(update.seats.has_value());
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
      {{"space", "update", "x", "--visitor-price", "-3"}, "--visitor-price '-3' is not a price"},
      {{"space", "create", "x", "--name", "X", "--kind", "desk", "--seats", "1", "--price", "1",
        "--visitor-price", "15 EUR"},
       "--visitor-price '15 EUR' is not a price"},
      {{"space", "update", "x", "--visitor-price"}, "--visitor-price needs a value"},
      {{"space", "retire", "x", "--visitor-price", "1"},
       "--visitor-price does not apply to 'space retire'"},
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
  EXPECT_FALSE(update.visitor_price.has_value());
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
                               .token_file = std::nullopt,
                               .home = std::nullopt,
                               .ca_file = std::nullopt,
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
      {{"availability", "coworking", "--from", "2027-02-30"},
       "--from 2027-02-30 is not a calendar"},
      {{"availability", "coworking", "--from", "2027-1-11"}, "--from '2027-1-11' is not a date"},
      {{"availability", "coworking", "--from", "11/01/2027"}, "write YYYY-MM-DD"},
      {{"availability", "coworking", "--from", "2027-01-11", "--to", "2027-13-01"},
       "--to 2027-13-01 is not a calendar date"},
      {{"availability", "coworking", "--from", "1999-12-31"}, "--from has year 1999"},
      {{"book", "coworking", "--member=", "--start", "2027-01-11 09:00", "--end",
        "2027-01-11 13:00"},
       "--member is empty; give a member id, or omit it"},
      {with({}), "book needs --start, --end"},
      {with({"--start", "2027-02-30 09:00", "--end", "2027-03-01 13:00"}),
       "--start 2027-02-30 is not a calendar date"},
      {with({"--start", "2027-01-11 25:00", "--end", "2027-01-11 13:00"}),
       "--start has time 25:00; hours must be 0-23"},
      {with({"--start", "2027-01-11 09:60", "--end", "2027-01-11 13:00"}),
       "--start has time 09:60"},
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
       "--day 2027-02-29 is not a calendar date"},
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

TEST(ParseBookingArgumentsTest, BookWithoutMemberLeavesItToTheToken) {
  absl::StatusOr<Invocation> parsed = ParseWithKey(
      {"book", "coworking", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<BookCommand>(parsed->command).member_id, "");
}

// ---- Arguments of the network-wide booking commands ----

TEST(ParseTravelArgumentsTest, AvailabilityAndBookTakeTheVenue) {
  absl::StatusOr<Invocation> own = Parse({"availability", "coworking", "--from", "2027-01-11"});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(std::get<AvailabilityCommand>(own->command).site_id, "");  // The node's own.

  absl::StatusOr<Invocation> there =
      Parse({"availability", "coworking", "--site", "sf", "--from", "2027-01-11"});
  ASSERT_TRUE(there.ok()) << there.status();
  EXPECT_EQ(std::get<AvailabilityCommand>(there->command).site_id, "sf");
  EXPECT_EQ(std::get<AvailabilityCommand>(there->command).space_id, "coworking");

  absl::StatusOr<Invocation> book =
      ParseWithKey({"book", "coworking", "--site=sf", "--member", "paris-3f9a0c2d4e5b6a71",
                    "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00"});
  ASSERT_TRUE(book.ok()) << book.status();
  const auto& command = std::get<BookCommand>(book->command);
  EXPECT_EQ(command.site_id, "sf");
  EXPECT_EQ(command.space_id, "coworking");
  EXPECT_EQ(command.start, absl::CivilMinute(2027, 1, 11, 9, 0));

  absl::StatusOr<Invocation> book_here =
      ParseWithKey({"book", "coworking", "--member", "m", "--start", "2027-01-11 09:00", "--end",
                    "2027-01-11 13:00"});
  ASSERT_TRUE(book_here.ok()) << book_here.status();
  EXPECT_EQ(std::get<BookCommand>(book_here->command).site_id, "");
}

TEST(ParseTravelArgumentsTest, VisitorsTodayOrOnADay) {
  Environment env;
  env.now = absl::FromCivil(absl::CivilMinute(2027, 1, 11, 23, 30), absl::UTCTimeZone());
  absl::StatusOr<Invocation> today = Parse({"visitors"}, env);
  ASSERT_TRUE(today.ok()) << today.status();
  const auto& visitors = std::get<ListVisitorsCommand>(today->command);
  EXPECT_FALSE(visitors.day.has_value());  // Today at the venue: known once the site is.
  EXPECT_EQ(visitors.now, env.now);
  EXPECT_FALSE(visitors.all_pages);

  absl::StatusOr<Invocation> on_day = Parse({"visitors", "--day", "2027-01-14", "--all"}, env);
  ASSERT_TRUE(on_day.ok()) << on_day.status();
  EXPECT_EQ(std::get<ListVisitorsCommand>(on_day->command).day, absl::CivilDay(2027, 1, 14));
  EXPECT_TRUE(std::get<ListVisitorsCommand>(on_day->command).all_pages);
}

TEST(ParseTravelArgumentsTest, SettlementOfAMonth) {
  absl::StatusOr<Invocation> parsed = Parse({"settlement", "--month", "2027-01", "--json"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<SettlementCommand>(parsed->command).month, "2027-01");
  EXPECT_TRUE(parsed->options.json);
  EXPECT_EQ(std::get<SettlementCommand>(Parse({"settlement", "--month=2026-12"})->command).month,
            "2026-12");
}

TEST(ParseTravelArgumentsTest, PolicySetsOrClearsTheVisitAllowance) {
  absl::StatusOr<Invocation> set = Parse({"policy", "set-visit-days", "12"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(std::get<SetVisitAllowanceCommand>(set->command).visit_days_per_month, 12);

  absl::StatusOr<Invocation> none = Parse({"policy", "set-visit-days", "0"});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(std::get<SetVisitAllowanceCommand>(none->command).visit_days_per_month, 0);

  absl::StatusOr<Invocation> cleared = Parse({"policy", "clear-visit-days"});
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_FALSE(
      std::get<SetVisitAllowanceCommand>(cleared->command).visit_days_per_month.has_value());
}

TEST(ParseTravelArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"availability", "coworking", "--site=", "--from", "2027-01-11"},
       "--site is empty; give a site id, or omit it"},
      {{"book", "coworking", "--site", "", "--member", "m", "--start", "2027-01-11 09:00", "--end",
        "2027-01-11 13:00"},
       "--site is empty"},
      {{"bookings", "--member", "m", "--site", "sf"}, "--site does not apply to 'bookings'"},
      {{"cancel", "sf-0123456789abcdef", "--site", "sf"}, "--site does not apply to 'cancel'"},
      {{"visitors", "--day", "2027-02-30"}, "--day 2027-02-30 is not a calendar date"},
      {{"visitors", "--day", "today"}, "--day 'today' is not a date"},
      {{"visitors", "2027-01-11"},
       "unexpected argument '2027-01-11'; usage: cantinectl visitors [--day DAY] [--all]"},
      {{"visitors", "--month", "2027-01"}, "--month does not apply to 'visitors'"},
      {{"settlement"}, "settlement needs --month YYYY-MM"},
      {{"settlement", "--month", "2027-13"}, "--month '2027-13' is not a month; write YYYY-MM"},
      {{"settlement", "--month", "2027-00"}, "--month '2027-00' is not a month"},
      {{"settlement", "--month", "2027-1"}, "--month '2027-1' is not a month"},
      {{"settlement", "--month", "2027-01-11"}, "is not a month"},
      {{"settlement", "--month", "01/2027"}, "is not a month"},
      {{"settlement", "--month", "2027-01", "--day", "2027-01-11"},
       "--day does not apply to 'settlement'"},
      {{"settlement", "2027-01"}, "unexpected argument '2027-01'"},
      {{"policy"}, "usage: cantinectl policy set-visit-days N | policy clear-visit-days"},
      {{"policy", "visit-days", "3"}, "unknown policy command 'visit-days'"},
      {{"policy", "set-visit-days"}, "usage: cantinectl policy set-visit-days N"},
      {{"policy", "set-visit-days", "many"}, "'many' is not a whole number of days"},
      {{"policy", "set-visit-days", "2.5"}, "'2.5' is not a whole number of days"},
      {{"policy", "set-visit-days", "3", "4"}, "unexpected argument '4'"},
      {{"policy", "clear-visit-days", "3"}, "unexpected argument '3'"},
      {{"policy", "set-visit-days", "3", "--all"},
       "--all does not apply to 'policy set-visit-days'"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = ParseWithKey(args);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

// ---- Arguments of login, logout and the token file ----

TEST(ParseLoginArgumentsTest, LoginWithDefaultOrGivenTtl) {
  absl::StatusOr<Invocation> parsed = Parse({"login", "--member", "paris-3f9a0c2d4e5b6a71"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& login = std::get<LoginCommand>(parsed->command);
  EXPECT_EQ(login.member_id, "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(login.ttl, absl::Hours(12));

  parsed = Parse({"login", "--ttl=90m", "--member", "m1"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(std::get<LoginCommand>(parsed->command).ttl, absl::Minutes(90));

  parsed = Parse({"logout"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(std::holds_alternative<LogoutCommand>(parsed->command));
}

TEST(ParseLoginArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"login"}, "login needs --member ID"},
      {{"login", "--member="}, "--member is empty"},
      {{"login", "--member", "m1", "--ttl", "12"}, "--ttl '12' is not a positive duration"},
      {{"login", "--member", "m1", "--ttl", "-1h"}, "--ttl '-1h' is not a positive duration"},
      {{"login", "--member", "m1", "--ttl", "inf"}, "--ttl 'inf' is not a positive duration"},
      {{"login", "m1"}, "unexpected argument 'm1'; usage: cantinectl login --member ID"},
      {{"login", "--member", "m1", "--seats", "2"}, "--seats does not apply to 'login'"},
      {{"logout", "--member", "m1"}, "--member does not apply to 'logout'"},
      {{"logout", "now"}, "unexpected argument 'now'"},
      {{"--token_file=", "logout"}, "--token_file is empty"},
      {{"spaces", "--ttl", "1h"}, "--ttl does not apply to 'spaces'"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

TEST(ParseLoginArgumentsTest, TokenFileFromFlagElseEnvironmentElseHome) {
  Environment env{.node = std::nullopt,
                  .admin_credential_file = std::nullopt,
                  .token_file = "/env/token",
                  .home = "/home/ada",
                  .ca_file = std::nullopt,
                  .new_idempotency_key = ""};
  absl::StatusOr<Invocation> parsed = Parse({"logout", "--token_file", "/flag/token"}, env);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->options.token_file, "/flag/token");
  parsed = Parse({"logout"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.token_file, "/env/token");
  env.token_file = "";
  parsed = Parse({"logout"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.token_file, "/home/ada/.cantine/token");
  env.home = std::nullopt;
  parsed = Parse({"logout"}, env);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.token_file, "");
}

TEST(ParseLoginArgumentsTest, AsDeskIsAGlobalFlag) {
  absl::StatusOr<Invocation> parsed = Parse({"cancel", "b1", "--as_desk"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->options.as_desk);
  parsed = Parse({"cancel", "b1"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->options.as_desk);
}

TEST(ParseLoginArgumentsTest, UsageTextDocumentsLoginAndTheTokenFile) {
  const std::string usage = UsageText();
  EXPECT_THAT(usage, HasSubstr("login --member ID [--ttl DURATION]"));
  EXPECT_THAT(usage, HasSubstr("logout "));
  EXPECT_THAT(usage, HasSubstr("--token_file FILE"));
  EXPECT_THAT(usage, HasSubstr("$CANTINE_TOKEN_FILE"));
  EXPECT_THAT(usage, HasSubstr("$HOME/.cantine/token"));
  EXPECT_THAT(usage, HasSubstr("--as_desk"));
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

TEST(ParseBookingArgumentsTest, UsageTextDocumentsTheBookingCommands) {
  const std::string usage = UsageText();
  for (const char* command :
       {"member register --name NAME --email EMAIL", "member ID",
        "availability SPACE [--site SITE] --from DAY",
        "book SPACE [--site SITE] [--member ID] --start TIME --end TIME [--seats N] [--key KEY]",
        "booking ID", "bookings --member ID [--all]", "bookings --space SPACE --day DAY [--all]",
        "cancel ID", "checkin ID", "visitors [--day DAY] [--all]", "settlement --month YYYY-MM",
        "policy set-visit-days N", "policy clear-visit-days"}) {
    EXPECT_THAT(usage, HasSubstr(command));
  }
}

// ---- Arguments of the member writes, event and network commands ----

TEST(ParseEventArgumentsTest, MemberRegisterUpdateAndErase) {
  absl::StatusOr<Invocation> registered = Parse(
      {"member", "register", "--name", "Ada", "--email", "ada@example.org", "--bio", "Engines"});
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(std::get<RegisterMemberCommand>(registered->command).bio, "Engines");
  absl::StatusOr<Invocation> no_bio =
      Parse({"member", "register", "--name", "Ada", "--email", "ada@example.org"});
  ASSERT_TRUE(no_bio.ok()) << no_bio.status();
  EXPECT_EQ(std::get<RegisterMemberCommand>(no_bio->command).bio, "");

  absl::StatusOr<Invocation> updated =
      Parse({"member", "update", "paris-3f9a0c2d4e5b6a71", "--email", "ada@example.com", "--bio="});
  ASSERT_TRUE(updated.ok()) << updated.status();
  const auto& update = std::get<UpdateMemberCommand>(updated->command);
  EXPECT_EQ(update.member_id, "paris-3f9a0c2d4e5b6a71");
  EXPECT_FALSE(update.display_name.has_value());
  EXPECT_EQ(update.email, "ada@example.com");
  EXPECT_EQ(update.bio, "");
  EXPECT_FALSE(update.revoke_tokens);

  absl::StatusOr<Invocation> revoked =
      Parse({"member", "update", "paris-3f9a0c2d4e5b6a71", "--revoke-tokens"});
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(std::get<UpdateMemberCommand>(revoked->command).revoke_tokens);

  absl::StatusOr<Invocation> profile =
      Parse({"member", "register", "--name", "Ada", "--email", "ada@example.org", "--skill",
             "mathematics", "--skill", "poetry, science", "--city", "London", "--link",
             "https://example.org/a,b", "--show", "city, Links"});
  ASSERT_TRUE(profile.ok()) << profile.status();
  const auto& whole = std::get<RegisterMemberCommand>(profile->command);
  EXPECT_THAT(whole.skills, ElementsAre("mathematics", "poetry, science"));
  EXPECT_EQ(whole.city, "London");
  EXPECT_THAT(whole.links, ElementsAre("https://example.org/a,b"));
  EXPECT_THAT(whole.shown, ElementsAre(v1::PROFILE_FIELD_CITY, v1::PROFILE_FIELD_LINKS));
  // The desk completing a request gives the email alone.
  absl::StatusOr<Invocation> email_only =
      Parse({"member", "register", "--email", "ada@example.org"});
  ASSERT_TRUE(email_only.ok()) << email_only.status();
  EXPECT_EQ(std::get<RegisterMemberCommand>(email_only->command).display_name, "");

  absl::StatusOr<Invocation> choice =
      Parse({"member", "update", "m1", "--skills", "go, c++", "--links", "", "--show", ""});
  ASSERT_TRUE(choice.ok()) << choice.status();
  const auto& chosen = std::get<UpdateMemberCommand>(choice->command);
  EXPECT_THAT(chosen.skills, Optional(ElementsAre("go", "c++")));
  EXPECT_THAT(chosen.links, Optional(IsEmpty()));
  EXPECT_THAT(chosen.shown, Optional(IsEmpty()));
  EXPECT_FALSE(chosen.city.has_value());
  EXPECT_FALSE(update.skills.has_value());
  EXPECT_FALSE(update.shown.has_value());

  absl::StatusOr<Invocation> erased = Parse({"member", "erase", "paris-3f9a0c2d4e5b6a71"});
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(std::get<EraseMemberCommand>(erased->command).member_id, "paris-3f9a0c2d4e5b6a71");
}

TEST(ParseEventArgumentsTest, EventsWithoutFiltersListsScheduledEventsOnePage) {
  absl::StatusOr<Invocation> parsed = Parse({"events"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& events = std::get<ListEventsCommand>(parsed->command);
  EXPECT_EQ(events.city, "");
  EXPECT_EQ(events.site_id, "");
  EXPECT_EQ(events.tag, "");
  EXPECT_FALSE(events.from_day.has_value());
  EXPECT_FALSE(events.to_day.has_value());
  EXPECT_FALSE(events.include_cancelled);
  EXPECT_FALSE(events.all_pages);
}

TEST(ParseEventArgumentsTest, EventsWithEveryFilter) {
  absl::StatusOr<Invocation> parsed =
      Parse({"events", "--city", "Milano", "--site=milan", "--from", "2027-01-11", "--to",
             "2027-01-31", "--tag", "talk", "--all-states", "--all"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& events = std::get<ListEventsCommand>(parsed->command);
  EXPECT_EQ(events.city, "Milano");
  EXPECT_EQ(events.site_id, "milan");
  EXPECT_EQ(events.from_day, absl::CivilDay(2027, 1, 11));
  EXPECT_EQ(events.to_day, absl::CivilDay(2027, 1, 31));
  EXPECT_EQ(events.tag, "talk");
  EXPECT_TRUE(events.include_cancelled);
  EXPECT_TRUE(events.all_pages);

  absl::StatusOr<Invocation> to_only = Parse({"events", "--to", "2027-01-31"});
  ASSERT_TRUE(to_only.ok()) << to_only.status();
  EXPECT_FALSE(std::get<ListEventsCommand>(to_only->command).from_day.has_value());
}

TEST(ParseEventArgumentsTest, AnnounceWithRepeatedTags) {
  absl::StatusOr<Invocation> parsed =
      Parse({"event", "announce", "--title", "Founders' breakfast", "--start", "2027-01-14 08:00",
             "--end", "2027-01-14T24:00", "--capacity", "40", "--tag", "food", "--tag=networking",
             "--description", "Croissants"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& announce = std::get<AnnounceEventCommand>(parsed->command);
  EXPECT_EQ(announce.title, "Founders' breakfast");
  EXPECT_EQ(announce.start, absl::CivilMinute(2027, 1, 14, 8, 0));
  EXPECT_EQ(announce.end, absl::CivilMinute(2027, 1, 15, 0, 0));
  EXPECT_EQ(announce.capacity, 40);
  EXPECT_THAT(announce.tags, ElementsAre("food", "networking"));
  EXPECT_EQ(announce.description, "Croissants");

  absl::StatusOr<Invocation> bare =
      Parse({"event", "announce", "--title", "T", "--start", "2027-01-14 08:00", "--end",
             "2027-01-14 09:00", "--capacity", "1"});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_TRUE(std::get<AnnounceEventCommand>(bare->command).tags.empty());
  EXPECT_EQ(std::get<AnnounceEventCommand>(bare->command).description, "");
}

TEST(ParseEventArgumentsTest, UpdateKeepsOnlyTheGivenFields) {
  absl::StatusOr<Invocation> moved =
      Parse({"event", "update", "paris-00000000000000e1", "--start", "2027-01-15 18:00", "--end",
             "2027-01-15 20:00", "--tags", "talk, ai ,,"});
  ASSERT_TRUE(moved.ok()) << moved.status();
  const auto& update = std::get<UpdateEventCommand>(moved->command);
  EXPECT_EQ(update.event_id, "paris-00000000000000e1");
  EXPECT_EQ(update.start, absl::CivilMinute(2027, 1, 15, 18, 0));
  EXPECT_EQ(update.end, absl::CivilMinute(2027, 1, 15, 20, 0));
  ASSERT_TRUE(update.tags.has_value());
  EXPECT_THAT(*update.tags, ElementsAre("talk", "ai"));
  EXPECT_FALSE(update.title.has_value());
  EXPECT_FALSE(update.description.has_value());
  EXPECT_FALSE(update.capacity.has_value());

  absl::StatusOr<Invocation> cleared =
      Parse({"event", "update", "paris-00000000000000e1", "--tags=", "--capacity", "0"});
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  const auto& clear = std::get<UpdateEventCommand>(cleared->command);
  ASSERT_TRUE(clear.tags.has_value());
  EXPECT_TRUE(clear.tags->empty());
  EXPECT_EQ(clear.capacity, 0);
  EXPECT_FALSE(clear.start.has_value());
}

TEST(ParseEventArgumentsTest, CancelAndNetworkStatus) {
  absl::StatusOr<Invocation> cancel = Parse({"event", "cancel", "paris-00000000000000e1"});
  ASSERT_TRUE(cancel.ok()) << cancel.status();
  EXPECT_EQ(std::get<CancelEventCommand>(cancel->command).event_id, "paris-00000000000000e1");
  absl::StatusOr<Invocation> status = Parse({"--json", "network", "status"});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(std::holds_alternative<NetworkStatusCommand>(status->command));
  EXPECT_TRUE(status->options.json);
}

TEST(ParseEventArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::string> announce = {"event", "announce",        "--title",
                                             "T",     "--start",         "2027-01-14 08:00",
                                             "--end", "2027-01-14 09:00"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = announce;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"member", "update", "m1"}, "member update needs at least one of --name, --email, --bio"},
      {{"member", "update", "m1", "--show", "bio,email"}, "--show 'email' is not a field"},
      {{"member", "register", "--name", "A", "--email", "a@b.c", "--show", "name"},
       "--show 'name' is not a field"},
      {{"member", "register", "--name", "A", "--email", "a@b.c", "--skills", "x"},
       "--skills does not apply to 'member register'"},
      {{"member", "update", "m1", "--skill", "x"}, "--skill does not apply to 'member update'"},
      {{"member", "update"}, "usage: cantinectl member update ID"},
      {{"member", "update", "m1", "--kind", "desk"}, "--kind does not apply to 'member update'"},
      {{"member", "erase"}, "usage: cantinectl member erase ID"},
      {{"member", "erase", "m1", "--name", "x"}, "--name does not apply to 'member erase'"},
      {{"member", "erase", "m1", "m2"}, "unexpected argument 'm2'"},
      {{"events", "paris"}, "unexpected argument 'paris'; usage: cantinectl events"},
      {{"events", "--city="}, "--city is empty"},
      {{"events", "--site", ""}, "--site is empty"},
      {{"events", "--tag", "a", "--tag", "b"}, "--tag filters by one value only"},
      {{"events", "--from", "2027-02-30"}, "--from 2027-02-30 is not a calendar date"},
      {{"events", "--to", "31/01/2027"}, "--to '31/01/2027' is not a date"},
      {{"events", "--all-states=maybe"}, "--all-states takes no value"},
      {{"events", "--tags", "a"}, "--tags does not apply to 'events'"},
      {{"events", "--city", "A", "--city", "B"}, "--city is given more than once"},
      {{"event"}, "usage: cantinectl event announce|update|cancel"},
      {{"event", "paris-e1"}, "unknown event command 'paris-e1'"},
      {{"event", "announce"}, "event announce needs --title, --start, --end, --capacity"},
      {with({}), "event announce needs --capacity"},
      {with({"--capacity", "forty"}), "--capacity 'forty' is not a whole number of people"},
      {with({"--capacity", "40", "--tags", "a,b"}), "--tags does not apply to 'event announce'"},
      {{"event", "announce", "--title", "T", "--start", "2027-01-14 8:00", "--end",
        "2027-01-14 09:00", "--capacity", "4"},
       "--start '2027-01-14 8:00' is not a date and time at the venue"},
      {with({"--capacity", "4", "x"}), "unexpected argument 'x'"},
      {{"event", "update", "e1"}, "event update needs at least one of --title"},
      {{"event", "update"}, "usage: cantinectl event update ID"},
      {{"event", "update", "e1", "--start", "2027-01-14 08:00"}, "give both"},
      {{"event", "update", "e1", "--end", "2027-01-14 08:00"}, "give both"},
      {{"event", "update", "e1", "--tag", "a"}, "--tag does not apply to 'event update'"},
      {{"event", "update", "e1", "--capacity", "1.5"}, "--capacity '1.5' is not a whole number"},
      {{"event", "cancel"}, "usage: cantinectl event cancel ID"},
      {{"event", "cancel", "e1", "--all"}, "--all does not apply to 'event cancel'"},
      {{"network"}, "usage: cantinectl network status"},
      {{"network", "peers"}, "unknown network command 'peers'"},
      {{"network", "status", "x"}, "unexpected argument 'x'"},
      {{"network", "status", "--all"}, "--all does not apply to 'network status'"},
      {{"book", "c", "--member", "m", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00",
        "--tag", "a"},
       "--tag does not apply to 'book'"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = ParseWithKey(args);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

TEST(ParseEventArgumentsTest, UsageTextDocumentsTheNewCommands) {
  const std::string usage = UsageText();
  for (const char* command :
       {"member register --name NAME --email EMAIL [--bio TEXT]",
        "member update ID [--name NAME] [--email EMAIL] [--bio TEXT]", "member erase ID",
        "events [--city CITY] [--site SITE] [--from DAY] [--to DAY] [--tag TAG] [--all-states] "
        "[--all]",
        "event announce --title TITLE --start TIME --end TIME --capacity N [--tag TAG]...",
        "event update ID [--title TITLE] [--start TIME --end TIME] [--capacity N]",
        "event cancel ID", "network status"}) {
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

// A desk booking of a Paris member at the San Francisco venue, Wednesday 2027-01-13 morning
// there (17:00-21:00 in Paris): a visit, in its venue's zone.
v1::Booking MakeSanFranciscoVisit(const std::string& id) {
  v1::Booking booking = MakeBooking(id);
  booking.set_site_id("sf");
  booking.set_home_site_id("paris");
  booking.set_space_id("desks");
  booking.set_seats(1);
  booking.set_time_zone("America/Los_Angeles");
  *booking.mutable_start() = VenueTime(2027, 1, 13, 8, 0);
  *booking.mutable_end() = VenueTime(2027, 1, 13, 12, 0);
  *booking.mutable_start_time() = UtcInstant(absl::CivilMinute(2027, 1, 13, 16, 0));
  *booking.mutable_end_time() = UtcInstant(absl::CivilMinute(2027, 1, 13, 20, 0));
  booking.mutable_slots()->RemoveLast();
  *booking.mutable_slots(0)->mutable_day() = VenueDay(2027, 1, 13);
  *booking.mutable_slots(0)->mutable_start_time() = *booking.mutable_start_time();
  *booking.mutable_slots(0)->mutable_end_time() = *booking.mutable_end_time();
  booking.mutable_price()->set_currency_code("USD");
  booking.mutable_price()->set_amount_minor(2500);
  return booking;
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

v1::SettlementLine MakeSettlementLine(const std::string& host, const std::string& home,
                                      int32_t visits, int32_t days, int64_t amount_minor,
                                      const std::string& currency) {
  v1::SettlementLine line;
  line.set_host_site_id(host);
  line.set_home_site_id(home);
  line.set_visits(visits);
  line.set_visit_days(days);
  line.mutable_amount()->set_amount_minor(amount_minor);
  line.mutable_amount()->set_currency_code(currency);
  return line;
}

v1::Settlement MakeSettlement() {
  v1::Settlement settlement;
  settlement.set_month("2027-01");
  *settlement.add_lines() = MakeSettlementLine("milan", "paris", 3, 4, 12000, "EUR");
  *settlement.add_lines() = MakeSettlementLine("paris", "sf", 12, 15, 123450, "EUR");
  *settlement.add_lines() = MakeSettlementLine("sf", "paris", 1, 1, 2500, "USD");
  *settlement.add_lines() = MakeSettlementLine("tokyo", "paris", 2, 2, 6000, "JPY");
  return settlement;
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

// A talk in Paris, Thursday 2027-01-14 18:30-20:00 (UTC+1), as the node sends it.
v1::Event MakeEvent(const std::string& id, v1::EventState state = v1::EVENT_STATE_SCHEDULED) {
  v1::Event event;
  event.set_event_id(id);
  event.set_host_site_id("paris");
  event.set_city("Paris");
  event.set_title("AI meetup");
  event.set_description("Talks and drinks");
  event.add_tags("talk");
  event.add_tags("ai");
  event.set_time_zone("Europe/Paris");
  *event.mutable_start() = VenueTime(2027, 1, 14, 18, 30);
  *event.mutable_end() = VenueTime(2027, 1, 14, 20, 0);
  *event.mutable_start_time() = UtcInstant(absl::CivilMinute(2027, 1, 14, 17, 30));
  *event.mutable_end_time() = UtcInstant(absl::CivilMinute(2027, 1, 14, 19, 0));
  event.set_capacity(40);
  event.set_state(state);
  *event.mutable_update_time() = UtcInstant(absl::CivilMinute(2026, 12, 1, 9, 5));
  return event;
}

v1::NetworkStatus MakeNetworkStatus() {
  v1::NetworkStatus status;
  status.set_site_id("paris");
  for (const auto& [site, incarnation, seq] :
       {std::tuple{"milan", 1764000000111, 4}, std::tuple{"paris", 1764000000222, 12},
        std::tuple{"san-francisco", 1764000000333, 3}}) {
    v1::VersionVectorEntry* origin = status.add_origins();
    origin->mutable_origin()->set_site_id(site);
    origin->mutable_origin()->set_incarnation(incarnation);
    origin->set_seq(seq);
  }
  v1::PeerLink* milan = status.add_peers();
  milan->set_site_id("milan");
  milan->set_address("127.0.0.1:7203");
  milan->set_connected(true);
  *milan->mutable_last_contact() = UtcInstant(absl::CivilMinute(2027, 1, 11, 8, 0));
  milan->set_entries_received(4);
  v1::PeerLink* san_francisco = status.add_peers();
  san_francisco->set_site_id("san-francisco");
  san_francisco->set_address("127.0.0.1:7202");
  san_francisco->set_entries_behind(2);
  san_francisco->set_last_error("failed to connect to all addresses");
  return status;
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

// ---- Commands against gRPC's generated mocks of the node's services ----

// The bearer token `context` carries ("" when none): what the node would authenticate.
std::string BearerToken(grpc::ClientContext* context) {
  const std::multimap<std::string, std::string> metadata =
      grpc::testing::ClientContextTestPeer(context).GetSendInitialMetadata();
  const auto authorization = metadata.find("authorization");
  if (authorization == metadata.end()) return "";
  return std::string(absl::StripPrefix(authorization->second, "Bearer "));
}

// What the mocked node answers and what it was sent, per service; each test sets the
// answers it needs and checks the requests. RunCommandTest wires the mocks to them.
struct SiteAnswers {
  v1::Site site = ParisSite();
  absl::Status get_site_error;
  absl::StatusOr<v1::ListSpacesResponse> spaces;
  absl::StatusOr<v1::Space> space = MakeSpace("coworking", v1::SPACE_KIND_DESK_POOL, 24, 1500);
  int get_site_calls = 0;
  std::optional<v1::CreateSpaceRequest> created;
  std::optional<v1::UpdateSpaceRequest> updated;
  std::optional<v1::UpdatePolicyRequest> policy_update;
  absl::Status update_policy_error;
  // The bearer token of the last manager write.
  std::optional<std::string> credential;
};

struct MemberAnswers {
  absl::StatusOr<v1::Member> member = [] {
    v1::Member m;
    m.set_member_id("paris-3f9a0c2d4e5b6a71");
    m.set_home_site_id("paris");
    m.set_display_name("Ada Lovelace");
    m.set_email("ada@example.org");
    return m;
  }();
  std::optional<v1::RegisterMemberRequest> registered;
  std::optional<std::string> register_credential;
  std::optional<std::string> requested_id;
  std::optional<std::string> get_credential;
  std::optional<v1::UpdateMemberRequest> updated;
  absl::Status update_error;  // What UpdateMember answers, when not OK.
  std::optional<std::string> erased_id;
  std::optional<std::string> credential;
  // IssueToken answers this, its token suffixed by the one scope asked for
  // ("-ACCOUNT", "-BOOKING"), so that a test sees which token went where.
  absl::StatusOr<v1::IssueTokenResponse> issued = [] {
    v1::IssueTokenResponse response;
    response.set_token("tok.en-NEW");
    response.mutable_expire_time()->set_seconds(1799697600);  // 2027-01-11 21:00 in Paris.
    return response;
  }();
  std::vector<v1::IssueTokenRequest> issue_requests;
  std::vector<std::string> issue_credentials;
};

struct BookingAnswers {
  absl::StatusOr<v1::GetAvailabilityResponse> availability;
  absl::StatusOr<v1::Settlement> settlement;
  std::optional<v1::GetSettlementRequest> settlement_request;
  absl::StatusOr<v1::Booking> booking = MakeBooking("paris-0000000000000001");
  // ListBookings answers by page token; INVALID_ARGUMENT for another.
  std::map<std::string, absl::StatusOr<v1::ListBookingsResponse>> pages;
  std::optional<v1::GetAvailabilityRequest> availability_request;
  std::optional<v1::CreateBookingRequest> created;
  std::vector<std::string> calls;  // "cancel ID", "get ID", "checkin ID".
  // The bearer token of each call but ListBookings, in order.
  std::vector<std::string> credentials;
  std::vector<v1::ListBookingsRequest> list_requests;
  std::vector<std::string> list_credentials;
};

struct EventAnswers {
  absl::StatusOr<v1::Event> event = MakeEvent("paris-00000000000000e1");
  // ListEvents answers by page token; INVALID_ARGUMENT for another.
  std::map<std::string, absl::StatusOr<v1::ListEventsResponse>> pages;
  std::vector<v1::ListEventsRequest> list_requests;
  std::optional<v1::AnnounceEventRequest> announced;
  std::optional<v1::UpdateEventRequest> updated;
  std::optional<std::string> cancelled_id;
  std::optional<std::string> credential;
};

struct AdminAnswers {
  absl::StatusOr<v1::NetworkStatus> status = MakeNetworkStatus();
  std::optional<std::string> credential;
};

// The answer of a page listing to `request`, by its page token.
template <typename Response, typename Request>
grpc::Status AnswerPage(const std::map<std::string, absl::StatusOr<Response>>& pages,
                        const Request& request, Response* response) {
  const auto page = pages.find(request.page_token());
  if (page == pages.end())
    return rpc::ToGrpcStatus(absl::InvalidArgumentError("unknown page_token"));
  return rpc::Answer(page->second, response);
}

using ::testing::_;
using ::testing::NiceMock;

class RunCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    // One file per process: ctest runs the tests of this binary in parallel processes.
    credential_file_ = absl::StrCat(testing::TempDir(), "/cantinectl_test_admin_", ::getpid());
    std::ofstream(credential_file_) << "  s3cret-credential-0123456789  \nsecond line\n";
    // No member token unless a test stores one.
    token_file_ = absl::StrCat(testing::TempDir(), "/cantinectl_test_token_", ::getpid());
    ::unlink(token_file_.c_str());
    ServeSite();
    ServeMembers();
    ServeBookings();
    ServeEvents();
    ON_CALL(admin_stub_, GetNetworkStatus)
        .WillByDefault([this](grpc::ClientContext* context, const v1::GetNetworkStatusRequest&,
                              v1::NetworkStatus* response) {
          admin_.credential = BearerToken(context);
          return rpc::Answer(admin_.status, response);
        });
  }
  void TearDown() override { ::unlink(token_file_.c_str()); }

  void ServeSite() {
    ON_CALL(site_stub_, GetSite)
        .WillByDefault([this](grpc::ClientContext*, const v1::GetSiteRequest&, v1::Site* response) {
          ++client_.get_site_calls;
          if (!client_.get_site_error.ok()) return rpc::ToGrpcStatus(client_.get_site_error);
          *response = client_.site;
          return grpc::Status::OK;
        });
    ON_CALL(site_stub_, ListSites)
        .WillByDefault([this](grpc::ClientContext*, const v1::ListSitesRequest&,
                              v1::ListSitesResponse* response) {
          *response->add_sites() = client_.site;
          return grpc::Status::OK;
        });
    ON_CALL(site_stub_, ListSpaces)
        .WillByDefault([this](grpc::ClientContext*, const v1::ListSpacesRequest&,
                              v1::ListSpacesResponse* response) {
          return rpc::Answer(client_.spaces, response);
        });
    ON_CALL(site_stub_, GetSpace)
        .WillByDefault(
            [this](grpc::ClientContext*, const v1::GetSpaceRequest&, v1::Space* response) {
              return rpc::Answer(client_.space, response);
            });
    ON_CALL(site_stub_, CreateSpace)
        .WillByDefault([this](grpc::ClientContext* context, const v1::CreateSpaceRequest& request,
                              v1::Space* response) {
          client_.created = request;
          client_.credential = BearerToken(context);
          return rpc::Answer(client_.space, response);
        });
    ON_CALL(site_stub_, UpdateSpace)
        .WillByDefault([this](grpc::ClientContext* context, const v1::UpdateSpaceRequest& request,
                              v1::Space* response) {
          client_.updated = request;
          client_.credential = BearerToken(context);
          return rpc::Answer(client_.space, response);
        });
    ON_CALL(site_stub_, RetireSpace)
        .WillByDefault([this](grpc::ClientContext* context, const v1::RetireSpaceRequest&,
                              v1::Space* response) {
          client_.credential = BearerToken(context);
          return rpc::Answer(client_.space, response);
        });
    ON_CALL(site_stub_, UpdatePolicy)
        .WillByDefault([this](grpc::ClientContext* context, const v1::UpdatePolicyRequest& request,
                              v1::SitePolicy* response) {
          client_.policy_update = request;
          client_.credential = BearerToken(context);
          if (!client_.update_policy_error.ok()) {
            return rpc::ToGrpcStatus(client_.update_policy_error);
          }
          *response = request.policy();
          return grpc::Status::OK;
        });
  }

  void ServeMembers() {
    ON_CALL(member_stub_, RegisterMember)
        .WillByDefault([this](grpc::ClientContext* context,
                              const v1::RegisterMemberRequest& request, v1::Member* response) {
          members_.registered = request;
          members_.register_credential = BearerToken(context);
          return rpc::Answer(members_.member, response);
        });
    ON_CALL(member_stub_, GetMember)
        .WillByDefault([this](grpc::ClientContext* context, const v1::GetMemberRequest& request,
                              v1::Member* response) {
          members_.requested_id = request.member_id();
          members_.get_credential = BearerToken(context);
          return rpc::Answer(members_.member, response);
        });
    ON_CALL(member_stub_, UpdateMember)
        .WillByDefault([this](grpc::ClientContext* context, const v1::UpdateMemberRequest& request,
                              v1::Member* response) {
          members_.updated = request;
          members_.credential = BearerToken(context);
          if (!members_.update_error.ok()) return rpc::ToGrpcStatus(members_.update_error);
          return rpc::Answer(members_.member, response);
        });
    ON_CALL(member_stub_, EraseMember)
        .WillByDefault([this](grpc::ClientContext* context, const v1::EraseMemberRequest& request,
                              v1::Member* response) {
          members_.erased_id = request.member_id();
          members_.credential = BearerToken(context);
          return rpc::Answer(members_.member, response);
        });
    ON_CALL(member_stub_, IssueToken)
        .WillByDefault([this](grpc::ClientContext* context, const v1::IssueTokenRequest& request,
                              v1::IssueTokenResponse* response) {
          members_.issue_requests.push_back(request);
          members_.issue_credentials.push_back(BearerToken(context));
          const grpc::Status status = rpc::Answer(members_.issued, response);
          if (status.ok() && request.scopes_size() == 1) {
            response->set_token(absl::StrCat(
                response->token(),
                request.scopes(0) == v1::TOKEN_SCOPE_ACCOUNT ? "-ACCOUNT" : "-BOOKING"));
          }
          return status;
        });
  }

  void ServeBookings() {
    ON_CALL(booking_stub_, GetAvailability)
        .WillByDefault([this](grpc::ClientContext*, const v1::GetAvailabilityRequest& request,
                              v1::GetAvailabilityResponse* response) {
          bookings_.availability_request = request;
          return rpc::Answer(bookings_.availability, response);
        });
    ON_CALL(booking_stub_, CreateBooking)
        .WillByDefault([this](grpc::ClientContext* context, const v1::CreateBookingRequest& request,
                              v1::Booking* response) {
          bookings_.created = request;
          bookings_.credentials.push_back(BearerToken(context));
          return rpc::Answer(bookings_.booking, response);
        });
    // cancel, get and checkin: the call named with its booking id.
    const auto answer_booking = [this](absl::string_view name) {
      return
          [this, name](grpc::ClientContext* context, const auto& request, v1::Booking* response) {
            bookings_.calls.push_back(absl::StrCat(name, " ", request.booking_id()));
            bookings_.credentials.push_back(BearerToken(context));
            return rpc::Answer(bookings_.booking, response);
          };
    };
    ON_CALL(booking_stub_, CancelBooking).WillByDefault(answer_booking("cancel"));
    ON_CALL(booking_stub_, GetBooking).WillByDefault(answer_booking("get"));
    ON_CALL(booking_stub_, CheckIn).WillByDefault(answer_booking("checkin"));
    ON_CALL(booking_stub_, ListBookings)
        .WillByDefault([this](grpc::ClientContext* context, const v1::ListBookingsRequest& request,
                              v1::ListBookingsResponse* response) {
          bookings_.list_requests.push_back(request);
          bookings_.list_credentials.push_back(BearerToken(context));
          return AnswerPage(bookings_.pages, request, response);
        });
    ON_CALL(booking_stub_, GetSettlement)
        .WillByDefault([this](grpc::ClientContext* context, const v1::GetSettlementRequest& request,
                              v1::Settlement* response) {
          bookings_.settlement_request = request;
          bookings_.credentials.push_back(BearerToken(context));
          return rpc::Answer(bookings_.settlement, response);
        });
  }

  void ServeEvents() {
    ON_CALL(event_stub_, ListEvents)
        .WillByDefault([this](grpc::ClientContext*, const v1::ListEventsRequest& request,
                              v1::ListEventsResponse* response) {
          events_.list_requests.push_back(request);
          return AnswerPage(events_.pages, request, response);
        });
    ON_CALL(event_stub_, AnnounceEvent)
        .WillByDefault([this](grpc::ClientContext* context, const v1::AnnounceEventRequest& request,
                              v1::Event* response) {
          events_.announced = request;
          events_.credential = BearerToken(context);
          return rpc::Answer(events_.event, response);
        });
    ON_CALL(event_stub_, UpdateEvent)
        .WillByDefault([this](grpc::ClientContext* context, const v1::UpdateEventRequest& request,
                              v1::Event* response) {
          events_.updated = request;
          events_.credential = BearerToken(context);
          return rpc::Answer(events_.event, response);
        });
    ON_CALL(event_stub_, CancelEvent)
        .WillByDefault([this](grpc::ClientContext* context, const v1::CancelEventRequest& request,
                              v1::Event* response) {
          events_.cancelled_id = request.event_id();
          events_.credential = BearerToken(context);
          return rpc::Answer(events_.event, response);
        });
  }

  // The mocks, as the commands see them.
  NodeStubs Node() { return {site_stub_, member_stub_, booking_stub_, event_stub_, admin_stub_}; }

  int Run(std::vector<std::string> args) {
    return RunWith(std::move(args), {.node = std::nullopt,
                                     .admin_credential_file = credential_file_,
                                     .token_file = token_file_,
                                     .home = std::nullopt,
                                     .ca_file = std::nullopt,
                                     .new_idempotency_key = kGeneratedKey,
                                     .now = now_});
  }

  // Run, with `env` instead: no admin credential unless `env` names one.
  int RunWith(std::vector<std::string> args, const Environment& env) {
    out_.str("");
    err_.str("");
    absl::StatusOr<Invocation> invocation = ParseArguments(args, env);
    EXPECT_TRUE(invocation.ok()) << invocation.status();
    if (!invocation.ok()) return -1;
    return RunCommand(*invocation, Node(), out_, err_);
  }

  // The environment of a member without the admin credential, its token in token_file_.
  Environment MemberEnvironment() const {
    return {.node = std::nullopt,
            .admin_credential_file = std::nullopt,
            .token_file = token_file_,
            .home = std::nullopt,
            .ca_file = std::nullopt,
            .new_idempotency_key = kGeneratedKey};
  }

  // Stores a sign-in of paris-3f9a0c2d4e5b6a71: `token` its booking token, and its account
  // token `account`.
  void StoreToken(absl::string_view token, absl::string_view account = "tok.en-ACCOUNT") {
    ASSERT_TRUE(WriteTokenFile(token_file_, {.member_id = "paris-3f9a0c2d4e5b6a71",
                                             .booking = std::string(token),
                                             .account = std::string(account)})
                    .ok());
  }
  StoredTokens Stored() const { return ReadTokenFile(token_file_)->value_or(StoredTokens()); }

  std::string credential_file_;
  std::string token_file_;
  // The time 'visitors' takes for now: 23:30 UTC on 2027-01-11 is already 2027-01-12 in Paris.
  absl::Time now_ = absl::FromCivil(absl::CivilMinute(2027, 1, 11, 23, 30), absl::UTCTimeZone());
  NiceMock<v1::MockSiteServiceStub> site_stub_;
  NiceMock<v1::MockMemberServiceStub> member_stub_;
  NiceMock<v1::MockBookingServiceStub> booking_stub_;
  NiceMock<v1::MockEventServiceStub> event_stub_;
  NiceMock<v1::MockAdminServiceStub> admin_stub_;
  SiteAnswers client_;
  MemberAnswers members_;
  BookingAnswers bookings_;
  EventAnswers events_;
  AdminAnswers admin_;
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
  EXPECT_THAT(out_.str(), HasSubstr("Price          15.00 EUR per half-day\n"));
  EXPECT_FALSE(sent.has_visitor_price_per_slot());
}

TEST_F(RunCommandTest, CreateSendsTheVisitorPriceInTheSiteCurrency) {
  EXPECT_EQ(Run({"space", "create", "quiet", "--name", "Quiet", "--kind", "room", "--seats", "4",
                 "--price", "40.5", "--visitor-price", "55"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(client_.created.has_value());
  const v1::Space& sent = client_.created->space();
  EXPECT_EQ(sent.price_per_slot().amount_minor(), 4050);
  ASSERT_TRUE(sent.has_visitor_price_per_slot());
  EXPECT_EQ(sent.visitor_price_per_slot().currency_code(), "EUR");
  EXPECT_EQ(sent.visitor_price_per_slot().amount_minor(), 5500);
}

TEST_F(RunCommandTest, UpdateSendsOnlyTheVisitorPrice) {
  client_.site.set_currency_code("JPY");
  EXPECT_EQ(Run({"--json", "space", "update", "coworking", "--visitor-price", "1800"}), kExitOk)
      << err_.str();
  EXPECT_EQ(client_.get_site_calls, 1);
  ASSERT_TRUE(client_.updated.has_value());
  EXPECT_FALSE(client_.updated->has_price_per_slot());
  ASSERT_TRUE(client_.updated->has_visitor_price_per_slot());
  EXPECT_EQ(client_.updated->visitor_price_per_slot().currency_code(), "JPY");
  EXPECT_EQ(client_.updated->visitor_price_per_slot().amount_minor(), 1800);
}

TEST_F(RunCommandTest, BadVisitorPriceIsRefusedBeforeTheCall) {
  EXPECT_EQ(Run({"space", "update", "coworking", "--visitor-price", "18.505"}), kExitUsage);
  EXPECT_FALSE(client_.updated.has_value());
  EXPECT_EQ(err_.str(),
            "cantinectl: INVALID_ARGUMENT: --visitor-price '18.505' is more precise than EUR "
            "allows (2 decimals)\n");

  EXPECT_EQ(Run({"space", "create", "quiet", "--name", "Quiet", "--kind", "room", "--seats", "4",
                 "--price", "40", "--visitor-price", "55.001"}),
            kExitUsage);
  EXPECT_FALSE(client_.created.has_value());
  EXPECT_THAT(err_.str(), HasSubstr("--visitor-price '55.001'"));
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
  EXPECT_EQ(RunCommand(*invocation, Node(), out_, err_), kExitUsage);
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
  EXPECT_THAT(out_.str(), HasSubstr("VISITOR"));
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

TEST_F(RunCommandTest, BookingsOfAMemberOnePage) {
  v1::ListBookingsResponse first;
  *first.add_bookings() = MakeBooking("paris-0000000000000001");
  first.set_next_page_token("p2");
  bookings_.pages[""] = first;
  EXPECT_EQ(Run({"bookings", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_EQ(bookings_.list_requests[0].member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(bookings_.list_credentials[0], "s3cret-credential-0123456789");  // No token: desk.
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000001  paris  coworking"));
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
  EXPECT_EQ(out_.str(), "BOOKING  SITE  SPACE  SEATS  WHEN (AT THE VENUE)  SLOTS  PRICE  STATE\n");

  absl::StatusOr<Invocation> invocation =
      ParseArguments({"bookings", "--space", "coworking", "--day", "2027-01-11"}, {});
  ASSERT_TRUE(invocation.ok());
  EXPECT_EQ(RunCommand(*invocation, Node(), out_, err_), kExitUsage);
  EXPECT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_THAT(err_.str(), HasSubstr("this command needs the admin credential"));

  bookings_.pages[""] = absl::PermissionDeniedError("the admin credential is wrong");
  EXPECT_EQ(Run({"bookings", "--space", "coworking", "--day", "2027-01-11"}), kExitRefused);
}

// ---- Member writes, events and network status against a fake node ----

TEST_F(RunCommandTest, MemberRegisterWithoutTheCredentialIsARequestAnsweredPending) {
  v1::Member pending;
  pending.set_home_site_id("paris");
  pending.set_display_name("Ada");
  pending.set_email("ada@example.org");
  pending.set_state(v1::MEMBER_STATE_PENDING);
  members_.member = pending;
  EXPECT_EQ(
      RunWith({"member", "register", "--name", "Ada", "--email", "ada@example.org", "--skill",
               "maths", "--city", "London", "--link", "https://example.org/ada", "--show", "city"},
              MemberEnvironment()),
      kExitOk)
      << err_.str();
  EXPECT_EQ(members_.register_credential, "");
  ASSERT_TRUE(members_.registered.has_value());
  EXPECT_THAT(members_.registered->skills(), ElementsAre("maths"));
  EXPECT_EQ(members_.registered->city(), "London");
  EXPECT_THAT(members_.registered->links(), ElementsAre("https://example.org/ada"));
  EXPECT_THAT(members_.registered->network_visible_fields(), ElementsAre(v1::PROFILE_FIELD_CITY));
  EXPECT_THAT(out_.str(), StartsWith("Member     -\n"));
  EXPECT_THAT(out_.str(), HasSubstr("State      pending: the desk of paris completes"));

  // Only the desk completes a request with the email alone.
  members_.registered.reset();
  EXPECT_EQ(RunWith({"member", "register", "--email", "ada@example.org"}, MemberEnvironment()),
            kExitUsage);
  EXPECT_FALSE(members_.registered.has_value());
  EXPECT_THAT(err_.str(), HasSubstr("only the desk"));
}

TEST_F(RunCommandTest, TheDeskRegistersAndCompletesRequestsWithTheCredential) {
  EXPECT_EQ(Run({"member", "register", "--email", "ada@example.org"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.register_credential, "s3cret-credential-0123456789");
  ASSERT_TRUE(members_.registered.has_value());
  EXPECT_EQ(members_.registered->display_name(), "");
  EXPECT_EQ(members_.registered->email(), "ada@example.org");
  EXPECT_THAT(out_.str(), StartsWith("Member     paris-3f9a0c2d4e5b6a71\n"));
}

TEST_F(RunCommandTest, MemberShowsItsProfileAndWhatItShows) {
  v1::Member whole = *members_.member;
  whole.add_skills("mathematics");
  whole.add_skills("poetry");
  whole.set_city("London");
  whole.add_links("https://example.org/ada");
  whole.add_network_visible_fields(v1::PROFILE_FIELD_CITY);
  members_.member = whole;
  EXPECT_EQ(Run({"member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Skills     mathematics, poetry\n"));
  EXPECT_THAT(out_.str(), HasSubstr("City       London\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Links      https://example.org/ada\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Shown      name, city (at every site)\n"));
  // What another site answers (no email, no choice) says nothing of a choice.
  whole.clear_email();
  whole.clear_network_visible_fields();
  members_.member = whole;
  EXPECT_EQ(Run({"member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), Not(HasSubstr("Shown")));
}

TEST_F(RunCommandTest, MemberPresentsTheMembersTokenOrTheDeskCredentialIfAny) {
  EXPECT_EQ(Run({"member", "m1"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.get_credential, "s3cret-credential-0123456789");
  Environment anyone = MemberEnvironment();
  EXPECT_EQ(RunWith({"member", "m1"}, anyone), kExitOk) << err_.str();
  EXPECT_EQ(members_.get_credential, "");
  // The account token: the one that reads the whole profile at the home site.
  StoreToken("tok.en-MEMBER", "tok.en-MEMBER-ACCOUNT");
  EXPECT_EQ(RunWith({"member", "m1"}, anyone), kExitOk) << err_.str();
  EXPECT_EQ(members_.get_credential, "tok.en-MEMBER-ACCOUNT");
  EXPECT_EQ(Run({"member", "m1"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.get_credential, "tok.en-MEMBER-ACCOUNT");
  EXPECT_EQ(Run({"--as_desk", "member", "m1"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.get_credential, "s3cret-credential-0123456789");
}

TEST_F(RunCommandTest, MemberUpdateSendsTheListsAndTheChoice) {
  EXPECT_EQ(Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--skills", "go,rust", "--links", "",
                 "--city", "Milan", "--show", "skills,bio"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(members_.updated.has_value());
  ASSERT_TRUE(members_.updated->has_skills());
  EXPECT_THAT(members_.updated->skills().values(), ElementsAre("go", "rust"));
  ASSERT_TRUE(members_.updated->has_links());
  EXPECT_EQ(members_.updated->links().values_size(), 0);
  EXPECT_EQ(members_.updated->city(), "Milan");
  ASSERT_TRUE(members_.updated->has_network_visible_fields());
  EXPECT_THAT(members_.updated->network_visible_fields().fields(),
              ElementsAre(v1::PROFILE_FIELD_SKILLS, v1::PROFILE_FIELD_BIO));
  EXPECT_FALSE(members_.updated->has_bio());
}

TEST_F(RunCommandTest, MemberRegisterSendsTheBio) {
  EXPECT_EQ(Run({"--json", "member", "register", "--name", "Ada", "--email", "ada@example.org",
                 "--bio", "Engines"}),
            kExitOk);
  EXPECT_EQ(members_.registered->bio(), "Engines");
}

TEST_F(RunCommandTest, MemberUpdateSendsOnlyTheGivenFieldsWithTheCredential) {
  EXPECT_EQ(Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--bio", ""}), kExitOk)
      << err_.str();
  ASSERT_TRUE(members_.updated.has_value());
  EXPECT_EQ(members_.updated->member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_TRUE(members_.updated->has_bio());
  EXPECT_EQ(members_.updated->bio(), "");
  EXPECT_FALSE(members_.updated->has_display_name());
  EXPECT_FALSE(members_.updated->has_email());
  EXPECT_EQ(members_.credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), StartsWith("Member     paris-3f9a0c2d4e5b6a71\n"));
  EXPECT_EQ(client_.get_site_calls, 1);
}

TEST_F(RunCommandTest, MemberEraseIsAManagerWrite) {
  EXPECT_EQ(Run({"--json", "member", "erase", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.erased_id, "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(members_.credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), HasSubstr("\"erased\": false"));
  EXPECT_EQ(client_.get_site_calls, 0);

  absl::StatusOr<Invocation> invocation =
      ParseArguments({"member", "erase", "paris-3f9a0c2d4e5b6a71"}, {});
  ASSERT_TRUE(invocation.ok());
  members_.erased_id.reset();
  EXPECT_EQ(RunCommand(*invocation, Node(), out_, err_), kExitUsage);
  EXPECT_FALSE(members_.erased_id.has_value());

  members_.member = absl::FailedPreconditionError("member 'milan-1' is not homed at this site");
  EXPECT_EQ(Run({"member", "erase", "milan-1"}), kExitRefused);
}

TEST_F(RunCommandTest, ALoggedInMemberEditsAndErasesItsProfileWithItsAccountToken) {
  StoreToken("tok.en-MEMBER");
  EXPECT_EQ(Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--bio", "Travels"}), kExitOk)
      << err_.str();
  EXPECT_EQ(members_.credential, "tok.en-ACCOUNT");
  EXPECT_FALSE(members_.updated->revoke_tokens());
  members_.credential.reset();
  EXPECT_EQ(Run({"member", "erase", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.credential, "tok.en-ACCOUNT");
  members_.credential.reset();
  EXPECT_EQ(Run({"--as_desk", "member", "erase", "paris-3f9a0c2d4e5b6a71"}), kExitOk);
  EXPECT_EQ(members_.credential, "s3cret-credential-0123456789");
}

TEST_F(RunCommandTest, MemberWritesFetchTheSiteBeforeWriting) {
  client_.get_site_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"member", "update", "m1", "--name", "Ada"}), kExitUnreachable);
  EXPECT_FALSE(members_.updated.has_value());
  EXPECT_EQ(Run({"member", "erase", "m1"}), kExitUnreachable);
  EXPECT_FALSE(members_.erased_id.has_value());
}

TEST_F(RunCommandTest, EventsSendsTheFiltersAndPrintsOnePage) {
  v1::ListEventsResponse first;
  *first.add_events() = MakeEvent("paris-00000000000000e1");
  first.set_next_page_token("p2");
  events_.pages[""] = first;
  EXPECT_EQ(Run({"events", "--city", "Paris", "--site", "paris", "--from", "2027-01-11", "--to",
                 "2027-01-17", "--tag", "talk", "--all-states"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(events_.list_requests.size(), 1u);
  const v1::ListEventsRequest& sent = events_.list_requests[0];
  EXPECT_EQ(sent.city(), "Paris");
  EXPECT_EQ(sent.site_id(), "paris");
  EXPECT_EQ(FormatCivilDate(sent.from_day()), "2027-01-11");
  EXPECT_EQ(FormatCivilDate(sent.to_day()), "2027-01-17");
  EXPECT_EQ(sent.tag(), "talk");
  EXPECT_TRUE(sent.include_cancelled());
  EXPECT_THAT(out_.str(), HasSubstr("paris-00000000000000e1  paris  AI meetup  2027-01-14 "
                                    "18:30-20:00 Europe/Paris        40  scheduled  talk, ai\n"));
  EXPECT_THAT(out_.str(), HasSubstr("More events follow; add --all"));
  EXPECT_EQ(client_.get_site_calls, 0);
}

TEST_F(RunCommandTest, EventsWithoutFiltersSendsNone) {
  events_.pages[""] = v1::ListEventsResponse();
  EXPECT_EQ(Run({"events"}), kExitOk) << err_.str();
  ASSERT_EQ(events_.list_requests.size(), 1u);
  EXPECT_FALSE(events_.list_requests[0].has_from_day());
  EXPECT_FALSE(events_.list_requests[0].has_to_day());
  EXPECT_FALSE(events_.list_requests[0].include_cancelled());
  EXPECT_EQ(out_.str(), "EVENT  HOST  TITLE  WHEN  CAPACITY  STATE  TAGS\n");
}

TEST_F(RunCommandTest, EventsWithAllFollowsThePages) {
  v1::ListEventsResponse first;
  *first.add_events() = MakeEvent("paris-00000000000000e1");
  first.set_next_page_token("p2");
  v1::ListEventsResponse second;
  *second.add_events() = MakeEvent("paris-00000000000000e2");
  events_.pages[""] = first;
  events_.pages["p2"] = second;
  EXPECT_EQ(Run({"--json", "events", "--tag", "talk", "--all"}), kExitOk) << err_.str();
  ASSERT_EQ(events_.list_requests.size(), 2u);
  EXPECT_EQ(events_.list_requests[1].page_token(), "p2");
  EXPECT_EQ(events_.list_requests[1].tag(), "talk");
  EXPECT_THAT(out_.str(), HasSubstr("paris-00000000000000e1"));
  EXPECT_THAT(out_.str(), HasSubstr("paris-00000000000000e2"));
  EXPECT_THAT(out_.str(), HasSubstr("\"nextPageToken\": \"\""));

  events_.pages["p2"] = absl::UnavailableError("connection reset");
  EXPECT_EQ(Run({"events", "--all"}), kExitUnreachable);
  EXPECT_EQ(out_.str(), "");
}

TEST_F(RunCommandTest, AnnounceSendsVenueTimesWithTheCredential) {
  EXPECT_EQ(Run({"event", "announce", "--title", "AI meetup", "--start", "2027-01-14 18:30",
                 "--end", "2027-01-14 20:00", "--capacity", "40", "--tag", "talk", "--tag", "ai"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(events_.announced.has_value());
  const v1::AnnounceEventRequest& sent = *events_.announced;
  EXPECT_EQ(sent.title(), "AI meetup");
  EXPECT_EQ(FormatCivilDateTime(sent.start()), "2027-01-14 18:30");
  EXPECT_EQ(FormatCivilDateTime(sent.end()), "2027-01-14 20:00");
  EXPECT_EQ(sent.capacity(), 40);
  EXPECT_THAT(sent.tags(), ElementsAre("talk", "ai"));
  EXPECT_EQ(sent.description(), "");
  EXPECT_EQ(events_.credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), StartsWith("Event        paris-00000000000000e1\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Start        2027-01-14 18:30 Europe/Paris\n"));
  EXPECT_EQ(client_.get_site_calls, 0);
}

TEST_F(RunCommandTest, EventWritesNeedACredentialFile) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"event", "announce", "--title", "T", "--start", "2027-01-14 18:30", "--end",
            "2027-01-14 20:00", "--capacity", "4"},
           {"event", "update", "e1", "--capacity", "4"},
           {"event", "cancel", "e1"},
           {"network", "status"}}) {
    absl::StatusOr<Invocation> invocation = ParseArguments(args, {});
    ASSERT_TRUE(invocation.ok()) << invocation.status();
    EXPECT_EQ(RunCommand(*invocation, Node(), out_, err_), kExitUsage)
        << testing::PrintToString(args);
  }
  EXPECT_FALSE(events_.credential.has_value());
  EXPECT_FALSE(admin_.credential.has_value());
  EXPECT_THAT(err_.str(), HasSubstr("this command needs the admin credential"));
}

TEST_F(RunCommandTest, EventUpdateSendsOnlyTheGivenFields) {
  EXPECT_EQ(Run({"--json", "event", "update", "paris-00000000000000e1", "--title", "AI night"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(events_.updated.has_value());
  EXPECT_EQ(events_.updated->event_id(), "paris-00000000000000e1");
  EXPECT_EQ(events_.updated->title(), "AI night");
  EXPECT_FALSE(events_.updated->has_description());
  EXPECT_FALSE(events_.updated->has_start());
  EXPECT_FALSE(events_.updated->has_end());
  EXPECT_FALSE(events_.updated->has_capacity());
  EXPECT_FALSE(events_.updated->has_tags());
  EXPECT_THAT(out_.str(), HasSubstr("\"eventId\": \"paris-00000000000000e1\""));

  EXPECT_EQ(Run({"event", "update", "paris-00000000000000e1", "--start", "2027-01-15 18:00",
                 "--end", "2027-01-15 24:00", "--capacity", "0", "--tags="}),
            kExitOk)
      << err_.str();
  EXPECT_FALSE(events_.updated->has_title());
  EXPECT_EQ(FormatCivilDateTime(events_.updated->start()), "2027-01-15 18:00");
  EXPECT_EQ(FormatCivilDateTime(events_.updated->end()), "2027-01-16 00:00");
  EXPECT_TRUE(events_.updated->has_capacity());
  EXPECT_EQ(events_.updated->capacity(), 0);
  EXPECT_TRUE(events_.updated->has_tags());
  EXPECT_TRUE(events_.updated->tags().tags().empty());
  EXPECT_EQ(events_.credential, "s3cret-credential-0123456789");
}

TEST_F(RunCommandTest, EventCancelNamesTheEvent) {
  events_.event = MakeEvent("paris-00000000000000e1", v1::EVENT_STATE_CANCELLED);
  EXPECT_EQ(Run({"event", "cancel", "paris-00000000000000e1"}), kExitOk) << err_.str();
  EXPECT_EQ(events_.cancelled_id, "paris-00000000000000e1");
  EXPECT_THAT(out_.str(), HasSubstr("State        cancelled\n"));

  events_.event = absl::FailedPreconditionError("event 'milan-e1' is hosted by milan");
  EXPECT_EQ(Run({"event", "cancel", "milan-e1"}), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: FAILED_PRECONDITION: event 'milan-e1' is hosted by milan\n");
}

TEST_F(RunCommandTest, NetworkStatusIsAManagerRead) {
  EXPECT_EQ(Run({"network", "status"}), kExitOk) << err_.str();
  EXPECT_EQ(admin_.credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), StartsWith("Node  paris\n\nORIGIN "));
  EXPECT_THAT(out_.str(), HasSubstr("never"));

  EXPECT_EQ(Run({"--json", "network", "status"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"incarnation\": \"1764000000111\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"lastError\": \"failed to connect to all addresses\""));

  admin_.status = absl::UnauthenticatedError("the admin credential is wrong");
  EXPECT_EQ(Run({"network", "status"}), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: UNAUTHENTICATED: the admin credential is wrong\n");
}

// ---- Login, logout and the credential of booking commands against a fake node ----

TEST_F(RunCommandTest, LoginAtTheDeskStoresBothTokensAndNeverPrintsThem) {
  EXPECT_EQ(Run({"login", "--member", "paris-3f9a0c2d4e5b6a71", "--ttl", "2h"}), kExitOk)
      << err_.str();
  // The desk signs the member in with an account token, which gets the booking token.
  ASSERT_EQ(members_.issue_requests.size(), 2u);
  for (const v1::IssueTokenRequest& request : members_.issue_requests) {
    EXPECT_EQ(request.member_id(), "paris-3f9a0c2d4e5b6a71");
    EXPECT_EQ(request.ttl().seconds(), 7200);
    EXPECT_EQ(request.scopes_size(), 1);
  }
  EXPECT_EQ(members_.issue_requests[0].scopes(0), v1::TOKEN_SCOPE_ACCOUNT);
  EXPECT_EQ(members_.issue_credentials[0], "s3cret-credential-0123456789");
  EXPECT_EQ(members_.issue_requests[1].scopes(0), v1::TOKEN_SCOPE_BOOKING);
  EXPECT_EQ(members_.issue_credentials[1], "tok.en-NEW-ACCOUNT");
  EXPECT_EQ(Stored(), (StoredTokens{.member_id = "paris-3f9a0c2d4e5b6a71",
                                    .booking = "tok.en-NEW-BOOKING",
                                    .account = "tok.en-NEW-ACCOUNT"}));
  EXPECT_THAT(out_.str(), StartsWith("Member   paris-3f9a0c2d4e5b6a71\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Expires  2027-01-11 21:00 Europe/Paris\n"));
  EXPECT_THAT(out_.str(), HasSubstr(token_file_));
  EXPECT_THAT(out_.str(), Not(HasSubstr("tok.en-NEW")));
  EXPECT_EQ(err_.str(), "");

  // JSON shows the booking token, never the account token.
  EXPECT_EQ(Run({"--json", "login", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk);
  EXPECT_EQ(members_.issue_requests[2].ttl().seconds(), 12 * 3600);
  EXPECT_THAT(out_.str(), HasSubstr("\"token\": \"tok.en-NEW-BOOKING\""));
  EXPECT_THAT(out_.str(), Not(HasSubstr("ACCOUNT")));
  EXPECT_THAT(out_.str(), HasSubstr("\"expireTime\": \"2027-01-11T20:00:00Z\""));
}

TEST_F(RunCommandTest, LoginWithoutTheAdminCredentialRefreshesWithTheAccountToken) {
  StoreToken("tok.en-OLD", "tok.en-OLD-ACCOUNT");
  EXPECT_EQ(RunWith({"login", "--member", "paris-3f9a0c2d4e5b6a71"}, MemberEnvironment()), kExitOk)
      << err_.str();
  ASSERT_EQ(members_.issue_credentials.size(), 2u);
  EXPECT_EQ(members_.issue_credentials[0], "tok.en-OLD-ACCOUNT");
  EXPECT_EQ(members_.issue_credentials[1], "tok.en-NEW-ACCOUNT");
  EXPECT_EQ(Stored().booking, "tok.en-NEW-BOOKING");
  EXPECT_EQ(Stored().account, "tok.en-NEW-ACCOUNT");
}

TEST_F(RunCommandTest, LoginWithNeitherCredentialFailsLocally) {
  EXPECT_EQ(RunWith({"login", "--member", "m1"}, MemberEnvironment()), kExitUsage);
  EXPECT_TRUE(members_.issue_requests.empty());
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION: login needs the admin credential"));

  Environment no_home = MemberEnvironment();
  no_home.token_file = std::nullopt;
  EXPECT_EQ(RunWith({"login", "--member", "m1"}, no_home), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("no token file: give --token_file FILE"));
  EXPECT_EQ(RunWith({"logout"}, no_home), kExitUsage);
}

TEST_F(RunCommandTest, ARefusedLoginKeepsTheStoredToken) {
  StoreToken("tok.en-OLD");
  members_.issued = absl::UnauthenticatedError("the token has expired");
  EXPECT_EQ(RunWith({"login", "--member", "m1"}, MemberEnvironment()), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: UNAUTHENTICATED: the token has expired\n");
  EXPECT_EQ(Stored().booking, "tok.en-OLD");
}

TEST_F(RunCommandTest, LogoutRevokesTheTokensThenDeletesTheTokenFile) {
  StoreToken("tok.en-OLD");
  EXPECT_EQ(Run({"logout"}), kExitOk) << err_.str();
  ASSERT_TRUE(members_.updated.has_value());
  EXPECT_EQ(members_.updated->member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_TRUE(members_.updated->revoke_tokens());
  EXPECT_FALSE(members_.updated->has_email());
  EXPECT_EQ(members_.credential, "tok.en-ACCOUNT");
  EXPECT_EQ(out_.str(), absl::StrCat("Logged out: revoked the tokens of paris-3f9a0c2d4e5b6a71; "
                                     "deleted ",
                                     token_file_, "\n"));
  EXPECT_EQ(*ReadTokenFile(token_file_), std::nullopt);
  members_.updated.reset();
  EXPECT_EQ(Run({"logout"}), kExitOk);
  EXPECT_EQ(out_.str(), absl::StrCat("Not logged in: no token file ", token_file_, "\n"));
  EXPECT_FALSE(members_.updated.has_value());
}

TEST_F(RunCommandTest, ALogoutThatCannotRevokeKeepsTheTokenFileUnlessTheTokensAreDead) {
  StoreToken("tok.en-OLD");
  members_.update_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"logout"}), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("not logged out"));
  EXPECT_EQ(Stored().booking, "tok.en-OLD");
  members_.update_error = absl::FailedPreconditionError("member belongs to milan");
  EXPECT_EQ(Run({"logout"}), kExitRefused);
  EXPECT_EQ(Stored().booking, "tok.en-OLD");
  // Expired or revoked already: nothing left to revoke.
  members_.update_error = absl::UnauthenticatedError("the token has expired");
  EXPECT_EQ(Run({"logout"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("expired or were revoked"));
  EXPECT_EQ(*ReadTokenFile(token_file_), std::nullopt);
}

TEST_F(RunCommandTest, TheDeskRevokesAMembersTokens) {
  EXPECT_EQ(Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--revoke-tokens"}), kExitOk)
      << err_.str();
  ASSERT_TRUE(members_.updated.has_value());
  EXPECT_TRUE(members_.updated->revoke_tokens());
  EXPECT_EQ(members_.credential, "s3cret-credential-0123456789");
}

TEST_F(RunCommandTest, BookingCommandsPreferTheMemberTokenOverTheAdminCredential) {
  StoreToken("tok.en-MEMBER");
  bookings_.pages[""] = v1::ListBookingsResponse();
  EXPECT_EQ(Run({"book", "coworking", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00",
                 "--key", "k"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(bookings_.created->member_id(), "");  // The node takes it from the token.
  EXPECT_EQ(Run({"cancel", "b1"}), kExitOk);
  EXPECT_EQ(Run({"checkin", "b1"}), kExitOk);
  EXPECT_EQ(Run({"booking", "b1"}), kExitOk);
  EXPECT_THAT(bookings_.credentials,
              ElementsAre("tok.en-MEMBER", "tok.en-MEMBER", "tok.en-MEMBER", "tok.en-MEMBER"));
  EXPECT_EQ(Run({"bookings", "--member", "m1"}), kExitOk);
  // A space's day stays a manager read.
  EXPECT_EQ(Run({"bookings", "--space", "coworking", "--day", "2027-01-11"}), kExitOk);
  EXPECT_THAT(bookings_.list_credentials,
              ElementsAre("tok.en-MEMBER", "s3cret-credential-0123456789"));
}

TEST_F(RunCommandTest, AsDeskForcesTheAdminCredential) {
  StoreToken("tok.en-MEMBER");
  bookings_.pages[""] = v1::ListBookingsResponse();
  EXPECT_EQ(Run({"--as_desk", "cancel", "b1"}), kExitOk) << err_.str();
  EXPECT_EQ(Run({"bookings", "--member", "m1", "--as_desk"}), kExitOk);
  EXPECT_THAT(bookings_.credentials, ElementsAre("s3cret-credential-0123456789"));
  EXPECT_THAT(bookings_.list_credentials, ElementsAre("s3cret-credential-0123456789"));

  EXPECT_EQ(RunWith({"--as_desk", "cancel", "b1"}, MemberEnvironment()), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("this command needs the admin credential"));
  EXPECT_EQ(bookings_.credentials.size(), 1u);
}

TEST_F(RunCommandTest, BookingCommandsWithoutATokenActAsTheDesk) {
  EXPECT_EQ(Run({"checkin", "b1"}), kExitOk) << err_.str();
  EXPECT_THAT(bookings_.credentials, ElementsAre("s3cret-credential-0123456789"));

  // The desk books for a member it names.
  EXPECT_EQ(Run({"book", "coworking", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00",
                 "--key", "k"}),
            kExitUsage);
  EXPECT_FALSE(bookings_.created.has_value());
  EXPECT_THAT(err_.str(), HasSubstr("book needs --member ID when booking as the desk"));
}

TEST_F(RunCommandTest, BookingCommandsWithNeitherCredentialFailLocally) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"book", "coworking", "--member", "m1", "--start",
                                              "2027-01-11 09:00", "--end", "2027-01-11 13:00"},
                                             {"cancel", "b1"},
                                             {"checkin", "b1"},
                                             {"booking", "b1"},
                                             {"bookings", "--member", "m1"}}) {
    EXPECT_EQ(RunWith(args, MemberEnvironment()), kExitUsage) << testing::PrintToString(args);
    EXPECT_EQ(err_.str(),
              "cantinectl: FAILED_PRECONDITION: run 'cantinectl login --member ID' first (or "
              "give --admin_credential_file)\n")
        << testing::PrintToString(args);
  }
  EXPECT_FALSE(bookings_.created.has_value());
  EXPECT_TRUE(bookings_.credentials.empty());
  EXPECT_TRUE(bookings_.list_requests.empty());
}

TEST_F(RunCommandTest, AvailabilityNeedsNoCredential) {
  bookings_.availability = v1::GetAvailabilityResponse();
  EXPECT_EQ(RunWith({"availability", "coworking", "--from", "2027-01-11"}, MemberEnvironment()),
            kExitOk)
      << err_.str();
}

// ---- Travel: other venues, visitors, settlement, visit allowance, against a fake node ----

TEST_F(RunCommandTest, AvailabilityAndBookAtAnotherVenueNameIt) {
  bookings_.availability = v1::GetAvailabilityResponse();
  EXPECT_EQ(Run({"availability", "desks", "--site", "sf", "--from", "2027-01-13"}), kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.availability_request.has_value());
  EXPECT_EQ(bookings_.availability_request->site_id(), "sf");
  EXPECT_EQ(bookings_.availability_request->space_id(), "desks");

  bookings_.booking = MakeSanFranciscoVisit("sf-0000000000000002");
  EXPECT_EQ(Run({"book", "desks", "--site", "sf", "--member", "paris-3f9a0c2d4e5b6a71", "--start",
                 "2027-01-13 08:00", "--end", "2027-01-13 12:00", "--key", "k"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.created.has_value());
  EXPECT_EQ(bookings_.created->site_id(), "sf");
  // Times at the venue, as typed: never converted from the node's or the user's zone.
  EXPECT_EQ(FormatCivilDateTime(bookings_.created->start()), "2027-01-13 08:00");
  EXPECT_THAT(out_.str(), HasSubstr("Site     sf\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Start    2027-01-13 08:00 America/Los_Angeles\n"));
  EXPECT_EQ(client_.get_site_calls, 0);

  EXPECT_EQ(Run({"book", "coworking", "--member", "m", "--start", "2027-01-11 09:00", "--end",
                 "2027-01-11 13:00", "--key", "k2"}),
            kExitOk);
  EXPECT_EQ(bookings_.created->site_id(), "");  // The node's own site.
}

TEST_F(RunCommandTest, ItineraryShowsEachBookingAtItsVenue) {
  v1::ListBookingsResponse itinerary;
  *itinerary.add_bookings() = MakeBooking("paris-0000000000000001");
  *itinerary.add_bookings() = MakeSanFranciscoVisit("sf-0000000000000002");
  bookings_.pages[""] = itinerary;
  EXPECT_EQ(Run({"bookings", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000001  paris  coworking"));
  EXPECT_THAT(out_.str(), HasSubstr("2027-01-11 09:00-19:00 Europe/Paris"));
  EXPECT_THAT(out_.str(), HasSubstr("sf-0000000000000002     sf     desks"));
  EXPECT_THAT(out_.str(), HasSubstr("2027-01-13 08:00-12:00 America/Los_Angeles"));
  EXPECT_EQ(client_.get_site_calls, 0);

  EXPECT_EQ(Run({"--json", "bookings", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"timeZone\": \"America/Los_Angeles\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"homeSiteId\": \"paris\""));
}

TEST_F(RunCommandTest, VisitorsDefaultToTodayAtTheVenue) {
  v1::ListBookingsResponse visitors;
  v1::Booking visit = MakeBooking("paris-0000000000000009");
  visit.set_member_id("sf-00000000000000bb");
  visit.set_home_site_id("sf");
  *visitors.add_bookings() = visit;
  bookings_.pages[""] = visitors;
  // now_ is 23:30 UTC on 2027-01-11: already 2027-01-12 in Paris.
  EXPECT_EQ(Run({"visitors"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);
  ASSERT_TRUE(bookings_.list_requests[0].has_visitors_on());
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[0].visitors_on()), "2027-01-12");
  EXPECT_EQ(bookings_.list_credentials[0], "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), StartsWith("Visitors at paris on Tue 2027-01-12 (Europe/Paris)\n\n"));
  EXPECT_THAT(out_.str(), HasSubstr("paris-0000000000000009  sf-00000000000000bb  sf    coworking  "
                                    "2027-01-11 09:00-19:00 Europe/Paris  confirmed\n"));

  // West of UTC, the same instant is still 2027-01-11.
  client_.site.set_time_zone("America/Los_Angeles");
  EXPECT_EQ(Run({"visitors"}), kExitOk) << err_.str();
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[1].visitors_on()), "2027-01-11");
}

TEST_F(RunCommandTest, VisitorsOnAGivenDay) {
  bookings_.pages[""] = v1::ListBookingsResponse();
  EXPECT_EQ(Run({"--json", "visitors", "--day", "2027-01-14"}), kExitOk) << err_.str();
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[0].visitors_on()), "2027-01-14");
  EXPECT_EQ(client_.get_site_calls, 0);  // Neither today nor a table to name.
  EXPECT_THAT(out_.str(), HasSubstr("\"bookings\": []"));

  EXPECT_EQ(Run({"visitors", "--day", "2027-01-14"}), kExitOk);
  EXPECT_EQ(out_.str(),
            "Visitors at paris on Thu 2027-01-14 (Europe/Paris)\n\n"
            "BOOKING  MEMBER  HOME  SPACE  WHEN (AT THE VENUE)  STATE\n");
}

TEST_F(RunCommandTest, VisitorsAreAManagerRead) {
  Environment member = MemberEnvironment();
  StoreToken("tok.en-MEMBER");
  EXPECT_EQ(RunWith({"visitors", "--day", "2027-01-14"}, member), kExitUsage);
  EXPECT_THAT(err_.str(),
              HasSubstr("FAILED_PRECONDITION: this command needs the admin credential"));
  EXPECT_TRUE(bookings_.list_requests.empty());

  bookings_.pages[""] = absl::PermissionDeniedError("the admin credential is wrong");
  EXPECT_EQ(Run({"visitors"}), kExitRefused);
  EXPECT_EQ(err_.str(), "cantinectl: PERMISSION_DENIED: the admin credential is wrong\n");
}

TEST_F(RunCommandTest, VisitorsWithoutADayNeedTheSiteZone) {
  client_.get_site_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"visitors"}), kExitUnreachable);
  EXPECT_TRUE(bookings_.list_requests.empty());

  client_.get_site_error = absl::OkStatus();
  client_.site.set_time_zone("Not/AZone");
  EXPECT_EQ(Run({"visitors"}), kExitFailure);
  EXPECT_TRUE(bookings_.list_requests.empty());
  EXPECT_THAT(err_.str(), HasSubstr("cannot load the site's time zone 'Not/AZone'"));
  EXPECT_THAT(err_.str(), HasSubstr("give --day YYYY-MM-DD"));
}

TEST_F(RunCommandTest, SettlementTableAndJson) {
  bookings_.settlement = MakeSettlement();
  EXPECT_EQ(Run({"settlement", "--month", "2027-01"}), kExitOk) << err_.str();
  ASSERT_TRUE(bookings_.settlement_request.has_value());
  EXPECT_EQ(bookings_.settlement_request->month(), "2027-01");
  EXPECT_THAT(bookings_.credentials, ElementsAre("s3cret-credential-0123456789"));
  EXPECT_EQ(out_.str(), FormatSettlement(MakeSettlement()));
  EXPECT_THAT(out_.str(), HasSubstr("paris  sf         12    15  1234.50 EUR\n"));

  EXPECT_EQ(Run({"--json", "settlement", "--month", "2027-01"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"month\": \"2027-01\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"hostSiteId\": \"paris\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"visitDays\": 15"));
  EXPECT_THAT(out_.str(), HasSubstr("\"amountMinor\": \"123450\""));
  EXPECT_EQ(client_.get_site_calls, 0);
}

TEST_F(RunCommandTest, SettlementIsAManagerRead) {
  EXPECT_EQ(RunWith({"settlement", "--month", "2027-01"}, MemberEnvironment()), kExitUsage);
  EXPECT_FALSE(bookings_.settlement_request.has_value());
  EXPECT_THAT(err_.str(), HasSubstr("this command needs the admin credential"));

  bookings_.settlement = absl::InvalidArgumentError("month is '1969-12'; give a month as YYYY-MM");
  EXPECT_EQ(Run({"settlement", "--month", "1969-12"}), kExitRefused);
  EXPECT_EQ(err_.str(),
            "cantinectl: INVALID_ARGUMENT: month is '1969-12'; give a month as YYYY-MM\n");
}

TEST_F(RunCommandTest, PolicySetVisitDaysChangesOnlyThatField) {
  EXPECT_EQ(Run({"policy", "set-visit-days", "12"}), kExitOk) << err_.str();
  ASSERT_TRUE(client_.policy_update.has_value());
  EXPECT_EQ(client_.credential, "s3cret-credential-0123456789");
  v1::SitePolicy expected = ParisSite().policy();
  expected.set_member_visit_days_per_month(12);
  EXPECT_EQ(client_.policy_update->policy().SerializeAsString(), expected.SerializeAsString());
  // Sent only if nobody changed the policy since it was read.
  EXPECT_EQ(client_.policy_update->expected_policy().SerializeAsString(),
            ParisSite().policy().SerializeAsString());
  EXPECT_THAT(out_.str(), StartsWith("Site             paris\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Max booking      21 days\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Visit allowance  12 days a month at other sites\n"));

  EXPECT_EQ(Run({"--json", "policy", "set-visit-days", "0"}), kExitOk) << err_.str();
  EXPECT_EQ(client_.policy_update->policy().member_visit_days_per_month(), 0);
  EXPECT_TRUE(client_.policy_update->policy().has_member_visit_days_per_month());
  EXPECT_THAT(out_.str(), HasSubstr("\"memberVisitDaysPerMonth\": 0"));
  EXPECT_THAT(out_.str(), HasSubstr("\"maxBookingDays\": 21"));
}

TEST_F(RunCommandTest, PolicyClearVisitDaysLiftsTheLimit) {
  client_.site.mutable_policy()->set_member_visit_days_per_month(5);
  EXPECT_EQ(Run({"policy", "clear-visit-days"}), kExitOk) << err_.str();
  ASSERT_TRUE(client_.policy_update.has_value());
  EXPECT_FALSE(client_.policy_update->policy().has_member_visit_days_per_month());
  EXPECT_EQ(client_.policy_update->policy().max_booking_days(), 21);
  EXPECT_THAT(out_.str(), HasSubstr("Visit allowance  no limit\n"));
}

TEST_F(RunCommandTest, PolicyIsAManagerWriteRefusedOrAppliedAsTheNodeSays) {
  EXPECT_EQ(RunWith({"policy", "set-visit-days", "3"}, MemberEnvironment()), kExitUsage);
  EXPECT_FALSE(client_.policy_update.has_value());
  EXPECT_EQ(client_.get_site_calls, 0);

  client_.update_policy_error =
      absl::InvalidArgumentError("member_visit_days_per_month is 40; it must be 0 to 31");
  EXPECT_EQ(Run({"policy", "set-visit-days", "40"}), kExitRefused);
  EXPECT_EQ(err_.str(),
            "cantinectl: INVALID_ARGUMENT: member_visit_days_per_month is 40; it must be 0 to "
            "31\n");
  EXPECT_EQ(out_.str(), "");

  // Without the current policy, nothing is written.
  client_.policy_update.reset();
  client_.get_site_error = absl::UnavailableError("connection refused");
  EXPECT_EQ(Run({"policy", "clear-visit-days"}), kExitUnreachable);
  EXPECT_FALSE(client_.policy_update.has_value());
}

TEST_F(RunCommandTest, SiteShowsTheVisitAllowance) {
  client_.site.mutable_policy()->set_member_visit_days_per_month(8);
  EXPECT_EQ(Run({"site"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("Visit allowance  8 days a month at other sites\n"));
}

}  // namespace
}  // namespace cantine::cantinectl
