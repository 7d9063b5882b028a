// Kills a venue's cantined with SIGKILL right after it acknowledged a run of bookings of a
// visitor while the visitor's home was down, restarts both, and checks that every
// acknowledged booking's receipt still reaches the home: at the kill each receipt is queued
// at the venue (in its outbox, or in the home's feed not yet pulled), read from its data
// folder, and none has left.

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/federation.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/rpc/proto_time.h"
#include "storage/rocks_store.h"
#include "tests/support/process_stop.h"
#include "tests/support/rpc_client.h"
#include "tests/support/site_network.h"
#include "tests/support/site_processes.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using testing::Context;
using testing::LoopbackChannel;

constexpr char kAdminSecret[] = "receipt-crash-admin-credential-42";
constexpr int kBookings = 20;

class ReceiptCrashTest : public ::testing::Test {
 protected:
  std::string ParisNetwork(int milan_federation) const {
    return testing::TrustedSite(sites_, "milan") +
           testing::PeerSite(sites_, "milan", milan_federation);
  }

  // The bookings whose receipts a stopped paris holds queued in its data folder: in the
  // outbox (`outbox`) or in milan's feed (`fed`).
  void QueuedAtParis(std::set<std::string>* outbox, std::set<std::string>* fed) const {
    absl::StatusOr<std::unique_ptr<storage::RocksStore>> store =
        storage::RocksStore::Open({.path = dir_.Sub("paris")});
    ASSERT_TRUE(store.ok()) << store.status();
    auto rows = [&](storage::Table table) {
      absl::StatusOr<std::vector<storage::KeyValue>> scanned = (*store)->Scan(table, "", 100000);
      EXPECT_TRUE(scanned.ok()) << scanned.status();
      return scanned.ok() ? *std::move(scanned) : std::vector<storage::KeyValue>();
    };
    v1::Booking receipt;
    for (const storage::KeyValue& row : rows(storage::Table::kReceiptOutbox)) {
      EXPECT_TRUE(receipt.ParseFromString(row.value));
      outbox->insert(receipt.booking_id());
    }
    for (const storage::KeyValue& row : rows(storage::Table::kReceiptFeed)) {
      EXPECT_TRUE(receipt.ParseFromString(row.value));
      EXPECT_EQ(receipt.home_site_id(), "milan");
      fed->insert(receipt.booking_id());
    }
  }

  testing::TempDir dir_;
  testing::SiteProcesses sites_{dir_, CANTINED_PATH, kAdminSecret, {"paris", "milan"}};
};

TEST_F(ReceiptCrashTest, ReceiptsOfBookingsAcknowledgedBeforeAKillReachTheMembersHome) {
  // Ada's home is milan; paris, the venue, pulls milan's entries.
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan =
      sites_.Start("milan", testing::TrustedSite(sites_, "paris"), &milan_port, &milan_federation);
  auto members = v1::MemberService::NewStub(LoopbackChannel(milan_port));
  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada");
  registration.set_email("ada@example.org");
  v1::Member ada;
  ASSERT_TRUE(members->RegisterMember(Context(kAdminSecret).get(), registration, &ada).ok());
  v1::IssueTokenRequest issue;
  issue.set_member_id(ada.member_id());
  v1::IssueTokenResponse token;
  ASSERT_TRUE(members->IssueToken(Context(kAdminSecret).get(), issue, &token).ok());
  members.reset();
  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris =
      sites_.Start("paris", ParisNetwork(milan_federation), &paris_port, &paris_federation);
  ASSERT_TRUE(testing::WaitFor([&] { return sites_.Held(paris_port, "milan") >= 2; }))
      << "paris holds " << sites_.Held(paris_port, "milan") << " entries of milan";
  testing::ExpectCleanStop({milan.get()});

  // Bookings as fast as they are acknowledged while milan, ada's home, is down: every
  // receipt must wait at paris. Then SIGKILL at once.
  auto bookings = v1::BookingService::NewStub(LoopbackChannel(paris_port));
  std::set<std::string> acknowledged;
  for (int i = 0; i < kBookings; ++i) {
    const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(i % 4);
    v1::CreateBookingRequest request;
    request.set_space_id("coworking");
    *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
    *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
    request.set_seats(1);
    request.set_idempotency_key(absl::StrCat("trip-", i));
    v1::Booking booking;
    grpc::Status status = bookings->CreateBooking(Context(token.token()).get(), request, &booking);
    ASSERT_TRUE(status.ok()) << status.error_message();
    acknowledged.insert(booking.booking_id());
  }
  EXPECT_TRUE(testing::DiesOnSigkill(*paris));
  bookings.reset();

  // What the kill left: every acknowledged receipt queued at paris, in its outbox or feed.
  std::set<std::string> outbox, fed;
  ASSERT_NO_FATAL_FAILURE(QueuedAtParis(&outbox, &fed));
  std::set<std::string> queued = outbox;
  queued.insert(fed.begin(), fed.end());
  ASSERT_EQ(queued, acknowledged) << outbox.size() << " in the outbox, " << fed.size()
                                  << " in the feed";

  // Both back (paris holds milan's entries already); milan now pulls from paris, and so
  // finds where paris serves.
  paris =
      sites_.Start("paris", testing::TrustedSite(sites_, "milan"), &paris_port, &paris_federation);
  milan = sites_.Start(
      "milan",
      testing::TrustedSite(sites_, "paris") + testing::PeerSite(sites_, "paris", paris_federation),
      &milan_port, &milan_federation);

  // Ada's itinerary at her home.
  auto at_milan = v1::BookingService::NewStub(LoopbackChannel(milan_port));
  std::set<std::string> listed;
  const bool arrived = testing::WaitFor(
      [&] {
        v1::ListBookingsRequest request;
        request.set_member_id(ada.member_id());
        request.set_page_size(1000);
        v1::ListBookingsResponse response;
        if (!at_milan->ListBookings(Context(token.token()).get(), request, &response).ok()) {
          return false;
        }
        listed.clear();
        for (const v1::Booking& booking : response.bookings()) listed.insert(booking.booking_id());
        return listed == acknowledged;
      },
      absl::Seconds(60));
  EXPECT_TRUE(arrived) << listed.size() << " of " << acknowledged.size()
                       << " receipts reached milan; see " << sites_.LogFile("milan");

  at_milan.reset();
  testing::ExpectCleanStop({milan.get(), paris.get()});
}

}  // namespace
}  // namespace cantine
