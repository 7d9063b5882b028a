// Kills a venue's cantined with SIGKILL right after it acknowledged a run of bookings,
// restarts it, and checks that every acknowledged booking's receipt still reaches another
// site: receipts queued in the outbox when the process died are published after restart.

#include <signal.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/rpc/proto_time.h"
#include "tests/support/site_processes.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "receipt-crash-admin-credential-42";
constexpr int kBookings = 20;

class ReceiptCrashTest : public ::testing::Test {
 protected:
  static std::shared_ptr<grpc::Channel> Channel(int port) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                               grpc::InsecureChannelCredentials());
  }

  static void Authorize(grpc::ClientContext& context, const std::string& bearer) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.AddMetadata("authorization", absl::StrCat("Bearer ", bearer));
  }

  std::string ParisNetwork() const {
    return absl::StrCat("trusted_sites { site_id: \"milan\" public_key_file: \"",
                        sites_.PublicKeyFile("milan"), "\" }\n");
  }

  testing::TempDir dir_;
  testing::SiteProcesses sites_{dir_, CANTINED_PATH, kAdminSecret, {"paris", "milan"}};
};

// The `n`th open weekday at Paris from a week ahead.
absl::CivilDay ParisWeekday(int n) {
  absl::TimeZone paris;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), paris) + 7;
  for (int found = -1;; ++day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) continue;
    if (++found == n) return day;
  }
}

TEST_F(ReceiptCrashTest, ReceiptsOfBookingsAcknowledgedBeforeAKillReachAnotherSite) {
  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris =
      sites_.Start("paris", ParisNetwork(), &paris_port, &paris_federation);

  auto members = v1::MemberService::NewStub(Channel(paris_port));
  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada");
  registration.set_email("ada@example.org");
  v1::Member ada;
  {
    grpc::ClientContext context;
    Authorize(context, kAdminSecret);
    ASSERT_TRUE(members->RegisterMember(&context, registration, &ada).ok());
  }

  // Bookings as fast as they are acknowledged, then SIGKILL at once: the last receipts
  // are likely still queued in the outbox.
  auto bookings = v1::BookingService::NewStub(Channel(paris_port));
  std::set<std::string> acknowledged;
  for (int i = 0; i < kBookings; ++i) {
    const absl::CivilDay day = ParisWeekday(i % 4);
    v1::CreateBookingRequest request;
    request.set_space_id("coworking");
    request.set_member_id(ada.member_id());
    *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
    *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
    request.set_seats(1);
    request.set_idempotency_key(absl::StrCat("trip-", i));
    v1::Booking booking;
    grpc::ClientContext context;
    Authorize(context, kAdminSecret);
    grpc::Status status = bookings->CreateBooking(&context, request, &booking);
    ASSERT_TRUE(status.ok()) << status.error_message();
    acknowledged.insert(booking.booking_id());
  }
  paris->Signal(SIGKILL);
  EXPECT_EQ(paris->Wait(absl::Seconds(30)), 128 + SIGKILL);
  bookings.reset();
  members.reset();

  paris = sites_.Start("paris", ParisNetwork(), &paris_port, &paris_federation);
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan = sites_.Start(
      "milan",
      absl::StrCat("peers { site_id: \"paris\" address: \"127.0.0.1:", paris_federation,
                   "\" public_key_file: \"", sites_.PublicKeyFile("paris"), "\" }\n"),
      &milan_port, &milan_federation);

  // Ada's itinerary at milan, with her own token from paris.
  members = v1::MemberService::NewStub(Channel(paris_port));
  v1::IssueTokenRequest issue;
  issue.set_member_id(ada.member_id());
  v1::IssueTokenResponse token;
  {
    grpc::ClientContext context;
    Authorize(context, kAdminSecret);
    ASSERT_TRUE(members->IssueToken(&context, issue, &token).ok());
  }
  auto at_milan = v1::BookingService::NewStub(Channel(milan_port));
  std::set<std::string> listed;
  const bool arrived = testing::WaitFor(
      [&] {
        v1::ListBookingsRequest request;
        request.set_member_id(ada.member_id());
        request.set_page_size(1000);
        v1::ListBookingsResponse response;
        grpc::ClientContext context;
        Authorize(context, token.token());
        if (!at_milan->ListBookings(&context, request, &response).ok()) return false;
        listed.clear();
        for (const v1::Booking& booking : response.bookings()) listed.insert(booking.booking_id());
        return listed == acknowledged;
      },
      absl::Seconds(60));
  EXPECT_TRUE(arrived) << listed.size() << " of " << acknowledged.size()
                       << " receipts reached milan; see " << sites_.LogFile("paris");

  at_milan.reset();
  members.reset();
  for (auto* node : {&milan, &paris}) {
    (*node)->Signal(SIGTERM);
    EXPECT_EQ((*node)->Wait(absl::Seconds(30)), 0);
  }
}

}  // namespace
}  // namespace cantine
