// cantinectl's commands against gRPC's generated mocks of the node: the requests sent, the
// credential presented, the output and the exit code.

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cantinectl_test_node.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {
namespace {

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
  EXPECT_EQ(Execute(*invocation), kExitUsage);
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
  EXPECT_THAT(members_.registered,
              Optional(AllOf(Property(&v1::RegisterMemberRequest::display_name, "Ada Lovelace"),
                             Property(&v1::RegisterMemberRequest::email, "ada@example.org"))));
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
  EXPECT_THAT(BookingAsked(*bookings_.created),
              ElementsAre("coworking", "paris-3f9a0c2d4e5b6a71", "2027-01-11 09:00",
                          "2027-01-11 19:00", "2", kGeneratedKey));
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
  ServeTwoPages(bookings_.pages, &v1::ListBookingsResponse::add_bookings,
                MakeBooking("paris-0000000000000001"), MakeBooking("paris-0000000000000002"));
  EXPECT_EQ(Run({"--json", "bookings", "--member", "m1", "--all"}), kExitOk) << err_.str();
  ExpectBothPages(bookings_.list_requests, Property(&v1::ListBookingsRequest::member_id, "m1"),
                  "paris-0000000000000001", "paris-0000000000000002");
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
  EXPECT_EQ(Execute(*invocation), kExitUsage);
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
  EXPECT_EQ(Execute(*invocation), kExitUsage);
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
  EXPECT_THAT(EventFilters(events_.list_requests[0]),
              ElementsAre("Paris", "paris", "2027-01-11", "2027-01-17", "talk", "cancelled too"));
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
  ServeTwoPages(events_.pages, &v1::ListEventsResponse::add_events,
                MakeEvent("paris-00000000000000e1"), MakeEvent("paris-00000000000000e2"));
  EXPECT_EQ(Run({"--json", "events", "--tag", "talk", "--all"}), kExitOk) << err_.str();
  ASSERT_NO_FATAL_FAILURE(ExpectBothPages(events_.list_requests,
                                          Property(&v1::ListEventsRequest::tag, "talk"),
                                          "paris-00000000000000e1", "paris-00000000000000e2"));

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
  EXPECT_THAT(EventAnnounced(*events_.announced),
              ElementsAre("AI meetup", "2027-01-14 18:30", "2027-01-14 20:00", "40", ""));
  EXPECT_THAT(events_.announced->tags(), ElementsAre("talk", "ai"));
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
    EXPECT_EQ(Execute(*invocation), kExitUsage) << testing::PrintToString(args);
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

TEST_F(RunCommandTest, CalendarWritesTheMembersFileForItsOwnerAlone) {
  StoreToken("tok.en-BOOKING");
  std::string bearer;
  v1::GetMemberCalendarRequest asked;
  ON_CALL(calendar_stub_, GetMemberCalendar)
      .WillByDefault([&](grpc::ClientContext* context, const v1::GetMemberCalendarRequest& request,
                         v1::HttpBody* response) {
        bearer = BearerToken(context);
        asked = request;
        response->set_content_type("text/calendar; charset=utf-8");
        response->set_data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        return grpc::Status::OK;
      });
  const std::string path = absl::StrCat(testing::TempDir(), "/cantinectl_calendar_", ::getpid());
  ::unlink(path.c_str());
  EXPECT_EQ(RunWith({"calendar", "--out", path}, MemberEnvironment()), kExitOk) << err_.str();
  EXPECT_EQ(bearer, "tok.en-BOOKING");
  EXPECT_EQ(asked.member_id(), "");  // The token's member.
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("wrote ", path)));
  std::ifstream file(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(file), {}),
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ::unlink(path.c_str());
}

TEST_F(RunCommandTest, CalendarFeedAsksWithTheAccountTokenAndPrintsTheAddress) {
  StoreToken("tok.en-BOOKING", "tok.en-ACCOUNT");
  std::string bearer;
  ON_CALL(calendar_stub_, GetCalendarFeed)
      .WillByDefault([&](grpc::ClientContext* context, const v1::GetCalendarFeedRequest&,
                         v1::CalendarFeed* response) {
        bearer = BearerToken(context);
        response->set_url("https://paris.example/v1/members/m1/calendarFeed/k3y");
        response->set_feed_key("k3y");
        return grpc::Status::OK;
      });
  EXPECT_EQ(RunWith({"calendar", "feed"}, MemberEnvironment()), kExitOk) << err_.str();
  EXPECT_EQ(bearer, "tok.en-ACCOUNT");
  EXPECT_EQ(out_.str(), "https://paris.example/v1/members/m1/calendarFeed/k3y\n");
}

TEST_F(RunCommandTest, CalendarNeedsAFileAndOneKindOfCalendar) {
  absl::StatusOr<Invocation> parsed = ParseArguments({"calendar", "--site", "paris"}, {});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("--out"));
  parsed = ParseArguments({"calendar", "--out", "x.ics", "--site", "paris", "--member", "m1"}, {});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cantine::cantinectl
