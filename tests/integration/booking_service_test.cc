// BookingService and MemberService of an in-process node, over real gRPC on loopback.

#include <fstream>
#include <functional>
#include <utility>
#include <vector>

#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "tests/support/bad_input.h"
#include "tests/support/civil_proto.h"
#include "tests/support/desk_calls.h"
#include "tests/support/fake_clock.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"

namespace cantine::node {
namespace {

using testing::Context;
using ::testing::HasSubstr;

constexpr char kAdminSecret[] = "booking-test-admin-credential-01";

class BookingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = Node::Start(testing::ParisNodeOptions(dir_, kAdminSecret), &clock_).value();
    auto channel = testing::LoopbackChannel(node_->port());
    bookings_ = v1::BookingService::NewStub(channel);
    members_ = v1::MemberService::NewStub(channel);

    absl::StatusOr<v1::Member> ada =
        testing::RegisterByDesk(*members_, kAdminSecret, "Ada Lovelace", "ada@example.org");
    ASSERT_TRUE(ada.ok()) << ada.status();
    member_id_ = ada->member_id();
    token_ = IssueToken(member_id_);
  }

  // A token for `member_id`, issued by the desk.
  std::string IssueToken(const std::string& member_id) {
    v1::IssueTokenRequest request;
    request.set_member_id(member_id);
    v1::IssueTokenResponse response;
    EXPECT_TRUE(members_->IssueToken(Context(kAdminSecret).get(), request, &response).ok());
    return response.token();
  }

  // A call made by the member, with its token.
  std::unique_ptr<grpc::ClientContext> AsMember() { return Context(token_.c_str()); }

  // The member's own bookings, as it lists them with its token, into `listed`.
  grpc::Status ListMine(v1::ListBookingsResponse* listed) {
    v1::ListBookingsRequest mine;
    mine.set_member_id(member_id_);
    return bookings_->ListBookings(AsMember().get(), mine, listed);
  }

  // How many entries this node has written.
  uint64_t OwnEntries() const {
    for (const v1::VersionVectorEntry& entry : node_->Vector()) {
      if (entry.origin().site_id() == "paris") return entry.seq();
    }
    return 0;
  }

  // The node's version vector as text: what it has written and heard, to compare.
  std::string OplogHeads() const {
    std::string heads;
    for (const v1::VersionVectorEntry& entry : node_->Vector()) heads += entry.DebugString();
    return heads;
  }

  v1::CreateBookingRequest WednesdayMorning() {
    v1::CreateBookingRequest request;
    request.set_space_id("coworking");
    request.set_member_id(member_id_);
    *request.mutable_start() = testing::CivilDateTimeAt(2027, 1, 6, 9);
    *request.mutable_end() = testing::CivilDateTimeAt(2027, 1, 6, 13);
    request.set_seats(2);
    request.set_idempotency_key("wed-1");
    return request;
  }

  testing::TempDir dir_;
  // Monday 2027-01-04 07:00 UTC, 08:00 in Paris.
  testing::FakeClock clock_{absl::FromUnixSeconds(1799046000)};
  std::unique_ptr<Node> node_;
  std::unique_ptr<v1::BookingService::Stub> bookings_;
  std::unique_ptr<v1::MemberService::Stub> members_;
  std::string member_id_;
  std::string token_;
};

TEST_F(BookingServiceTest, BookGetListCancelInVenueTime) {
  v1::Booking booking;
  grpc::Status status = bookings_->CreateBooking(AsMember().get(), WednesdayMorning(), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(booking.time_zone(), "Europe/Paris");
  EXPECT_EQ(booking.start().hours(), 9);
  EXPECT_EQ(booking.start_time().seconds(), 1799222400);  // 2027-01-06T08:00Z
  EXPECT_EQ(booking.price().amount_minor(), 3000);
  EXPECT_EQ(booking.price().currency_code(), "EUR");
  EXPECT_EQ(booking.state(), v1::BOOKING_STATE_CONFIRMED);
  ASSERT_EQ(booking.slots_size(), 1);
  EXPECT_EQ(booking.slots(0).name(), "morning");
  EXPECT_EQ(booking.slots(0).start().hours(), 9);  // Venue time, like the booking.
  EXPECT_EQ(booking.slots(0).end().hours(), 13);

  v1::GetBookingRequest get;
  get.set_booking_id(booking.booking_id());
  v1::Booking fetched;
  ASSERT_TRUE(bookings_->GetBooking(AsMember().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.booking_id(), booking.booking_id());

  v1::ListBookingsResponse listed;
  ASSERT_TRUE(ListMine(&listed).ok());
  ASSERT_EQ(listed.bookings_size(), 1);

  v1::ListBookingsRequest by_day;
  by_day.mutable_space_day()->set_space_id("coworking");
  by_day.mutable_space_day()->mutable_day()->set_year(2027);
  by_day.mutable_space_day()->mutable_day()->set_month(1);
  by_day.mutable_space_day()->mutable_day()->set_day(6);
  EXPECT_EQ(bookings_->ListBookings(Context().get(), by_day, &listed).error_code(),
            grpc::UNAUTHENTICATED);
  listed.Clear();
  ASSERT_TRUE(bookings_->ListBookings(Context(kAdminSecret).get(), by_day, &listed).ok());
  EXPECT_EQ(listed.bookings_size(), 1);

  v1::GetAvailabilityRequest availability;
  availability.set_space_id("coworking");
  *availability.mutable_first_day() = by_day.space_day().day();
  *availability.mutable_last_day() = by_day.space_day().day();
  v1::GetAvailabilityResponse free;
  ASSERT_TRUE(bookings_->GetAvailability(Context().get(), availability, &free).ok());
  EXPECT_EQ(free.time_zone(), "Europe/Paris");
  ASSERT_EQ(free.slots_size(), 2);
  EXPECT_EQ(free.slots(0).seats_free(), 22);
  EXPECT_EQ(free.slots(1).seats_free(), 24);

  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(booking.booking_id());
  ASSERT_TRUE(bookings_->CancelBooking(AsMember().get(), cancel, &booking).ok());
  EXPECT_EQ(booking.state(), v1::BOOKING_STATE_CANCELLED);
}

TEST_F(BookingServiceTest, BadInputGetsAClearStatusAndWritesNothing) {
  struct Case {
    grpc::StatusCode code;
    const char* needle;
    std::function<void(v1::CreateBookingRequest&)> spoil;
  };
  const std::vector<Case> cases = {
      {grpc::NOT_FOUND, "nowhere", [](auto& r) { r.set_space_id("nowhere"); }},
      {grpc::INVALID_ARGUMENT, "space_id", [](auto& r) { r.set_space_id("Bad Id"); }},
      {grpc::PERMISSION_DENIED, "own bookings", [](auto& r) { r.set_member_id("paris-0000"); }},
      {grpc::INVALID_ARGUMENT, "start",
       [](auto& r) { *r.mutable_start() = testing::CivilDateTimeAt(2027, 1, 6, 10); }},
      {grpc::INVALID_ARGUMENT, "after start",
       [](auto& r) { *r.mutable_end() = testing::CivilDateTimeAt(2027, 1, 5, 13); }},
      {grpc::INVALID_ARGUMENT, "calendar date",
       [](auto& r) { *r.mutable_start() = testing::CivilDateTimeAt(2027, 2, 30, 9); }},
      {grpc::INVALID_ARGUMENT, "hours",
       [](auto& r) { *r.mutable_start() = testing::CivilDateTimeAt(2027, 1, 6, 25); }},
      {grpc::INVALID_ARGUMENT, "seats", [](auto& r) { r.set_seats(0); }},
      {grpc::INVALID_ARGUMENT, "seats", [](auto& r) { r.set_seats(25); }},
      {grpc::INVALID_ARGUMENT, "idempotency_key", [](auto& r) { r.clear_idempotency_key(); }},
      {grpc::INVALID_ARGUMENT, "idempotency_key",
       [](auto& r) { r.set_idempotency_key(std::string(200, 'k')); }},
      {grpc::INVALID_ARGUMENT, "required", [](auto& r) { r.clear_end(); }},
      {grpc::FAILED_PRECONDITION, "in the past",
       [](auto& r) {
         *r.mutable_start() = testing::CivilDateTimeAt(2027, 1, 1, 9);
         *r.mutable_end() = testing::CivilDateTimeAt(2027, 1, 1, 13);
       }},
  };
  for (const Case& c : cases) {
    v1::CreateBookingRequest request = WednesdayMorning();
    c.spoil(request);
    v1::Booking booking;
    grpc::Status status = bookings_->CreateBooking(AsMember().get(), request, &booking);
    EXPECT_EQ(status.error_code(), c.code) << c.needle << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.needle));
  }
  v1::ListBookingsResponse listed;
  ASSERT_TRUE(ListMine(&listed).ok());
  EXPECT_EQ(listed.bookings_size(), 0);

  v1::ListBookingsRequest no_filter;
  EXPECT_EQ(bookings_->ListBookings(AsMember().get(), no_filter, &listed).error_code(),
            grpc::INVALID_ARGUMENT);
  v1::GetBookingRequest bad_id;
  bad_id.set_booking_id("");
  v1::Booking booking;
  EXPECT_EQ(bookings_->GetBooking(AsMember().get(), bad_id, &booking).error_code(),
            grpc::INVALID_ARGUMENT);
  v1::GetAvailabilityRequest too_long;
  too_long.set_space_id("coworking");
  too_long.mutable_first_day()->set_year(2027);
  too_long.mutable_first_day()->set_month(1);
  too_long.mutable_first_day()->set_day(1);
  too_long.mutable_last_day()->set_year(2027);
  too_long.mutable_last_day()->set_month(6);
  too_long.mutable_last_day()->set_day(1);
  v1::GetAvailabilityResponse free;
  EXPECT_EQ(bookings_->GetAvailability(Context().get(), too_long, &free).error_code(),
            grpc::INVALID_ARGUMENT);
}

TEST_F(BookingServiceTest, MembersRegisterOncePerEmailAndValidate) {
  v1::RegisterMemberRequest request;
  request.set_display_name("Ada again");
  request.set_email("ADA@example.org");
  v1::Member member;
  EXPECT_EQ(members_->RegisterMember(Context(kAdminSecret).get(), request, &member).error_code(),
            grpc::ALREADY_EXISTS);
  request.set_email("not-an-email");
  grpc::Status status = members_->RegisterMember(Context(kAdminSecret).get(), request, &member);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("email"));
  request.set_email("grace@example.org");
  request.set_display_name("");
  request.set_bio("Compilers");  // Not the email alone: a registration, which needs a name.
  status = members_->RegisterMember(Context(kAdminSecret).get(), request, &member);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("display_name"));

  v1::GetMemberRequest get;
  get.set_member_id(member_id_);
  // The member reads its whole profile with its token of ACCOUNT scope, not its booking one.
  v1::IssueTokenRequest issue;
  issue.set_member_id(member_id_);
  issue.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  v1::IssueTokenResponse account;
  ASSERT_TRUE(members_->IssueToken(Context(kAdminSecret).get(), issue, &account).ok());
  ASSERT_TRUE(members_->GetMember(Context(account.token().c_str()).get(), get, &member).ok());
  EXPECT_EQ(member.home_site_id(), "paris");
  EXPECT_EQ(member.email(), "ada@example.org");
  ASSERT_TRUE(members_->GetMember(AsMember().get(), get, &member).ok());
  EXPECT_EQ(member.email(), "");
  // The email is the member's and its desk's only.
  ASSERT_TRUE(members_->GetMember(Context().get(), get, &member).ok());
  EXPECT_EQ(member.display_name(), "Ada Lovelace");
  EXPECT_EQ(member.email(), "");
  get.set_member_id("paris-nobody");
  EXPECT_EQ(members_->GetMember(Context().get(), get, &member).error_code(), grpc::NOT_FOUND);
}

TEST_F(BookingServiceTest, ABadCancelOrCheckInIsInvalidArgumentNamingTheFieldAndChangesNothing) {
  const uint64_t entries_before = OwnEntries();
  v1::Booking booking;
  ASSERT_TRUE(bookings_->CreateBooking(AsMember().get(), WednesdayMorning(), &booking).ok());
  // A local member's booking replicates nothing (its receipt stays at its venue and home).
  EXPECT_EQ(OwnEntries(), entries_before);
  const std::string log_before = OplogHeads();
  const std::vector<std::string> bad_ids = {"", "paris", "paris-not-hex-digits!",
                                            "paris_0000000000000001", std::string(500, 'a')};
  testing::ExpectEachValueRefusedNaming("booking_id", bad_ids, [&](const std::string& id) {
    v1::CancelBookingRequest cancel;
    cancel.set_booking_id(id);
    v1::Booking cancelled;
    return bookings_->CancelBooking(Context(kAdminSecret).get(), cancel, &cancelled);
  });
  testing::ExpectEachValueRefusedNaming("booking_id", bad_ids, [&](const std::string& id) {
    v1::CheckInRequest check_in;
    check_in.set_booking_id(id);
    v1::Booking checked_in;
    return bookings_->CheckIn(Context(kAdminSecret).get(), check_in, &checked_in);
  });
  v1::GetBookingRequest get;
  get.set_booking_id(booking.booking_id());
  v1::Booking held;
  ASSERT_TRUE(bookings_->GetBooking(AsMember().get(), get, &held).ok());
  EXPECT_EQ(held.state(), v1::BOOKING_STATE_CONFIRMED);
  EXPECT_EQ(OplogHeads(), log_before);
}

TEST_F(BookingServiceTest, ASettlementOfABadMonthIsInvalidArgumentNamingTheField) {
  testing::ExpectEachValueRefusedNaming(
      "month", {"", "2027-13", "2027-00", "2027-1", "January", "1969-12"},
      [&](const std::string& month) {
        v1::GetSettlementRequest request;
        request.set_month(month);
        v1::Settlement settlement;
        return bookings_->GetSettlement(Context(kAdminSecret).get(), request, &settlement);
      });
  v1::GetSettlementRequest request;
  request.set_month("2027-01");
  v1::Settlement settlement;
  EXPECT_TRUE(bookings_->GetSettlement(Context(kAdminSecret).get(), request, &settlement).ok());
}

TEST_F(BookingServiceTest, BadMemberWritesAndTokenLifetimesAreInvalidArgumentNamingTheField) {
  v1::IssueTokenRequest issue;
  issue.set_member_id(member_id_);
  issue.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  v1::IssueTokenResponse account;
  ASSERT_TRUE(members_->IssueToken(Context(kAdminSecret).get(), issue, &account).ok());
  v1::GetMemberRequest get;
  get.set_member_id(member_id_);
  v1::Member before;
  ASSERT_TRUE(members_->GetMember(Context(account.token()).get(), get, &before).ok());
  const std::string log_before = OplogHeads();

  // A token lives more than nothing and at most a day (member::MemberServiceImpl::kMaxTokenTtl).
  for (const auto& [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
           {0, 0}, {-60, 0}, {24 * 3600 + 1, 0}, {0, -1}, {1, 1'000'000'000}}) {
    v1::IssueTokenRequest request;
    request.set_member_id(member_id_);
    request.mutable_ttl()->set_seconds(seconds);
    request.mutable_ttl()->set_nanos(nanos);
    v1::IssueTokenResponse response;
    grpc::Status status = members_->IssueToken(Context(kAdminSecret).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << seconds << "s " << nanos << "ns";
    EXPECT_THAT(status.error_message(), HasSubstr("ttl"));
    EXPECT_EQ(response.token(), "");
  }
  v1::IssueTokenRequest longest;
  longest.set_member_id(member_id_);
  longest.mutable_ttl()->set_seconds(24 * 3600);  // The bound itself is accepted.
  v1::IssueTokenResponse issued;
  EXPECT_TRUE(members_->IssueToken(Context(kAdminSecret).get(), longest, &issued).ok());

  const std::vector<testing::BadInput<v1::UpdateMemberRequest>> cases = {
      {"member_id", [](auto& r) { r.set_member_id("Not A Member"); }},
      {"member_id", [](auto& r) { r.clear_member_id(); }},
      {"display_name", [](auto& r) { r.set_display_name(""); }},
      {"email", [](auto& r) { r.set_email("not-an-email"); }},
      {"bio", [](auto& r) { r.set_bio(std::string(5000, 'x')); }},
  };
  v1::UpdateMemberRequest valid;
  valid.set_member_id(member_id_);
  valid.set_city("Lyon");  // Valid on its own: only the spoiled field is wrong.
  testing::ExpectEachRefusedNamingTheField(valid, cases, [&](const auto& update) {
    v1::Member updated;
    return members_->UpdateMember(Context(kAdminSecret).get(), update, &updated);
  });

  testing::ExpectEachValueRefusedNaming(
      "member_id", {"", "Not A Member", "-paris"}, [&](const std::string& member_id) {
        v1::EraseMemberRequest erase;
        erase.set_member_id(member_id);
        v1::Member erased;
        return members_->EraseMember(Context(kAdminSecret).get(), erase, &erased);
      });

  v1::Member after;
  ASSERT_TRUE(members_->GetMember(Context(account.token()).get(), get, &after).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(after, before))
      << after.DebugString();
  EXPECT_EQ(OplogHeads(), log_before);
}

TEST_F(BookingServiceTest, MembersActOnlyOnTheirOwnBookingsAndTheDeskOnAny) {
  v1::Booking booking;
  v1::CreateBookingRequest request = WednesdayMorning();
  EXPECT_EQ(bookings_->CreateBooking(Context().get(), request, &booking).error_code(),
            grpc::UNAUTHENTICATED);
  request.clear_member_id();  // Taken from the token.
  ASSERT_TRUE(bookings_->CreateBooking(AsMember().get(), request, &booking).ok());
  EXPECT_EQ(booking.member_id(), member_id_);

  v1::RegisterMemberRequest grace;
  grace.set_display_name("Grace Hopper");
  grace.set_email("grace@example.org");
  v1::Member other;
  ASSERT_TRUE(members_->RegisterMember(Context(kAdminSecret).get(), grace, &other).ok());
  const std::string grace_token = IssueToken(other.member_id());

  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(booking.booking_id());
  v1::Booking result;
  EXPECT_EQ(
      bookings_->CancelBooking(Context(grace_token.c_str()).get(), cancel, &result).error_code(),
      grpc::PERMISSION_DENIED);
  v1::GetBookingRequest get;
  get.set_booking_id(booking.booking_id());
  EXPECT_EQ(bookings_->GetBooking(Context(grace_token.c_str()).get(), get, &result).error_code(),
            grpc::PERMISSION_DENIED);
  v1::ListBookingsRequest theirs;
  theirs.set_member_id(member_id_);
  v1::ListBookingsResponse listed;
  EXPECT_EQ(
      bookings_->ListBookings(Context(grace_token.c_str()).get(), theirs, &listed).error_code(),
      grpc::PERMISSION_DENIED);
  v1::CreateBookingRequest for_ada = WednesdayMorning();
  for_ada.set_idempotency_key("grace-books-for-ada");
  EXPECT_EQ(
      bookings_->CreateBooking(Context(grace_token.c_str()).get(), for_ada, &result).error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_EQ(bookings_->CancelBooking(Context("not-a-token").get(), cancel, &result).error_code(),
            grpc::UNAUTHENTICATED);

  // The booking is untouched; the desk may cancel it for the member.
  ASSERT_TRUE(bookings_->GetBooking(AsMember().get(), get, &result).ok());
  EXPECT_EQ(result.state(), v1::BOOKING_STATE_CONFIRMED);
  ASSERT_TRUE(bookings_->CancelBooking(Context(kAdminSecret).get(), cancel, &result).ok());
  EXPECT_EQ(result.state(), v1::BOOKING_STATE_CANCELLED);

  // A token past its expiry is refused.
  clock_.Advance(absl::Hours(13));
  EXPECT_EQ(bookings_->GetBooking(AsMember().get(), get, &result).error_code(),
            grpc::UNAUTHENTICATED);
}

}  // namespace
}  // namespace cantine::node
