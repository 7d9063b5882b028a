// cantinectl's command line: global flags and the environment, each command's flags and arguments,
// and the errors found before calling the node.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cantinectl_test_node.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {
namespace {

// Each suite parses, and runs what it parsed against the mocked node to see what it sends.
class ParseArgumentsTest : public RunCommandTest {};
class ParseBookingArgumentsTest : public RunCommandTest {};
class ParseTravelArgumentsTest : public RunCommandTest {};
class ParseLoginArgumentsTest : public RunCommandTest {};
class ParseEventArgumentsTest : public RunCommandTest {};

// ---- Arguments ----
absl::StatusOr<Invocation> Parse(std::vector<std::string> args, Environment env = {}) {
  return ParseArguments(args, env);
}

// An environment that gives only the key 'book' generates.
Environment WithKey() {
  return {.node = std::nullopt,
          .admin_credential_file = std::nullopt,
          .token_file = std::nullopt,
          .home = std::nullopt,
          .ca_file = std::nullopt,
          .new_idempotency_key = kGeneratedKey};
}

// Command lines, each with a part of the message of the INVALID_ARGUMENT it is.
using UsageCases = std::vector<std::pair<std::vector<std::string>, std::string>>;

void ExpectUsageErrors(const UsageCases& cases, const Environment& env = {}) {
  for (const auto& [args, message] : cases) {
    absl::StatusOr<Invocation> parsed = ParseArguments(args, env);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message))
        << testing::PrintToString(args);
  }
}

TEST_F(ParseArgumentsTest, DefaultsWithoutFlagsOrEnvironment) {
  absl::StatusOr<Invocation> parsed = Parse({"site"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(Execute(*parsed), kExitOk);  // The site, as a table.
  EXPECT_THAT(out_.str(), HasSubstr("La Cantine"));
  EXPECT_EQ(parsed->options.node, "127.0.0.1:7101");
  EXPECT_FALSE(parsed->options.json);
  EXPECT_EQ(parsed->options.admin_credential_file, "");
  EXPECT_EQ(parsed->options.timeout, absl::Seconds(5));
}

TEST_F(ParseArgumentsTest, EnvironmentGivesDefaultsThatFlagsOverride) {
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

TEST_F(ParseArgumentsTest, TransportIsTlsByDefaultCaFromFlagElseEnvironmentOrInsecure) {
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

TEST_F(ParseArgumentsTest, EmptyEnvironmentNodeFallsBackToTheDefault) {
  absl::StatusOr<Invocation> parsed = Parse({"site"}, {.node = "",
                                                       .admin_credential_file = std::nullopt,
                                                       .token_file = std::nullopt,
                                                       .home = std::nullopt,
                                                       .ca_file = std::nullopt,
                                                       .new_idempotency_key = ""});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->options.node, "127.0.0.1:7101");
}

TEST_F(ParseArgumentsTest, GlobalFlagsBeforeOrAfterTheCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "--timeout", "1500ms", "spaces", "--all"},
           {"spaces", "--all", "--json", "--timeout=1500ms"},
           {"--all", "spaces", "--timeout=1500ms", "--json=true"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(parsed->options.json);
    EXPECT_EQ(parsed->options.timeout, absl::Milliseconds(1500));
    v1::ListSpacesRequest sent;
    EXPECT_CALL(site_stub_, ListSpaces)
        .WillOnce(DoAll(SaveArg<1>(&sent), Return(grpc::Status::OK)));
    EXPECT_EQ(Execute(*parsed), kExitOk);
    EXPECT_TRUE(sent.include_retired());
  }
}

TEST_F(ParseArgumentsTest, HelpInAnyForm) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"help"}, {"space", "create", "--help"}, {"--json", "--help"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_FALSE(parsed->calls_node);
    EXPECT_EQ(Execute(*parsed), kExitOk);
    EXPECT_THAT(out_.str(), StartsWith("Usage: cantinectl"));
  }
}

TEST_F(ParseArgumentsTest, UsageTextDocumentsExitCodesAndEnvironment) {
  EXPECT_THAT(UsageText(),
              ContainsAll({"Exit codes:", "CANTINE_NODE", "CANTINE_ADMIN_CREDENTIAL_FILE",
                           "space create ID", "[--visitor-price AMOUNT]"}));
}

TEST_F(ParseArgumentsTest, SpaceIdVersusKeywords) {
  EXPECT_CALL(site_stub_, GetSpace(_, Property(&v1::GetSpaceRequest::space_id, "coworking"), _));
  EXPECT_EQ(Run({"space", "coworking"}), kExitOk);
  EXPECT_CALL(site_stub_,
              RetireSpace(_, Property(&v1::RetireSpaceRequest::space_id, "coworking"), _));
  EXPECT_EQ(Run({"space", "retire", "coworking"}), kExitOk);

  absl::StatusOr<Invocation> no_id = Parse({"space", "retire"});
  EXPECT_TRUE(absl::IsInvalidArgument(no_id.status()));
  EXPECT_THAT(std::string(no_id.status().message()), HasSubstr("space retire ID"));
}

TEST_F(ParseArgumentsTest, SpaceCreateWithEveryFlag) {
  EXPECT_EQ(Run({"space", "create", "quiet-room", "--name", "Quiet room", "--kind=room", "--seats",
                 "4", "--price", "40", "--description", "By the window"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(client_.created.has_value());
  const v1::Space& create = client_.created->space();
  EXPECT_EQ(create.space_id(), "quiet-room");
  EXPECT_EQ(create.display_name(), "Quiet room");
  EXPECT_EQ(create.kind(), v1::SPACE_KIND_MEETING_ROOM);
  EXPECT_EQ(create.seats(), 4);
  EXPECT_EQ(create.price_per_slot().amount_minor(), 4000);
  EXPECT_FALSE(create.has_visitor_price_per_slot());
  EXPECT_EQ(create.description(), "By the window");
}

TEST_F(ParseArgumentsTest, SpaceCreateAndUpdateTakeAVisitorPrice) {
  EXPECT_EQ(Run({"space", "create", "quiet-room", "--name", "Quiet room", "--kind", "room",
                 "--seats", "4", "--price", "40", "--visitor-price", "55.50"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(client_.created.has_value());
  EXPECT_EQ(client_.created->space().price_per_slot().amount_minor(), 4000);
  EXPECT_EQ(client_.created->space().visitor_price_per_slot().amount_minor(), 5550);

  EXPECT_EQ(Run({"space", "update", "coworking", "--visitor-price=18"}), kExitOk) << err_.str();
  ASSERT_TRUE(client_.updated.has_value());
  EXPECT_EQ(client_.updated->visitor_price_per_slot().amount_minor(), 1800);
  EXPECT_FALSE(client_.updated->has_price_per_slot());
  EXPECT_FALSE(client_.updated->has_seats());
}

TEST_F(ParseArgumentsTest, SpaceCreateNamesTheMissingFlags) {
  absl::StatusOr<Invocation> parsed = Parse({"space", "create", "x", "--name", "X", "--seats=3"});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_EQ(std::string(parsed.status().message()), "space create needs --kind, --price");
}

TEST_F(ParseArgumentsTest, SyntaxErrorsAreRefusedLocally) {
  const UsageCases cases = {
      {{}, "no command given"},
      {{"bogus"}, "unknown command 'bogus'"},
      {{"--bogus", "site"}, "unknown flag --bogus"},
      {{"-x", "site"}, "unknown flag '-x'"},
      {{"site", "--node"}, "--node needs a value"},
      {{"site", "--node="}, "--node is empty"},
      {{"site", "--json=yes"}, "--json takes no value"},
      {{"site", "--json="}, "--json takes no value (or =true, =false), not ''"},
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
  ExpectUsageErrors(cases);
}

TEST_F(ParseArgumentsTest, SpaceUpdateKeepsOnlyTheGivenFields) {
  EXPECT_EQ(Run({"space", "update", "coworking", "--seats", "30", "--description="}), kExitOk)
      << err_.str();
  ASSERT_TRUE(client_.updated.has_value());
  EXPECT_EQ(client_.updated->seats(), 30);
  EXPECT_TRUE(client_.updated->has_description());
  EXPECT_EQ(client_.updated->description(), "");
  EXPECT_FALSE(client_.updated->has_display_name());
  EXPECT_FALSE(client_.updated->has_price_per_slot());
  EXPECT_FALSE(client_.updated->has_visitor_price_per_slot());
}

TEST_F(ParseArgumentsTest, DoubleDashEndsTheFlags) {
  absl::StatusOr<Invocation> parsed = Parse({"--json", "--", "space", "--odd"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_CALL(site_stub_, GetSpace(_, Property(&v1::GetSpaceRequest::space_id, "--odd"), _));
  EXPECT_EQ(Execute(*parsed), kExitOk);
}

TEST_F(ParseBookingArgumentsTest, MemberRegisterAndGet) {
  EXPECT_EQ(Run({"member", "register", "--name", "Ada Lovelace", "--email=ada@example.org"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(members_.registered.has_value());
  EXPECT_EQ(members_.registered->display_name(), "Ada Lovelace");
  EXPECT_EQ(members_.registered->email(), "ada@example.org");

  EXPECT_EQ(Run({"member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  EXPECT_EQ(members_.requested_id, "paris-3f9a0c2d4e5b6a71");
}

TEST_F(ParseBookingArgumentsTest, AvailabilityDefaultsToOneDay) {
  bookings_.availability = v1::GetAvailabilityResponse();
  EXPECT_EQ(Run({"availability", "coworking", "--from", "2027-01-11"}), kExitOk) << err_.str();
  ASSERT_TRUE(bookings_.availability_request.has_value());
  EXPECT_EQ(bookings_.availability_request->space_id(), "coworking");
  EXPECT_EQ(FormatCivilDate(bookings_.availability_request->first_day()), "2027-01-11");
  EXPECT_EQ(FormatCivilDate(bookings_.availability_request->last_day()), "2027-01-11");

  EXPECT_EQ(Run({"availability", "coworking", "--from=2027-01-11", "--to=2027-01-15"}), kExitOk);
  EXPECT_EQ(FormatCivilDate(bookings_.availability_request->last_day()), "2027-01-15");
}

TEST_F(ParseBookingArgumentsTest, BookWithEveryFlag) {
  EXPECT_EQ(Run({"book", "coworking", "--member", "paris-3f9a0c2d4e5b6a71", "--start",
                 "2027-01-11 09:00", "--end", "2027-01-12T19:00", "--seats", "3", "--key", "k1"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.created.has_value());
  EXPECT_THAT(BookingAsked(*bookings_.created),
              ElementsAre("coworking", "paris-3f9a0c2d4e5b6a71", "2027-01-11 09:00",
                          "2027-01-12 19:00", "3", "k1"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("generated")));
}

TEST_F(ParseBookingArgumentsTest, BookDefaultsToOneSeatAndAGeneratedKey) {
  EXPECT_EQ(Run({"book", "meeting-room", "--member", "m", "--start", "2027-01-11T09:00", "--end",
                 "2027-01-11T24:00"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.created.has_value());
  const v1::CreateBookingRequest& book = *bookings_.created;
  EXPECT_EQ(book.seats(), 1);
  EXPECT_EQ(book.idempotency_key(), kGeneratedKey);
  EXPECT_THAT(err_.str(), HasSubstr(absl::StrCat("generated idempotency key ", kGeneratedKey)));
  // 24:00 is the end of the day: 00:00 of the next.
  EXPECT_EQ(FormatCivilDateTime(book.end()), "2027-01-12 00:00");
}

TEST_F(ParseBookingArgumentsTest, BookingIdCommands) {
  EXPECT_EQ(Run({"cancel", "paris-b1"}), kExitOk);
  EXPECT_EQ(Run({"checkin", "paris-b1"}), kExitOk);
  EXPECT_EQ(Run({"booking", "paris-b1", "--json"}), kExitOk);
  EXPECT_THAT(bookings_.calls, ElementsAre("cancel paris-b1", "checkin paris-b1", "get paris-b1"));
  EXPECT_THAT(out_.str(), StartsWith("{\n"));
}

TEST_F(ParseBookingArgumentsTest, BookingsByMemberOrBySpaceDay) {
  v1::ListBookingsResponse first;
  first.set_next_page_token("p2");
  bookings_.pages[""] = first;
  bookings_.pages["p2"] = v1::ListBookingsResponse();
  EXPECT_EQ(Run({"bookings", "--member", "m1"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);  // One page.
  EXPECT_EQ(bookings_.list_requests[0].member_id(), "m1");

  bookings_.list_requests.clear();
  EXPECT_EQ(Run({"bookings", "--space", "coworking", "--day", "2027-01-11", "--all"}), kExitOk)
      << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 2u);  // Every page.
  const v1::ListBookingsRequest& day = bookings_.list_requests[0];
  EXPECT_EQ(day.member_id(), "");
  EXPECT_EQ(day.space_day().space_id(), "coworking");
  EXPECT_EQ(FormatCivilDate(day.space_day().day()), "2027-01-11");
}

TEST_F(ParseBookingArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::string> book = {"book", "coworking", "--member", "m"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = book;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const UsageCases cases = {
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
  ExpectUsageErrors(cases, WithKey());
}

TEST_F(ParseBookingArgumentsTest, BookWithoutKeyNeedsOneGenerated) {
  absl::StatusOr<Invocation> parsed = Parse({"book", "coworking", "--member", "m", "--start",
                                             "2027-01-11 09:00", "--end", "2027-01-11 13:00"});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("book needs --key"));
}

TEST_F(ParseBookingArgumentsTest, BookWithoutMemberLeavesItToTheToken) {
  StoreToken("tok.en-BOOKING");
  EXPECT_EQ(Run({"book", "coworking", "--start", "2027-01-11 09:00", "--end", "2027-01-11 13:00"}),
            kExitOk)
      << err_.str();
  ASSERT_TRUE(bookings_.created.has_value());
  EXPECT_EQ(bookings_.created->member_id(), "");
}

// ---- Arguments of the network-wide booking commands ----
TEST_F(ParseTravelArgumentsTest, AvailabilityAndBookTakeTheVenue) {
  bookings_.availability = v1::GetAvailabilityResponse();
  EXPECT_EQ(Run({"availability", "coworking", "--from", "2027-01-11"}), kExitOk);
  EXPECT_EQ(bookings_.availability_request->site_id(), "");  // The node's own.

  EXPECT_EQ(Run({"availability", "coworking", "--site", "sf", "--from", "2027-01-11"}), kExitOk);
  EXPECT_EQ(bookings_.availability_request->site_id(), "sf");
  EXPECT_EQ(bookings_.availability_request->space_id(), "coworking");

  EXPECT_EQ(Run({"book", "coworking", "--site=sf", "--member", "paris-3f9a0c2d4e5b6a71", "--start",
                 "2027-01-11 09:00", "--end", "2027-01-11 13:00"}),
            kExitOk);
  EXPECT_EQ(bookings_.created->site_id(), "sf");
  EXPECT_EQ(bookings_.created->space_id(), "coworking");
  EXPECT_EQ(FormatCivilDateTime(bookings_.created->start()), "2027-01-11 09:00");

  EXPECT_EQ(Run({"book", "coworking", "--member", "m", "--start", "2027-01-11 09:00", "--end",
                 "2027-01-11 13:00"}),
            kExitOk);
  EXPECT_EQ(bookings_.created->site_id(), "");
}

TEST_F(ParseTravelArgumentsTest, VisitorsTodayOrOnADay) {
  v1::ListBookingsResponse first;
  first.set_next_page_token("p2");
  bookings_.pages[""] = first;
  bookings_.pages["p2"] = v1::ListBookingsResponse();
  // Today at the venue: now_ (23:30 UTC on 2027-01-11) in Paris. One page.
  EXPECT_EQ(Run({"visitors"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 1u);
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[0].visitors_on()), "2027-01-12");

  bookings_.list_requests.clear();
  EXPECT_EQ(Run({"visitors", "--day", "2027-01-14", "--all"}), kExitOk) << err_.str();
  ASSERT_EQ(bookings_.list_requests.size(), 2u);  // Every page.
  EXPECT_EQ(FormatCivilDate(bookings_.list_requests[0].visitors_on()), "2027-01-14");
}

TEST_F(ParseTravelArgumentsTest, SettlementOfAMonth) {
  bookings_.settlement = MakeSettlement();
  EXPECT_EQ(Run({"settlement", "--month", "2027-01", "--json"}), kExitOk) << err_.str();
  EXPECT_EQ(bookings_.settlement_request->month(), "2027-01");
  EXPECT_THAT(out_.str(), StartsWith("{\n"));
  EXPECT_EQ(Run({"settlement", "--month=2026-12"}), kExitOk);
  EXPECT_EQ(bookings_.settlement_request->month(), "2026-12");
}

TEST_F(ParseTravelArgumentsTest, PolicySetsOrClearsTheVisitAllowance) {
  EXPECT_EQ(Run({"policy", "set-visit-days", "12"}), kExitOk) << err_.str();
  EXPECT_EQ(client_.policy_update->policy().member_visit_days_per_month(), 12);

  EXPECT_EQ(Run({"policy", "set-visit-days", "0"}), kExitOk) << err_.str();
  EXPECT_TRUE(client_.policy_update->policy().has_member_visit_days_per_month());
  EXPECT_EQ(client_.policy_update->policy().member_visit_days_per_month(), 0);

  EXPECT_EQ(Run({"policy", "clear-visit-days"}), kExitOk) << err_.str();
  EXPECT_FALSE(client_.policy_update->policy().has_member_visit_days_per_month());
}

TEST_F(ParseTravelArgumentsTest, BadInputIsRefusedLocally) {
  const UsageCases cases = {
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
  ExpectUsageErrors(cases, WithKey());
}

// ---- Arguments of login, logout and the token file ----
TEST_F(ParseLoginArgumentsTest, LoginWithDefaultOrGivenTtl) {
  EXPECT_EQ(Run({"login", "--member", "paris-3f9a0c2d4e5b6a71"}), kExitOk) << err_.str();
  ASSERT_FALSE(members_.issue_requests.empty());
  EXPECT_EQ(members_.issue_requests[0].member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_EQ(members_.issue_requests[0].ttl().seconds(), 12 * 3600);

  members_.issue_requests.clear();
  EXPECT_EQ(Run({"login", "--ttl=90m", "--member", "m1"}), kExitOk) << err_.str();
  ASSERT_FALSE(members_.issue_requests.empty());
  EXPECT_EQ(members_.issue_requests[0].ttl().seconds(), 90 * 60);

  absl::StatusOr<Invocation> logout = Parse({"logout", "--token_file", token_file_});
  ASSERT_TRUE(logout.ok()) << logout.status();
  EXPECT_EQ(Execute(*logout), kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("Logged out"));
}

TEST_F(ParseLoginArgumentsTest, BadInputIsRefusedLocally) {
  const UsageCases cases = {
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
  ExpectUsageErrors(cases);
}

TEST_F(ParseLoginArgumentsTest, TokenFileFromFlagElseEnvironmentElseHome) {
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

TEST_F(ParseLoginArgumentsTest, AsDeskIsAGlobalFlag) {
  absl::StatusOr<Invocation> parsed = Parse({"cancel", "b1", "--as_desk"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->options.as_desk);
  parsed = Parse({"cancel", "b1"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->options.as_desk);
}

TEST_F(ParseLoginArgumentsTest, UsageTextDocumentsLoginAndTheTokenFile) {
  EXPECT_THAT(UsageText(),
              ContainsAll({"login --member ID [--ttl DURATION]", "logout ", "--token_file FILE",
                           "$CANTINE_TOKEN_FILE", "$HOME/.cantine/token", "--as_desk"}));
}

TEST_F(ParseBookingArgumentsTest, UsageTextDocumentsTheBookingCommands) {
  EXPECT_THAT(
      UsageText(),
      ContainsAll(
          {"member register --name NAME --email EMAIL", "member ID",
           "availability SPACE [--site SITE] --from DAY",
           "book SPACE [--site SITE] [--member ID] --start TIME --end TIME [--seats N] [--key KEY]",
           "booking ID", "bookings --member ID [--all]", "bookings --space SPACE --day DAY [--all]",
           "cancel ID", "checkin ID", "visitors [--day DAY] [--all]", "settlement --month YYYY-MM",
           "policy set-visit-days N", "policy clear-visit-days"}));
}

// ---- Arguments of the member writes, event and network commands ----
TEST_F(ParseEventArgumentsTest, MemberRegisterUpdateAndErase) {
  EXPECT_EQ(Run({"member", "register", "--name", "Ada", "--email", "ada@example.org", "--bio",
                 "Engines"}),
            kExitOk);
  EXPECT_EQ(members_.registered->bio(), "Engines");
  EXPECT_EQ(Run({"member", "register", "--name", "Ada", "--email", "ada@example.org"}), kExitOk);
  EXPECT_EQ(members_.registered->bio(), "");

  EXPECT_EQ(
      Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--email", "ada@example.com", "--bio="}),
      kExitOk);
  const v1::UpdateMemberRequest update = *members_.updated;
  EXPECT_EQ(update.member_id(), "paris-3f9a0c2d4e5b6a71");
  EXPECT_FALSE(update.has_display_name());
  EXPECT_EQ(update.email(), "ada@example.com");
  EXPECT_TRUE(update.has_bio());
  EXPECT_EQ(update.bio(), "");
  EXPECT_FALSE(update.revoke_tokens());

  EXPECT_EQ(Run({"member", "update", "paris-3f9a0c2d4e5b6a71", "--revoke-tokens"}), kExitOk);
  EXPECT_TRUE(members_.updated->revoke_tokens());

  EXPECT_EQ(Run({"member", "register", "--name", "Ada", "--email", "ada@example.org", "--skill",
                 "mathematics", "--skill", "poetry, science", "--city", "London", "--link",
                 "https://example.org/a,b", "--show", "city, Links"}),
            kExitOk);
  const v1::RegisterMemberRequest& whole = *members_.registered;
  EXPECT_THAT(whole.skills(), ElementsAre("mathematics", "poetry, science"));
  EXPECT_EQ(whole.city(), "London");
  EXPECT_THAT(whole.links(), ElementsAre("https://example.org/a,b"));
  EXPECT_THAT(whole.network_visible_fields(),
              ElementsAre(v1::PROFILE_FIELD_CITY, v1::PROFILE_FIELD_LINKS));
  // The desk completing a request gives the email alone.
  EXPECT_EQ(Run({"member", "register", "--email", "ada@example.org"}), kExitOk);
  EXPECT_EQ(members_.registered->display_name(), "");

  EXPECT_EQ(Run({"member", "update", "m1", "--skills", "go, c++", "--links", "", "--show", ""}),
            kExitOk);
  const v1::UpdateMemberRequest& chosen = *members_.updated;
  ASSERT_TRUE(chosen.has_skills());
  EXPECT_THAT(chosen.skills().values(), ElementsAre("go", "c++"));
  ASSERT_TRUE(chosen.has_links());
  EXPECT_THAT(chosen.links().values(), IsEmpty());
  ASSERT_TRUE(chosen.has_network_visible_fields());
  EXPECT_THAT(chosen.network_visible_fields().fields(), IsEmpty());
  EXPECT_FALSE(chosen.has_city());
  EXPECT_FALSE(update.has_skills());
  EXPECT_FALSE(update.has_network_visible_fields());

  EXPECT_EQ(Run({"member", "erase", "paris-3f9a0c2d4e5b6a71"}), kExitOk);
  EXPECT_EQ(members_.erased_id, "paris-3f9a0c2d4e5b6a71");
}

TEST_F(ParseEventArgumentsTest, EventsWithoutFiltersListsScheduledEventsOnePage) {
  v1::ListEventsResponse first;
  first.set_next_page_token("p2");
  events_.pages[""] = first;
  EXPECT_EQ(Run({"events"}), kExitOk) << err_.str();
  ASSERT_EQ(events_.list_requests.size(), 1u);  // One page.
  EXPECT_THAT(EventFilters(events_.list_requests[0]),
              ElementsAre("", "", "none", "none", "", "scheduled only"));
}

TEST_F(ParseEventArgumentsTest, EventsWithEveryFilter) {
  v1::ListEventsResponse first;
  first.set_next_page_token("p2");
  events_.pages[""] = first;
  events_.pages["p2"] = v1::ListEventsResponse();
  EXPECT_EQ(Run({"events", "--city", "Milano", "--site=milan", "--from", "2027-01-11", "--to",
                 "2027-01-31", "--tag", "talk", "--all-states", "--all"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(events_.list_requests.size(), 2u);  // Every page.
  EXPECT_THAT(EventFilters(events_.list_requests[0]),
              ElementsAre("Milano", "milan", "2027-01-11", "2027-01-31", "talk", "cancelled too"));

  events_.list_requests.clear();
  EXPECT_EQ(Run({"events", "--to", "2027-01-31"}), kExitOk);
  EXPECT_FALSE(events_.list_requests[0].has_from_day());
}

TEST_F(ParseEventArgumentsTest, AnnounceWithRepeatedTags) {
  EXPECT_EQ(Run({"event", "announce", "--title", "Founders' breakfast", "--start",
                 "2027-01-14 08:00", "--end", "2027-01-14T24:00", "--capacity", "40", "--tag",
                 "food", "--tag=networking", "--description", "Croissants"}),
            kExitOk)
      << err_.str();
  EXPECT_THAT(EventAnnounced(*events_.announced),
              ElementsAre("Founders' breakfast", "2027-01-14 08:00", "2027-01-15 00:00", "40",
                          "Croissants"));
  EXPECT_THAT(events_.announced->tags(), ElementsAre("food", "networking"));

  EXPECT_EQ(Run({"event", "announce", "--title", "T", "--start", "2027-01-14 08:00", "--end",
                 "2027-01-14 09:00", "--capacity", "1"}),
            kExitOk);
  EXPECT_TRUE(events_.announced->tags().empty());
  EXPECT_EQ(events_.announced->description(), "");
}

TEST_F(ParseEventArgumentsTest, UpdateKeepsOnlyTheGivenFields) {
  EXPECT_EQ(Run({"event", "update", "paris-00000000000000e1", "--start", "2027-01-15 18:00",
                 "--end", "2027-01-15 20:00", "--tags", "talk, ai ,,"}),
            kExitOk)
      << err_.str();
  const v1::UpdateEventRequest update = *events_.updated;
  EXPECT_EQ(update.event_id(), "paris-00000000000000e1");
  EXPECT_EQ(FormatCivilDateTime(update.start()), "2027-01-15 18:00");
  EXPECT_EQ(FormatCivilDateTime(update.end()), "2027-01-15 20:00");
  ASSERT_TRUE(update.has_tags());
  EXPECT_THAT(update.tags().tags(), ElementsAre("talk", "ai"));
  EXPECT_FALSE(update.has_title());
  EXPECT_FALSE(update.has_description());
  EXPECT_FALSE(update.has_capacity());

  EXPECT_EQ(Run({"event", "update", "paris-00000000000000e1", "--tags=", "--capacity", "0"}),
            kExitOk);
  const v1::UpdateEventRequest& clear = *events_.updated;
  ASSERT_TRUE(clear.has_tags());
  EXPECT_TRUE(clear.tags().tags().empty());
  EXPECT_TRUE(clear.has_capacity());
  EXPECT_EQ(clear.capacity(), 0);
  EXPECT_FALSE(clear.has_start());
}

TEST_F(ParseEventArgumentsTest, CancelAndNetworkStatus) {
  EXPECT_EQ(Run({"event", "cancel", "paris-00000000000000e1"}), kExitOk);
  EXPECT_EQ(events_.cancelled_id, "paris-00000000000000e1");
  EXPECT_CALL(admin_stub_, GetNetworkStatus);
  EXPECT_EQ(Run({"--json", "network", "status"}), kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("{\n"));
}

TEST_F(ParseEventArgumentsTest, BadInputIsRefusedLocally) {
  const std::vector<std::string> announce = {"event", "announce",        "--title",
                                             "T",     "--start",         "2027-01-14 08:00",
                                             "--end", "2027-01-14 09:00"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = announce;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const UsageCases cases = {
      {{"member", "update", "m1"}, "member update needs at least one of --name, --email, --bio"},
      {{"member", "update", "m1", "--show", "bio,email"}, "--show 'email' is not a field"},
      {{"member", "update", "m1", "--show", "unspecified"}, "--show 'unspecified' is not a field"},
      {{"member", "update", "m1", "--show", "PROFILE_FIELD_BIO"},
       "--show 'PROFILE_FIELD_BIO' is not a field"},
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
  ExpectUsageErrors(cases, WithKey());
}

TEST_F(ParseEventArgumentsTest, UsageTextDocumentsTheNewCommands) {
  EXPECT_THAT(
      UsageText(),
      ContainsAll(
          {"member register --name NAME --email EMAIL [--bio TEXT]",
           "member update ID [--name NAME] [--email EMAIL] [--bio TEXT]", "member erase ID",
           "events [--city CITY] [--site SITE] [--from DAY] [--to DAY] [--tag TAG] [--all-states] "
           "[--all]",
           "event announce --title TITLE --start TIME --end TIME --capacity N [--tag TAG]...",
           "event update ID [--title TITLE] [--start TIME --end TIME] [--capacity N]",
           "event cancel ID", "network status"}));
}

}  // namespace
}  // namespace cantine::cantinectl
