// A site whose log holds entries of the largest size allowed (receipts of bookings of the
// most slots one booking may hold, made and cancelled again and again): a node that starts
// from empty data catches up with all of it. Batches counted in entries alone made every
// Pull of such a log exceed gRPC's 4 MiB message limit, for ever.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/civil_proto.h"
#include "tests/support/process_stop.h"
#include "tests/support/rpc_client.h"
#include "tests/support/site_network.h"
#include "tests/support/site_processes.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "large-entries-test-admin-credential";
// Each booking: 40 weeks of Paris's meeting room, five two-hour blocks a weekday, 1,000
// slots (domain::kMaxSlotsPerBooking is 1,024); its receipt is about 64 KB.
constexpr int kWeeks = 40;
constexpr int kBookings = 40;  // 80 receipts, over 5 MB in all.

std::unique_ptr<grpc::ClientContext> Desk() {
  return testing::Context(kAdminSecret, absl::Seconds(30));
}

TEST(LargeEntriesCatchupTest, ANodeFromEmptyDataCatchesUpWithEntriesOfTheLargestSize) {
  testing::TempDir dir;
  testing::SiteProcesses sites(dir, CANTINED_PATH, kAdminSecret, {"paris", "milan"});
  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris =
      sites.Start("paris", testing::TrustedSite(sites, "milan"), &paris_port, &paris_federation);
  auto channel = testing::LoopbackChannel(paris_port);

  // Long bookings allowed: the policy, read and written back with a longer span and horizon.
  auto site_service = v1::SiteService::NewStub(channel);
  v1::Site site;
  ASSERT_TRUE(site_service->GetSite(Desk().get(), {}, &site).ok());
  v1::UpdatePolicyRequest update;
  *update.mutable_policy() = site.policy();
  update.mutable_policy()->set_max_booking_days(366);
  update.mutable_policy()->set_booking_horizon_days(730);
  v1::SitePolicy policy;
  ASSERT_TRUE(site_service->UpdatePolicy(Desk().get(), update, &policy).ok());

  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada Lovelace");
  registration.set_email("ada@example.org");
  v1::Member ada;
  ASSERT_TRUE(
      v1::MemberService::NewStub(channel)->RegisterMember(Desk().get(), registration, &ada).ok());

  // From the Monday two weeks ahead, kWeeks weeks of the room, booked and cancelled.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay monday = today + 14;
  while (absl::GetWeekday(monday) != absl::Weekday::monday) monday += 1;
  auto bookings = v1::BookingService::NewStub(channel);
  for (int i = 0; i < kBookings; ++i) {
    v1::CreateBookingRequest request;
    request.set_space_id("meeting-room");
    request.set_member_id(ada.member_id());
    *request.mutable_start() = testing::CivilDateTimeAt(monday, 9);
    *request.mutable_end() =
        testing::CivilDateTimeAt(monday + kWeeks * 7 - 3, 19);  // The last Friday.
    request.set_idempotency_key(absl::StrCat("long-", i));
    v1::Booking booking;
    grpc::Status status = bookings->CreateBooking(Desk().get(), request, &booking);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(booking.slots_size(), kWeeks * 5 * 5);
    ASSERT_GT(booking.ByteSizeLong(), 60u * 1024);
    v1::CancelBookingRequest cancel;
    cancel.set_booking_id(booking.booking_id());
    status = bookings->CancelBooking(Desk().get(), cancel, &booking);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // Every receipt in Paris's log: its directory entry, the member, two receipts a booking.
  const int64_t total = 2 + 2 * kBookings;
  ASSERT_TRUE(testing::WaitFor([&] { return sites.Held(paris_port, "paris") == total; },
                               absl::Seconds(30)));

  // Milan starts from empty data and pulls from Paris.
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan = sites.Start(
      "milan", testing::PeerSite(sites, "paris", paris_federation), &milan_port, &milan_federation);
  EXPECT_TRUE(
      testing::WaitFor([&] { return sites.Held(milan_port, "paris") == total; }, absl::Seconds(60)))
      << "milan holds " << sites.Held(milan_port, "paris") << " of " << total << "; see "
      << sites.LogFile("milan");

  channel.reset();
  testing::ExpectCleanStop({milan.get(), paris.get()});
}

}  // namespace
}  // namespace cantine
