#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/site_client.h"
#include "tools/cantinectl/site_commands.h"
#include "tools/cantinectl/table.h"

namespace cantine::cantinectl {
namespace {

using ::testing::HasSubstr;
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
  const Environment env{.node = "10.0.0.1:7000", .admin_credential_file = "/env/admin"};
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
  absl::StatusOr<Invocation> parsed =
      Parse({"site"}, {.node = "", .admin_credential_file = std::nullopt});
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
      {{"bookings"}, "unknown command 'bookings'"},
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
        ParseArguments(args, {.node = std::nullopt, .admin_credential_file = credential_file_});
    EXPECT_TRUE(invocation.ok()) << invocation.status();
    if (!invocation.ok()) return -1;
    return RunCommand(*invocation, client_, out_, err_);
  }

  std::string credential_file_;
  FakeSiteClient client_;
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
  EXPECT_EQ(RunCommand(*invocation, client_, out_, err_), kExitUsage);
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

}  // namespace
}  // namespace cantine::cantinectl
