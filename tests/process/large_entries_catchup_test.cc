// A venue whose feed for a home site holds receipts of the largest size (bookings of the
// most slots one booking may hold, made and cancelled again and again, while the home was
// down): the home, back, pulls all of it. Pages counted in receipts alone would exceed
// gRPC's 4 MiB message limit, for ever, as batches counted in entries once did for the log.

#include <memory>
#include <set>
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
constexpr int kBookings = 40;  // 80 rows in the feed, over 5 MB in all.

std::unique_ptr<grpc::ClientContext> Desk() {
  return testing::Context(kAdminSecret, absl::Seconds(30));
}

TEST(LargeEntriesCatchupTest, AHomeBackFromDownPullsAFeedOfReceiptsOfTheLargestSize) {
  testing::TempDir dir;
  testing::SiteProcesses sites(dir, CANTINED_PATH, kAdminSecret, {"paris", "milan"});
  // Ada's home is milan; paris, the venue, pulls milan's entries.
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan =
      sites.Start("milan", testing::TrustedSite(sites, "paris"), &milan_port, &milan_federation);
  auto members = v1::MemberService::NewStub(testing::LoopbackChannel(milan_port));
  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada Lovelace");
  registration.set_email("ada@example.org");
  v1::Member ada;
  ASSERT_TRUE(members->RegisterMember(Desk().get(), registration, &ada).ok());
  v1::IssueTokenRequest issue;
  issue.set_member_id(ada.member_id());
  v1::IssueTokenResponse token;
  ASSERT_TRUE(members->IssueToken(Desk().get(), issue, &token).ok());
  members.reset();
  // Milan lets its members visit without a monthly limit: these bookings take 40 weeks.
  auto milan_site = v1::SiteService::NewStub(testing::LoopbackChannel(milan_port));
  v1::Site milan_listed;
  ASSERT_TRUE(milan_site->GetSite(Desk().get(), {}, &milan_listed).ok());
  v1::UpdatePolicyRequest unlimited;
  *unlimited.mutable_policy() = milan_listed.policy();
  unlimited.mutable_policy()->clear_member_visit_days_per_month();
  v1::SitePolicy milan_policy;
  ASSERT_TRUE(milan_site->UpdatePolicy(Desk().get(), unlimited, &milan_policy).ok());
  milan_site.reset();
  const auto as_ada = [&] { return testing::Context(token.token(), absl::Seconds(30)); };

  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris = sites.Start(
      "paris",
      testing::TrustedSite(sites, "milan") + testing::PeerSite(sites, "milan", milan_federation),
      &paris_port, &paris_federation);
  // Paris holds all milan wrote (its member, its policy) before milan goes down.
  ASSERT_TRUE(testing::WaitFor(
      [&] { return sites.Held(paris_port, "milan") == sites.Held(milan_port, "milan"); }));
  testing::ExpectCleanStop({milan.get()});
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

  // From the Monday two weeks ahead, kWeeks weeks of the room, booked and cancelled by ada.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay monday = today + 14;
  while (absl::GetWeekday(monday) != absl::Weekday::monday) monday += 1;
  auto bookings = v1::BookingService::NewStub(channel);
  std::set<std::string> booked;
  for (int i = 0; i < kBookings; ++i) {
    v1::CreateBookingRequest request;
    request.set_space_id("meeting-room");
    *request.mutable_start() = testing::CivilDateTimeAt(monday, 9);
    *request.mutable_end() =
        testing::CivilDateTimeAt(monday + kWeeks * 7 - 3, 19);  // The last Friday.
    request.set_idempotency_key(absl::StrCat("long-", i));
    v1::Booking booking;
    grpc::Status status = bookings->CreateBooking(as_ada().get(), request, &booking);
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    ASSERT_EQ(booking.slots_size(), kWeeks * 5 * 5);
    ASSERT_GT(booking.ByteSizeLong(), 60u * 1024);
    v1::CancelBookingRequest cancel;
    cancel.set_booking_id(booking.booking_id());
    status = bookings->CancelBooking(as_ada().get(), cancel, &booking);
    ASSERT_TRUE(status.ok()) << status.error_message();
    booked.insert(booking.booking_id());
  }

  // Milan back, pulling from paris: it finds where paris serves, and pulls the feed.
  milan = sites.Start(
      "milan",
      testing::TrustedSite(sites, "paris") + testing::PeerSite(sites, "paris", paris_federation),
      &milan_port, &milan_federation);
  auto at_milan = v1::BookingService::NewStub(testing::LoopbackChannel(milan_port));
  std::set<std::string> cancelled;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        v1::ListBookingsRequest request;
        request.set_member_id(ada.member_id());
        request.set_page_size(kBookings);
        v1::ListBookingsResponse response;
        if (!at_milan->ListBookings(as_ada().get(), request, &response).ok()) return false;
        cancelled.clear();
        for (const v1::Booking& booking : response.bookings()) {
          if (booking.state() == v1::BOOKING_STATE_CANCELLED)
            cancelled.insert(booking.booking_id());
        }
        return cancelled == booked;
      },
      absl::Seconds(60)))
      << "milan holds " << cancelled.size() << " of " << booked.size()
      << " cancelled bookings; see " << sites.LogFile("milan");

  channel.reset();
  at_milan.reset();
  testing::ExpectCleanStop({milan.get(), paris.get()});
}

}  // namespace
}  // namespace cantine
