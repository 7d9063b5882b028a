// Who may call what. Every privileged RPC of the public port refuses a call without a
// credential, with another site's desk credential, with a token that is no token, and with a
// member's token where the desk (or another member) is needed; a refused call answers nothing
// and changes nothing, and the right credential is accepted, so the check is what refused.
// The federation port's forwarded calls are driven directly, as a peer would call them.
// In-process nodes over loopback, in plaintext (transport_security_test covers the
// certificates), with one fake clock.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/rpc/proto_time.h"
#include "tests/support/desk_calls.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

using ::testing::AnyOf;
using testing::Context;
using ::testing::Eq;
using testing::MiniCluster;

constexpr int kHere = 0;   // site-a: the node every call goes to.
constexpr int kOther = 1;  // site-b: another site of the network.

// The fake clock's reading: Wednesday 9 January 2030, 08:00 at the venue, an hour before its
// first slot.
absl::Time EightInTheMorning() {
  absl::TimeZone paris;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  return absl::FromCivil(absl::CivilSecond(2030, 1, 9, 8, 0, 0), paris);
}
constexpr absl::CivilDay kToday(2030, 1, 9);
constexpr absl::CivilDay kNextWeek(2030, 1, 16);

// What a call answered: its status and its response, serialized (empty for a refusal).
struct Reply {
  grpc::Status status;
  std::string response;
};

template <typename Stub, typename Request, typename Response>
Reply Unary(Stub& stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, const std::string& bearer) {
  Response response;
  grpc::Status status = (stub.*method)(Context(bearer).get(), request, &response);
  return {status, response.SerializeAsString()};
}

// The same, for a call that must succeed: its response.
template <typename Stub, typename Request, typename Response>
Response Must(Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request, const std::string& bearer) {
  Response response;
  grpc::Status status = (stub.*method)(Context(bearer).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::CreateBookingRequest Morning(absl::CivilDay day, const std::string& member_id,
                                 const std::string& key) {
  v1::CreateBookingRequest request;
  request.set_space_id("desks");
  request.set_member_id(member_id);
  *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  request.set_seats(1);
  request.set_idempotency_key(key);
  return request;
}

// site-a's public port, and the records of site-a that the calls act on, made by its desk:
// the desk pool "desks", members ada and bob with their tokens, ada's booking of this
// morning and of next week, and an event.
struct Site {
  explicit Site(MiniCluster& cluster)
      : desk(cluster.admin_secret(kHere)),
        sites(v1::SiteService::NewStub(cluster.channel(kHere))),
        members(v1::MemberService::NewStub(cluster.channel(kHere))),
        bookings(v1::BookingService::NewStub(cluster.channel(kHere))),
        events(v1::EventService::NewStub(cluster.channel(kHere))),
        admin(v1::AdminService::NewStub(cluster.channel(kHere))) {
    testing::CreateDesks(cluster, kHere, 10);
    ada = Register("ada");
    ada_token = IssueToken(ada, v1::TOKEN_SCOPE_BOOKING);
    ada_account_token = IssueToken(ada, v1::TOKEN_SCOPE_ACCOUNT);
    bob = Register("bob");
    bob_token = IssueToken(bob, v1::TOKEN_SCOPE_BOOKING);
    bob_account_token = IssueToken(bob, v1::TOKEN_SCOPE_ACCOUNT);
    booked_today =
        Must(*bookings, &v1::BookingService::Stub::CreateBooking, Morning(kToday, ada, "t"), desk)
            .booking_id();
    booked_next_week = Must(*bookings, &v1::BookingService::Stub::CreateBooking,
                            Morning(kNextWeek, ada, "w"), desk)
                           .booking_id();
    v1::AnnounceEventRequest announce;
    announce.set_title("Apero du futur");
    *announce.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(kNextWeek) + 19 * 60);
    *announce.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(kNextWeek) + 22 * 60);
    announce.set_capacity(80);
    event_id = Must(*events, &v1::EventService::Stub::AnnounceEvent, announce, desk).event_id();
  }

  std::string Register(const std::string& name) {
    v1::RegisterMemberRequest request;
    request.set_display_name(name);
    request.set_email(absl::StrCat(name, "@example.org"));
    return Must(*members, &v1::MemberService::Stub::RegisterMember, request, desk).member_id();
  }

  std::string IssueToken(const std::string& member_id, v1::TokenScope scope) {
    v1::IssueTokenRequest request;
    request.set_member_id(member_id);
    request.add_scopes(scope);
    return Must(*members, &v1::MemberService::Stub::IssueToken, request, desk).token();
  }

  // Everything the calls could change, as site-a's desk reads it.
  std::string Snapshot() {
    std::string out;
    out += Must(*sites, &v1::SiteService::Stub::GetSite, v1::GetSiteRequest(), "").DebugString();
    v1::ListSpacesRequest spaces;
    spaces.set_include_retired(true);
    out += Must(*sites, &v1::SiteService::Stub::ListSpaces, spaces, "").DebugString();
    for (const std::string& member_id : {ada, bob}) {
      v1::GetMemberRequest get;
      get.set_member_id(member_id);
      out += Must(*members, &v1::MemberService::Stub::GetMember, get, desk).DebugString();
      v1::ListBookingsRequest itinerary;
      itinerary.set_member_id(member_id);
      v1::ListBookingsResponse listed;
      // Once the member is erased its itinerary is NOT_FOUND.
      const grpc::Status status = bookings->ListBookings(Context(desk).get(), itinerary, &listed);
      out += absl::StrCat(status.error_code(), " ", listed.DebugString());
    }
    for (absl::CivilDay day : {kToday, kNextWeek}) {
      v1::ListBookingsRequest space_day;
      space_day.mutable_space_day()->set_space_id("desks");
      *space_day.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(day);
      out +=
          Must(*bookings, &v1::BookingService::Stub::ListBookings, space_day, desk).DebugString();
    }
    v1::ListEventsRequest listed;
    listed.set_include_cancelled(true);
    out += Must(*events, &v1::EventService::Stub::ListEvents, listed, "").DebugString();
    return out;
  }

  const std::string desk;
  std::unique_ptr<v1::SiteService::Stub> sites;
  std::unique_ptr<v1::MemberService::Stub> members;
  std::unique_ptr<v1::BookingService::Stub> bookings;
  std::unique_ptr<v1::EventService::Stub> events;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::string ada;
  std::string ada_token;          // BOOKING scope.
  std::string ada_account_token;  // ACCOUNT scope.
  std::string bob;
  std::string bob_token;
  std::string bob_account_token;
  std::string booked_today;
  std::string booked_next_week;
  std::string event_id;
};

// Who, besides the site's desk, may make a call.
enum class Caller {
  kDeskOnly,  // A manager call: no member may make it.
  // The member the call is about (ada) with its token of BOOKING scope, or the desk; never
  // another member, nor ada's token of ACCOUNT scope only.
  kMemberBooking,
  // The member the call is about with its token of ACCOUNT scope, or the desk; never
  // another member, nor ada's token of BOOKING scope only.
  kMemberAccount,
};

// One privileged RPC: `call` issues a valid request on `site` with `bearer`.
struct Row {
  std::string name;
  Caller caller;
  bool writes;  // The accepted call changes the snapshot.
  std::function<Reply(Site& site, const std::string& bearer)> call;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

std::vector<Row> PublicRows() {
  using Bookings = v1::BookingService::Stub;
  using Events = v1::EventService::Stub;
  using Members = v1::MemberService::Stub;
  using Sites = v1::SiteService::Stub;
  return {
      {"SiteService_CreateSpace", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         return Unary(*site.sites, &Sites::CreateSpace,
                      testing::MeetingRoomRequest("phone-booth", "Phone booth", 1, 500), bearer);
       }},
      {"SiteService_UpdateSpace", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::UpdateSpaceRequest request;
         request.set_space_id("desks");
         request.set_seats(12);
         request.mutable_price_per_slot()->set_amount_minor(1);
         return Unary(*site.sites, &Sites::UpdateSpace, request, bearer);
       }},
      {"SiteService_RetireSpace", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::RetireSpaceRequest request;
         request.set_space_id("desks");
         return Unary(*site.sites, &Sites::RetireSpace, request, bearer);
       }},
      {"SiteService_UpdatePolicy", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::UpdatePolicyRequest request;
         *request.mutable_policy() =
             Must(*site.sites, &Sites::GetSite, v1::GetSiteRequest(), "").policy();
         request.mutable_policy()->set_member_visit_days_per_month(0);
         request.mutable_policy()->set_booking_horizon_days(7);
         return Unary(*site.sites, &Sites::UpdatePolicy, request, bearer);
       }},
      {"MemberService_UpdateMember", Caller::kMemberAccount, true,
       [](Site& site, const std::string& bearer) {
         v1::UpdateMemberRequest request;
         request.set_member_id(site.ada);
         request.set_email("someone-else@example.org");
         return Unary(*site.members, &Members::UpdateMember, request, bearer);
       }},
      {"MemberService_EraseMember", Caller::kMemberAccount, true,
       [](Site& site, const std::string& bearer) {
         v1::EraseMemberRequest request;
         request.set_member_id(site.ada);
         return Unary(*site.members, &Members::EraseMember, request, bearer);
       }},
      {"MemberService_IssueToken", Caller::kMemberAccount, false,
       [](Site& site, const std::string& bearer) {
         v1::IssueTokenRequest request;
         request.set_member_id(site.ada);
         return Unary(*site.members, &Members::IssueToken, request, bearer);
       }},
      {"BookingService_CreateBooking", Caller::kMemberBooking, true,
       [](Site& site, const std::string& bearer) {
         v1::CreateBookingRequest request = Morning(kNextWeek, site.ada, "new");
         request.mutable_start()->set_hours(14);
         request.mutable_end()->set_hours(19);
         return Unary(*site.bookings, &Bookings::CreateBooking, request, bearer);
       }},
      {"BookingService_CancelBooking", Caller::kMemberBooking, true,
       [](Site& site, const std::string& bearer) {
         v1::CancelBookingRequest request;
         request.set_booking_id(site.booked_next_week);
         return Unary(*site.bookings, &Bookings::CancelBooking, request, bearer);
       }},
      {"BookingService_CheckIn", Caller::kMemberBooking, true,
       [](Site& site, const std::string& bearer) {
         v1::CheckInRequest request;
         request.set_booking_id(site.booked_today);
         return Unary(*site.bookings, &Bookings::CheckIn, request, bearer);
       }},
      {"BookingService_GetBooking", Caller::kMemberBooking, false,
       [](Site& site, const std::string& bearer) {
         v1::GetBookingRequest request;
         request.set_booking_id(site.booked_today);
         return Unary(*site.bookings, &Bookings::GetBooking, request, bearer);
       }},
      {"BookingService_ListBookingsOfAMember", Caller::kMemberBooking, false,
       [](Site& site, const std::string& bearer) {
         v1::ListBookingsRequest request;
         request.set_member_id(site.ada);
         return Unary(*site.bookings, &Bookings::ListBookings, request, bearer);
       }},
      {"BookingService_ListBookingsOfASpaceDay", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         v1::ListBookingsRequest request;
         request.mutable_space_day()->set_space_id("desks");
         *request.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(kToday);
         return Unary(*site.bookings, &Bookings::ListBookings, request, bearer);
       }},
      {"BookingService_ListBookingsOfVisitors", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         v1::ListBookingsRequest request;
         *request.mutable_visitors_on() = rpc::CivilDayToProto(kToday);
         return Unary(*site.bookings, &Bookings::ListBookings, request, bearer);
       }},
      {"BookingService_GetSettlement", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         v1::GetSettlementRequest request;
         request.set_month("2030-01");
         return Unary(*site.bookings, &Bookings::GetSettlement, request, bearer);
       }},
      {"EventService_AnnounceEvent", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::AnnounceEventRequest request;
         request.set_title("Barcamp");
         *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(kNextWeek) + 600);
         *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(kNextWeek) + 1080);
         request.set_capacity(120);
         return Unary(*site.events, &Events::AnnounceEvent, request, bearer);
       }},
      {"EventService_UpdateEvent", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::UpdateEventRequest request;
         request.set_event_id(site.event_id);
         request.set_title("Apero du passe");
         request.set_capacity(2);
         return Unary(*site.events, &Events::UpdateEvent, request, bearer);
       }},
      {"EventService_CancelEvent", Caller::kDeskOnly, true,
       [](Site& site, const std::string& bearer) {
         v1::CancelEventRequest request;
         request.set_event_id(site.event_id);
         return Unary(*site.events, &Events::CancelEvent, request, bearer);
       }},
      {"AdminService_GetNetworkStatus", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         return Unary(*site.admin, &v1::AdminService::Stub::GetNetworkStatus,
                      v1::GetNetworkStatusRequest(), bearer);
       }},
      {"AdminService_Backup", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         return Unary(*site.admin, &v1::AdminService::Stub::Backup, v1::BackupRequest(), bearer);
       }},
      {"AdminService_ListBackups", Caller::kDeskOnly, false,
       [](Site& site, const std::string& bearer) {
         return Unary(*site.admin, &v1::AdminService::Stub::ListBackups, v1::ListBackupsRequest(),
                      bearer);
       }},
  };
}

class PublicPortAuthorizationTest : public ::testing::TestWithParam<Row> {
 protected:
  testing::FakeClock clock_{EightInTheMorning()};
  MiniCluster cluster_{2, &clock_};
  Site site_{cluster_};
};

TEST_P(PublicPortAuthorizationTest, RefusesWhatItShouldChangingNothingAndAcceptsTheRightCaller) {
  const Row& row = GetParam();
  // site-b's desk credential is a real one: its own node accepts it.
  v1::NetworkStatus status;
  ASSERT_TRUE(v1::AdminService::NewStub(cluster_.channel(kOther))
                  ->GetNetworkStatus(Context(cluster_.admin_secret(kOther)).get(), {}, &status)
                  .ok());

  struct Refusal {
    std::string who;
    std::string bearer;
    ::testing::Matcher<grpc::StatusCode> code;
  };
  const auto refused = AnyOf(Eq(grpc::UNAUTHENTICATED), Eq(grpc::PERMISSION_DENIED));
  std::vector<Refusal> refusals = {
      {"no credential", "", Eq(grpc::UNAUTHENTICATED)},
      {"another site's desk credential", cluster_.admin_secret(kOther), refused},
      {"a token that is no token", "not-a-token", refused},
  };
  switch (row.caller) {
    case Caller::kDeskOnly:
      refusals.push_back({"a member's token where the desk is needed", site_.ada_token, refused});
      refusals.push_back(
          {"a member's account token where the desk is needed", site_.ada_account_token, refused});
      break;
    case Caller::kMemberBooking:
      refusals.push_back({"another member's token", site_.bob_token, refused});
      refusals.push_back({"the member's own token of account scope only", site_.ada_account_token,
                          Eq(grpc::PERMISSION_DENIED)});
      break;
    case Caller::kMemberAccount:
      refusals.push_back({"another member's token", site_.bob_account_token, refused});
      refusals.push_back({"the member's own token of booking scope only", site_.ada_token,
                          Eq(grpc::PERMISSION_DENIED)});
      break;
  }

  const std::string before = site_.Snapshot();
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.who);
    const Reply reply = row.call(site_, refusal.bearer);
    EXPECT_THAT(reply.status.error_code(), refusal.code) << reply.status.error_message();
    EXPECT_EQ(reply.response, "") << "a refused call answers nothing";
    EXPECT_EQ(site_.Snapshot(), before) << "a refused call changes nothing";
  }

  const std::string& right = row.caller == Caller::kDeskOnly        ? site_.desk
                             : row.caller == Caller::kMemberBooking ? site_.ada_token
                                                                    : site_.ada_account_token;
  const Reply accepted = row.call(site_, right);
  ASSERT_TRUE(accepted.status.ok()) << accepted.status.error_message();
  if (row.writes) {
    EXPECT_NE(site_.Snapshot(), before) << "the snapshot would not see this call's change";
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPrivilegedRpc, PublicPortAuthorizationTest,
                         ::testing::ValuesIn(PublicRows()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

// The federation port of site-a, called directly as site-b's node would forward its
// member vic's booking calls (plaintext: the envelope's site_id is taken on trust, see
// FederationServiceImpl::AuthorizePeer; transport_security_test checks it against the
// client certificate).
class ForwardedCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.ConnectLine();
    auto members = v1::MemberService::NewStub(cluster_.channel(kOther));
    v1::RegisterMemberRequest request;
    request.set_display_name("vic");
    request.set_email("vic@example.org");
    vic_ = Must(*members, &v1::MemberService::Stub::RegisterMember, request,
                cluster_.admin_secret(kOther))
               .member_id();
    v1::IssueTokenRequest issue;
    issue.set_member_id(vic_);
    vic_token_ =
        Must(*members, &v1::MemberService::Stub::IssueToken, issue, cluster_.admin_secret(kOther))
            .token();
    issue.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
    vic_account_token_ =
        Must(*members, &v1::MemberService::Stub::IssueToken, issue, cluster_.admin_secret(kOther))
            .token();
    issue.add_scopes(v1::TOKEN_SCOPE_BOOKING);
    vic_both_scopes_token_ =
        Must(*members, &v1::MemberService::Stub::IssueToken, issue, cluster_.admin_secret(kOther))
            .token();
    ASSERT_TRUE(cluster_.WaitForConvergence(2));
    // site-a holds vic's profile, so site-b's directory entry before it.
    auto here = v1::MemberService::NewStub(cluster_.channel(kHere));
    v1::GetMemberRequest get;
    get.set_member_id(vic_);
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          v1::Member member;
          return here->GetMember(Context("").get(), get, &member).ok();
        },
        absl::Seconds(30)));
    federation_ = v1::FederationService::NewStub(
        testing::LoopbackChannel(cluster_.node(kHere).federation_port()));
  }

  // A token of booking scope for `member_id` claiming home `home`, signed by `key`, valid
  // over [from, to).
  static std::string Token(const std::string& member_id, const std::string& home,
                           const auth::Ed25519PrivateKey& key, absl::Time from, absl::Time to) {
    return auth::SignMemberToken({.member_id = member_id,
                                  .home_site_id = home,
                                  .key_id = auth::KeyId(key.PublicKey()),
                                  .issue_time = from,
                                  .expire_time = to,
                                  .scopes = {.booking = true},
                                  .session_start_time = from},
                                 key);
  }

  // A forwarded call the venue must refuse: who forwards it, with which member token.
  struct Refusal {
    std::string what;
    std::string site_id;
    std::string member_token;
    grpc::StatusCode code;
  };

  // The refusals every forwarded booking call must make for vic's call, whatever else.
  std::vector<Refusal> Refusals() const {
    const auth::Ed25519PrivateKey b_key =
        auth::Ed25519PrivateKey::LoadPemFile(cluster_.data_dir(kOther) + "/node.key").value();
    const auth::Ed25519PrivateKey unlisted = auth::Ed25519PrivateKey::Generate();
    const absl::Time now = clock_.Now();
    return {
        {"from a site that is not a known peer", "site-z", vic_token_, grpc::PERMISSION_DENIED},
        {"from no site", "", vic_token_, grpc::INVALID_ARGUMENT},
        {"without a member token", "site-b", "", grpc::UNAUTHENTICATED},
        {"with a token that is no token", "site-b", "garbage", grpc::UNAUTHENTICATED},
        {"with the venue's desk credential", "site-b", cluster_.admin_secret(kHere),
         grpc::PERMISSION_DENIED},
        {"with the forwarding site's desk credential", "site-b", cluster_.admin_secret(kOther),
         grpc::UNAUTHENTICATED},
        {"with a token signed by a key no site lists", "site-b",
         Token(vic_, "site-b", unlisted, now, now + absl::Hours(1)), grpc::UNAUTHENTICATED},
        {"with an expired token", "site-b",
         Token(vic_, "site-b", b_key, now - absl::Hours(2), now - absl::Hours(1)),
         grpc::UNAUTHENTICATED},
        {"with another member's token", "site-b", site_.ada_token, grpc::PERMISSION_DENIED},
        // The member's account never leaves its home: no token of account scope is taken.
        {"with the member's token of account scope", "site-b", vic_account_token_,
         grpc::PERMISSION_DENIED},
        {"with the member's token of booking and account scope", "site-b", vic_both_scopes_token_,
         grpc::PERMISSION_DENIED},
        // site-b's key speaks for site-b's members only, not for ada of site-a.
        {"with a token for a member of site-a signed by site-b", "site-b",
         Token(site_.ada, "site-b", b_key, now, now + absl::Hours(1)), grpc::UNAUTHENTICATED},
    };
  }

  v1::ForwardedCreateBooking VicBooksNextWeek(const std::string& site_id,
                                              const std::string& member_token) const {
    v1::ForwardedCreateBooking forwarded;
    forwarded.set_site_id(site_id);
    forwarded.set_member_token(member_token);
    *forwarded.mutable_request() = Morning(kNextWeek, vic_, "vic-1");
    forwarded.mutable_request()->set_site_id(cluster_.site_id(kHere));
    return forwarded;
  }

  testing::FakeClock clock_{EightInTheMorning()};
  MiniCluster cluster_{2, &clock_};
  Site site_{cluster_};
  std::string vic_;
  std::string vic_token_;  // BOOKING scope.
  std::string vic_account_token_;
  std::string vic_both_scopes_token_;
  std::unique_ptr<v1::FederationService::Stub> federation_;
};

TEST_F(ForwardedCallsTest, CreateBookingIsRefusedUnlessAKnownPeerForwardsTheMembersOwnToken) {
  const std::string before = site_.Snapshot();
  for (const Refusal& refusal : Refusals()) {
    SCOPED_TRACE(refusal.what);
    v1::Booking booking;
    grpc::Status status = federation_->ForwardCreateBooking(
        Context("").get(), VicBooksNextWeek(refusal.site_id, refusal.member_token), &booking);
    EXPECT_EQ(status.error_code(), refusal.code) << status.error_message();
    EXPECT_EQ(booking.ByteSizeLong(), 0u);
    EXPECT_EQ(site_.Snapshot(), before);
  }
  // Everything right, but the booking is for another venue than the one called.
  v1::ForwardedCreateBooking elsewhere = VicBooksNextWeek("site-b", vic_token_);
  elsewhere.mutable_request()->set_site_id(cluster_.site_id(kOther));
  v1::Booking booking;
  EXPECT_EQ(federation_->ForwardCreateBooking(Context("").get(), elsewhere, &booking).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(site_.Snapshot(), before);

  grpc::Status status = federation_->ForwardCreateBooking(
      Context("").get(), VicBooksNextWeek("site-b", vic_token_), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(booking.member_id(), vic_);
  EXPECT_EQ(booking.home_site_id(), "site-b");
  EXPECT_NE(site_.Snapshot(), before);
}

TEST_F(ForwardedCallsTest, TheVisitDaysAForwarderCountsAreCheckedAsAnyInput) {
  struct Told {
    std::string what;
    std::vector<std::pair<std::string, int>> months;
    std::string named;
  };
  const std::vector<Told> malformed = {
      {"a month that is no month", {{"2027-13", 0}}, "home_visit_days.month"},
      {"a negative count", {{"2027-01", -1}}, "home_visit_days.days of 2027-01"},
      {"a count past any month", {{"2027-01", 100001}}, "home_visit_days.days of 2027-01"},
      {"a month twice", {{"2027-01", 0}, {"2027-01", 1}}, "2027-01 twice"},
      {"four months",
       {{"2027-01", 0}, {"2027-02", 0}, {"2027-03", 0}, {"2027-04", 0}},
       "at most 3"},
  };
  const std::string before = site_.Snapshot();
  for (const Told& told : malformed) {
    SCOPED_TRACE(told.what);
    v1::ForwardedCreateBooking forwarded = VicBooksNextWeek("site-b", vic_token_);
    for (const auto& [month, days] : told.months) {
      v1::MonthVisitDays* entry = forwarded.add_home_visit_days();
      entry->set_month(month);
      entry->set_days(days);
    }
    v1::Booking booking;
    grpc::Status status = federation_->ForwardCreateBooking(Context("").get(), forwarded, &booking);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), told.named)) << status.error_message();
    EXPECT_EQ(site_.Snapshot(), before);
  }
}

TEST_F(ForwardedCallsTest, CancelBookingIsRefusedUnlessAKnownPeerForwardsTheMembersOwnToken) {
  v1::Booking booking;
  ASSERT_TRUE(federation_
                  ->ForwardCreateBooking(Context("").get(), VicBooksNextWeek("site-b", vic_token_),
                                         &booking)
                  .ok());
  const std::string before = site_.Snapshot();
  for (const Refusal& refusal : Refusals()) {
    SCOPED_TRACE(refusal.what);
    v1::ForwardedCancelBooking forwarded;
    forwarded.set_site_id(refusal.site_id);
    forwarded.set_member_token(refusal.member_token);
    forwarded.mutable_request()->set_booking_id(booking.booking_id());
    v1::Booking cancelled;
    grpc::Status status =
        federation_->ForwardCancelBooking(Context("").get(), forwarded, &cancelled);
    EXPECT_EQ(status.error_code(), refusal.code) << status.error_message();
    EXPECT_EQ(cancelled.ByteSizeLong(), 0u);
    EXPECT_EQ(site_.Snapshot(), before);
  }

  v1::ForwardedCancelBooking forwarded;
  forwarded.set_site_id("site-b");
  forwarded.set_member_token(vic_token_);
  forwarded.mutable_request()->set_booking_id(booking.booking_id());
  v1::Booking cancelled;
  grpc::Status status = federation_->ForwardCancelBooking(Context("").get(), forwarded, &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cancelled.state(), v1::BOOKING_STATE_CANCELLED);
}

TEST_F(ForwardedCallsTest, GetAvailabilityAnswersKnownPeersOnly) {
  v1::ForwardedGetAvailability forwarded;
  forwarded.mutable_request()->set_site_id(cluster_.site_id(kHere));
  forwarded.mutable_request()->set_space_id("desks");
  *forwarded.mutable_request()->mutable_first_day() = rpc::CivilDayToProto(kNextWeek);
  *forwarded.mutable_request()->mutable_last_day() = rpc::CivilDayToProto(kNextWeek);
  for (const auto& [site_id, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"site-z", grpc::PERMISSION_DENIED}, {"", grpc::INVALID_ARGUMENT}}) {
    SCOPED_TRACE(site_id);
    forwarded.set_site_id(site_id);
    v1::GetAvailabilityResponse response;
    EXPECT_EQ(
        federation_->ForwardGetAvailability(Context("").get(), forwarded, &response).error_code(),
        code);
    EXPECT_EQ(response.ByteSizeLong(), 0u);
  }
  forwarded.set_site_id("site-b");
  v1::GetAvailabilityResponse response;
  grpc::Status status =
      federation_->ForwardGetAvailability(Context("").get(), forwarded, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.slots_size(), 2);
  EXPECT_EQ(response.slots(0).seats_free(), 9);  // ada's booking holds one seat.
}

TEST_F(ForwardedCallsTest, AMembersRsvpsGoToItsHomeSiteOnly) {
  v1::MemberRsvpsQuery query;
  query.mutable_request()->set_site_id(cluster_.site_id(kHere));
  query.mutable_request()->set_member_id(vic_);  // A member of site-b.
  for (const auto& [site_id, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"site-z", grpc::PERMISSION_DENIED},
           {"", grpc::INVALID_ARGUMENT},
           {cluster_.site_id(kHere), grpc::PERMISSION_DENIED}}) {  // Not vic's home.
    SCOPED_TRACE(site_id);
    query.set_site_id(site_id);
    v1::ListRsvpsResponse response;
    EXPECT_EQ(federation_->ListMemberRsvps(Context("").get(), query, &response).error_code(), code);
    EXPECT_EQ(response.ByteSizeLong(), 0u);
  }
  query.set_site_id("site-b");
  v1::ListRsvpsResponse response;
  const grpc::Status status = federation_->ListMemberRsvps(Context("").get(), query, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// GetMember is open, but a member's email is answered only to the member (its token of
// ACCOUNT scope) and to its home site's desk, and only at the home node: no other node
// holds it.
TEST(MemberEmailTest, OnlyTheMemberAndItsHomeDeskReadIt) {
  testing::FakeClock clock(EightInTheMorning());
  MiniCluster cluster(2, &clock);
  Site site(cluster);
  cluster.ConnectLine();
  v1::GetMemberRequest get;
  get.set_member_id(site.ada);
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  // The profile has reached the other node.
  auto there = v1::MemberService::NewStub(cluster.channel(kOther));
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        v1::Member member;
        return there->GetMember(Context("").get(), get, &member).ok();
      },
      absl::Seconds(30)));
  struct Reader {
    std::string who;
    int node;
    std::string bearer;
    bool sees_email;
  };
  const std::vector<Reader> readers = {
      {"anyone at the home site", kHere, "", false},
      {"anyone at another site", kOther, "", false},
      {"another member", kHere, site.bob_token, false},
      {"a token that is no token", kHere, "not-a-token", false},
      {"another site's desk, at the home site", kHere, cluster.admin_secret(kOther), false},
      {"another site's desk, at its own site", kOther, cluster.admin_secret(kOther), false},
      {"the member's booking token, at its home site", kHere, site.ada_token, false},
      {"the member, at its home site", kHere, site.ada_account_token, true},
      {"the member, at another site (which does not hold it)", kOther, site.ada_account_token,
       false},
      {"its home site's desk", kHere, site.desk, true},
  };
  for (const Reader& reader : readers) {
    SCOPED_TRACE(reader.who);
    auto members = v1::MemberService::NewStub(cluster.channel(reader.node));
    v1::Member member;
    grpc::Status status = members->GetMember(Context(reader.bearer).get(), get, &member);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(member.display_name(), "ada");
    EXPECT_EQ(member.email(), reader.sees_email ? "ada@example.org" : "");
  }
}

}  // namespace
}  // namespace cantine
