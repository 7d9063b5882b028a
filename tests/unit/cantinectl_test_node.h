#pragma once

// What the tests of cantinectl share: builders of the node's answers, and RunCommandTest,
// which runs the command line against gRPC's generated mocks of the node's services.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/admin_mock.grpc.pb.h"
#include "cantine/v1/booking_mock.grpc.pb.h"
#include "cantine/v1/calendar_mock.grpc.pb.h"
#include "cantine/v1/event_mock.grpc.pb.h"
#include "cantine/v1/member_mock.grpc.pb.h"
#include "cantine/v1/site_mock.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/test/client_context_test_peer.h"
#include "gtest/gtest.h"
#include "services/rpc/status_conversion.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {

// A mocked node's answer: `result` copied into `response`, or its status converted.
template <typename Message>
grpc::Status Answer(const absl::StatusOr<Message>& result, Message* response) {
  if (!result.ok()) return rpc::ToGrpcStatus(result.status());
  *response = *result;
  return grpc::Status::OK;
}

using ::testing::_;
using ::testing::AllOf;
using ::testing::DoAll;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Optional;
using ::testing::Property;
using ::testing::Return;
using ::testing::SaveArg;
using ::testing::StartsWith;

// A string that contains each of `parts`.
inline testing::Matcher<std::string> ContainsAll(const std::vector<std::string>& parts) {
  std::vector<testing::Matcher<std::string>> each;
  for (const std::string& part : parts) each.push_back(HasSubstr(part));
  return testing::AllOfArray(each);
}

// What `sent` announces: title, start and end at the venue, capacity, description.
inline std::vector<std::string> EventAnnounced(const v1::AnnounceEventRequest& sent) {
  return {sent.title(), FormatCivilDateTime(sent.start()), FormatCivilDateTime(sent.end()),
          absl::StrCat(sent.capacity()), sent.description()};
}

// What `sent` asks to book: space, member, start and end at the venue, seats, key.
inline std::vector<std::string> BookingAsked(const v1::CreateBookingRequest& sent) {
  return {sent.space_id(),
          sent.member_id(),
          FormatCivilDateTime(sent.start()),
          FormatCivilDateTime(sent.end()),
          absl::StrCat(sent.seats()),
          sent.idempotency_key()};
}

// ---- The node's answers ----

// ---- Output ----
inline v1::Site ParisSite() {
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

inline v1::Space MakeSpace(const std::string& id, v1::SpaceKind kind, int32_t seats, int64_t price,
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

inline v1::CivilDateTime VenueTime(int year, int month, int day, int hours, int minutes) {
  v1::CivilDateTime time;
  time.set_year(year);
  time.set_month(month);
  time.set_day(day);
  time.set_hours(hours);
  time.set_minutes(minutes);
  return time;
}

inline v1::CivilDate VenueDay(int year, int month, int day) {
  v1::CivilDate date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

inline google::protobuf::Timestamp UtcInstant(absl::CivilMinute utc) {
  google::protobuf::Timestamp time;
  time.set_seconds(absl::ToUnixSeconds(absl::FromCivil(utc, absl::UTCTimeZone())));
  return time;
}

// The filters `sent` asks for: city, site, from and to days ("none" when unset), tag, and
// whether cancelled events are included.
inline std::vector<std::string> EventFilters(const v1::ListEventsRequest& sent) {
  return {sent.city(),
          sent.site_id(),
          sent.has_from_day() ? FormatCivilDate(sent.from_day()) : "none",
          sent.has_to_day() ? FormatCivilDate(sent.to_day()) : "none",
          sent.tag(),
          sent.include_cancelled() ? "cancelled too" : "scheduled only"};
}

// Sets the times of `message`, a Booking or an Event: at the venue, in `time_zone`, and
// as the instants `utc_start` and `utc_end`.
template <typename Message>
void SetVenueTimes(Message& message, const std::string& time_zone, v1::CivilDateTime start,
                   v1::CivilDateTime end, absl::CivilMinute utc_start, absl::CivilMinute utc_end) {
  message.set_time_zone(time_zone);
  *message.mutable_start() = start;
  *message.mutable_end() = end;
  *message.mutable_start_time() = UtcInstant(utc_start);
  *message.mutable_end_time() = UtcInstant(utc_end);
}

// A desk booking in Paris on Monday 2027-01-11, the whole day (two half-days), 2 seats.
// As the node sends it, its slots carry their instants but not their civil times.
inline v1::Booking MakeBooking(const std::string& id,
                               v1::BookingState state = v1::BOOKING_STATE_CONFIRMED) {
  v1::Booking booking;
  booking.set_booking_id(id);
  booking.set_site_id("paris");
  booking.set_space_id("coworking");
  booking.set_space_kind(v1::SPACE_KIND_DESK_POOL);
  booking.set_member_id("paris-3f9a0c2d4e5b6a71");
  booking.set_seats(2);
  // Paris is UTC+1 in January.
  SetVenueTimes(booking, "Europe/Paris", VenueTime(2027, 1, 11, 9, 0),
                VenueTime(2027, 1, 11, 19, 0), absl::CivilMinute(2027, 1, 11, 8, 0),
                absl::CivilMinute(2027, 1, 11, 18, 0));
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

inline v1::SlotAvailability MakeSlotAvailability(v1::CivilDate day, const std::string& name,
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

// A desk booking of a Paris member at the San Francisco venue, Wednesday 2027-01-13 morning
// there (17:00-21:00 in Paris): a visit, in its venue's zone.
inline v1::Booking MakeSanFranciscoVisit(const std::string& id) {
  v1::Booking booking = MakeBooking(id);
  booking.set_site_id("sf");
  booking.set_home_site_id("paris");
  booking.set_space_id("desks");
  booking.set_seats(1);
  SetVenueTimes(booking, "America/Los_Angeles", VenueTime(2027, 1, 13, 8, 0),
                VenueTime(2027, 1, 13, 12, 0), absl::CivilMinute(2027, 1, 13, 16, 0),
                absl::CivilMinute(2027, 1, 13, 20, 0));
  booking.mutable_slots()->RemoveLast();
  *booking.mutable_slots(0)->mutable_day() = VenueDay(2027, 1, 13);
  *booking.mutable_slots(0)->mutable_start_time() = *booking.mutable_start_time();
  *booking.mutable_slots(0)->mutable_end_time() = *booking.mutable_end_time();
  booking.mutable_price()->set_currency_code("USD");
  booking.mutable_price()->set_amount_minor(2500);
  return booking;
}

inline v1::SettlementLine MakeSettlementLine(const std::string& host, const std::string& home,
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

inline v1::Settlement MakeSettlement() {
  v1::Settlement settlement;
  settlement.set_month("2027-01");
  *settlement.add_lines() = MakeSettlementLine("milan", "paris", 3, 4, 12000, "EUR");
  *settlement.add_lines() = MakeSettlementLine("paris", "sf", 12, 15, 123450, "EUR");
  *settlement.add_lines() = MakeSettlementLine("sf", "paris", 1, 1, 2500, "USD");
  *settlement.add_lines() = MakeSettlementLine("tokyo", "paris", 2, 2, 6000, "JPY");
  return settlement;
}

// A talk in Paris, Thursday 2027-01-14 18:30-20:00 (UTC+1), as the node sends it.
inline v1::Event MakeEvent(const std::string& id,
                           v1::EventState state = v1::EVENT_STATE_SCHEDULED) {
  v1::Event event;
  event.set_event_id(id);
  event.set_host_site_id("paris");
  event.set_city("Paris");
  event.set_title("AI meetup");
  event.set_description("Talks and drinks");
  event.add_tags("talk");
  event.add_tags("ai");
  SetVenueTimes(event, "Europe/Paris", VenueTime(2027, 1, 14, 18, 30),
                VenueTime(2027, 1, 14, 20, 0), absl::CivilMinute(2027, 1, 14, 17, 30),
                absl::CivilMinute(2027, 1, 14, 19, 0));
  event.set_capacity(40);
  event.set_state(state);
  *event.mutable_update_time() = UtcInstant(absl::CivilMinute(2026, 12, 1, 9, 5));
  return event;
}

inline v1::NetworkStatus MakeNetworkStatus() {
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

// ---- The mocked node ----

// ---- Commands against gRPC's generated mocks of the node's services ----
// The bearer token `context` carries ("" when none): what the node would authenticate.
inline std::string BearerToken(grpc::ClientContext* context) {
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
inline grpc::Status AnswerPage(const std::map<std::string, absl::StatusOr<Response>>& pages,
                               const Request& request, Response* response) {
  const auto page = pages.find(request.page_token());
  if (page == pages.end())
    return rpc::ToGrpcStatus(absl::InvalidArgumentError("unknown page_token"));
  return Answer(page->second, response);
}

// Makes `pages` a listing of two pages: `first` with the next_page_token "p2", then `second`.
template <typename Response, typename Item>
void ServeTwoPages(std::map<std::string, absl::StatusOr<Response>>& pages, Item* (Response::*add)(),
                   const Item& first, const Item& second) {
  Response page;
  *(page.*add)() = first;
  page.set_next_page_token("p2");
  pages[""] = page;
  page.Clear();
  *(page.*add)() = second;
  pages["p2"] = page;
}

// ---- Arguments of the member and booking commands ----
inline constexpr char kGeneratedKey[] = "ctl-00000000000000000000000000000001";

// A mocked call's default action: keeps the request in `*sent` and the call's bearer token
// in `*token` (when not null), and answers `*answer`, as it is when the call comes.
template <typename Response, typename Request>
auto Answering(const absl::StatusOr<Response>* answer, std::optional<Request>* sent,
               std::optional<std::string>* token) {
  return [=](grpc::ClientContext* context, const Request& request, Response* response) {
    if (sent != nullptr) *sent = request;
    if (token != nullptr) *token = BearerToken(context);
    return Answer(*answer, response);
  };
}

// Like Answering, keeping only the id `id` of the request in `*sent_id`.
template <typename Response, typename Request>
auto AnsweringId(const absl::StatusOr<Response>* answer, const std::string& (Request::*id)() const,
                 std::optional<std::string>* sent_id, std::optional<std::string>* token) {
  return [=](grpc::ClientContext* context, const Request& request, Response* response) {
    *sent_id = (request.*id)();
    *token = BearerToken(context);
    return Answer(*answer, response);
  };
}

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
          return Answer(admin_.status, response);
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
        .WillByDefault(Answering<v1::ListSpacesResponse, v1::ListSpacesRequest>(&client_.spaces,
                                                                                nullptr, nullptr));
    ON_CALL(site_stub_, GetSpace)
        .WillByDefault(Answering<v1::Space, v1::GetSpaceRequest>(&client_.space, nullptr, nullptr));
    ON_CALL(site_stub_, CreateSpace)
        .WillByDefault(Answering(&client_.space, &client_.created, &client_.credential));
    ON_CALL(site_stub_, UpdateSpace)
        .WillByDefault(Answering(&client_.space, &client_.updated, &client_.credential));
    ON_CALL(site_stub_, RetireSpace)
        .WillByDefault(Answering<v1::Space, v1::RetireSpaceRequest>(&client_.space, nullptr,
                                                                    &client_.credential));
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
        .WillByDefault(
            Answering(&members_.member, &members_.registered, &members_.register_credential));
    ON_CALL(member_stub_, GetMember)
        .WillByDefault(AnsweringId(&members_.member, &v1::GetMemberRequest::member_id,
                                   &members_.requested_id, &members_.get_credential));
    ON_CALL(member_stub_, UpdateMember)
        .WillByDefault([this](grpc::ClientContext* context, const v1::UpdateMemberRequest& request,
                              v1::Member* response) {
          members_.updated = request;
          members_.credential = BearerToken(context);
          if (!members_.update_error.ok()) return rpc::ToGrpcStatus(members_.update_error);
          return Answer(members_.member, response);
        });
    ON_CALL(member_stub_, EraseMember)
        .WillByDefault(AnsweringId(&members_.member, &v1::EraseMemberRequest::member_id,
                                   &members_.erased_id, &members_.credential));
    ON_CALL(member_stub_, IssueToken)
        .WillByDefault([this](grpc::ClientContext* context, const v1::IssueTokenRequest& request,
                              v1::IssueTokenResponse* response) {
          members_.issue_requests.push_back(request);
          members_.issue_credentials.push_back(BearerToken(context));
          const grpc::Status status = Answer(members_.issued, response);
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
        .WillByDefault(
            Answering(&bookings_.availability, &bookings_.availability_request, nullptr));
    ON_CALL(booking_stub_, CreateBooking)
        .WillByDefault([this](grpc::ClientContext* context, const v1::CreateBookingRequest& request,
                              v1::Booking* response) {
          bookings_.created = request;
          bookings_.credentials.push_back(BearerToken(context));
          return Answer(bookings_.booking, response);
        });
    // cancel, get and checkin: the call named with its booking id.
    const auto answer_booking = [this](absl::string_view name) {
      return
          [this, name](grpc::ClientContext* context, const auto& request, v1::Booking* response) {
            bookings_.calls.push_back(absl::StrCat(name, " ", request.booking_id()));
            bookings_.credentials.push_back(BearerToken(context));
            return Answer(bookings_.booking, response);
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
          return Answer(bookings_.settlement, response);
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
        .WillByDefault(Answering(&events_.event, &events_.announced, &events_.credential));
    ON_CALL(event_stub_, UpdateEvent)
        .WillByDefault(Answering(&events_.event, &events_.updated, &events_.credential));
    ON_CALL(event_stub_, CancelEvent)
        .WillByDefault(AnsweringId(&events_.event, &v1::CancelEventRequest::event_id,
                                   &events_.cancelled_id, &events_.credential));
  }

  // The listing asked for both pages, the second one as `second_page` matches, and printed
  // them as one answer (--json) holding `first_id` and `second_id`, with no next_page_token.
  template <typename Request, typename Matcher>
  void ExpectBothPages(const std::vector<Request>& requests, Matcher second_page,
                       const std::string& first_id, const std::string& second_id) {
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].page_token(), "p2");
    EXPECT_THAT(requests[1], second_page);
    EXPECT_THAT(out_.str(), ContainsAll({first_id, second_id, "\"nextPageToken\": \"\""}));
  }

  // The mocks, as the commands see them.
  NodeStubs Node() {
    return {site_stub_, member_stub_, booking_stub_, event_stub_, calendar_stub_, admin_stub_};
  }

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
    return Execute(*invocation);
  }

  // Runs `invocation` against the mocks, its output in out_ and err_.
  int Execute(const Invocation& invocation) {
    out_.str("");
    err_.str("");
    return RunInvocation(invocation, Node(), out_, err_);
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
  ::testing::NiceMock<v1::MockSiteServiceStub> site_stub_;
  ::testing::NiceMock<v1::MockMemberServiceStub> member_stub_;
  ::testing::NiceMock<v1::MockBookingServiceStub> booking_stub_;
  ::testing::NiceMock<v1::MockEventServiceStub> event_stub_;
  ::testing::NiceMock<v1::MockCalendarServiceStub> calendar_stub_;
  ::testing::NiceMock<v1::MockAdminServiceStub> admin_stub_;
  SiteAnswers client_;
  MemberAnswers members_;
  BookingAnswers bookings_;
  EventAnswers events_;
  AdminAnswers admin_;
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace cantine::cantinectl
