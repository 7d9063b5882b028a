// Kills cantined with SIGKILL in the middle of a booking load and checks, after a restart,
// that every acknowledged booking is there and that no slot is oversold.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/cantined_launcher.h"
#include "tests/support/civil_proto.h"
#include "tests/support/desk_calls.h"
#include "tests/support/process_stop.h"
#include "tests/support/rpc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "crash-test-admin-credential-0042";
constexpr int kClients = 8;
constexpr int kAcknowledgedBeforeKill = 75;
constexpr int kSeatsPerBooking = 2;
constexpr int kPoolSeats = 24;  // The seeded "coworking" pool of deploy/sites/paris.

class BookingCrashTest : public ::testing::Test {
 protected:
  // The admin credential, where StartCantined reads it (tests/support/cantined_launcher.h).
  void SetUp() override {
    testing::WritePrivateFile(dir_.Sub("admin"), absl::StrCat(kAdminSecret, "\n"));
  }

  // Starts cantined for Paris on dir_ and waits until it serves; channel_ then reaches it.
  // Null, a test failure, when it does not serve.
  std::unique_ptr<testing::Subprocess> Start() {
    absl::StatusOr<testing::CantinedProcess> node = testing::StartCantined(
        {.cantined = CANTINED_PATH,
         .dir = dir_.path(),
         .site = "paris",
         .config = absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/paris.textproto"),
         .config_override = "insecure: true"});
    EXPECT_TRUE(node.ok()) << node.status();
    if (!node.ok()) return nullptr;
    channel_ = testing::LoopbackChannel(node->port);
    return std::move(node->process);
  }

  // Weekdays from the day after tomorrow (venue time), where Paris is open.
  static std::vector<v1::CivilDate> OpenDays(int count) {
    absl::TimeZone paris;
    absl::LoadTimeZone("Europe/Paris", &paris);
    std::vector<v1::CivilDate> days;
    for (int i = 0; i < count; ++i) {
      days.push_back(
          testing::CivilDateOf(testing::NthWeekday(absl::ToCivilDay(absl::Now(), paris) + 2, i)));
    }
    return days;
  }

  testing::TempDir dir_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(BookingCrashTest, KillDuringBookingLoadLosesNoAcknowledgedBookingAndOversellsNothing) {
  std::unique_ptr<testing::Subprocess> node = Start();
  ASSERT_NE(node, nullptr);
  auto members = v1::MemberService::NewStub(channel_);
  std::vector<std::string> member_ids;
  for (int i = 0; i < kClients; ++i) {
    absl::StatusOr<v1::Member> member = testing::RegisterByDesk(
        *members, kAdminSecret, absl::StrCat("Load ", i), absl::StrCat("load", i, "@example.org"));
    ASSERT_TRUE(member.ok()) << member.status();
    member_ids.push_back(member->member_id());
  }

  // Five days of two half-days hold 120 bookings of two seats: the kill comes before the
  // pool is full, while some slots already refuse.
  const std::vector<v1::CivilDate> days = OpenDays(5);
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto bookings = v1::BookingService::NewStub(channel_);
      absl::BitGen random;
      for (int n = 0; !stop.load(); ++n) {
        const v1::CivilDate& day = days[absl::Uniform(random, 0u, days.size())];
        const bool morning = absl::Bernoulli(random, 0.5);
        v1::CreateBookingRequest request;
        request.set_space_id("coworking");
        request.set_member_id(member_ids[c]);
        for (v1::CivilDateTime* t : {request.mutable_start(), request.mutable_end()}) {
          t->set_year(day.year());
          t->set_month(day.month());
          t->set_day(day.day());
        }
        request.mutable_start()->set_hours(morning ? 9 : 14);
        request.mutable_end()->set_hours(morning ? 13 : 19);
        request.set_seats(kSeatsPerBooking);
        request.set_idempotency_key(absl::StrCat("load-", c, "-", n));
        grpc::ClientContext context;
        testing::SetDeadline(context, absl::Seconds(5));
        testing::Authorize(context, kAdminSecret);  // The desk.
        v1::Booking booking;
        grpc::Status status = bookings->CreateBooking(&context, request, &booking);
        if (status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(booking.booking_id());
        } else if (status.error_code() == grpc::UNAVAILABLE ||
                   status.error_code() == grpc::DEADLINE_EXCEEDED) {
          return;  // The node is gone.
        } else if (status.error_code() != grpc::FAILED_PRECONDITION) {
          ADD_FAILURE() << status.error_message();
          return;
        }
      }
    });
  }
  const bool loaded = testing::WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return acknowledged.size() >= kAcknowledgedBeforeKill;
      },
      absl::Seconds(60));
  EXPECT_TRUE(testing::DiesOnSigkill(*node));  // Mid-load: calls are in flight.
  stop = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(loaded) << "the load never reached " << kAcknowledgedBeforeKill << " bookings";
  ASSERT_FALSE(acknowledged.empty());

  node = Start();
  ASSERT_NE(node, nullptr);
  auto bookings = v1::BookingService::NewStub(channel_);
  for (const std::string& id : acknowledged) {
    v1::GetBookingRequest request;
    request.set_booking_id(id);
    v1::Booking booking;
    grpc::Status status =
        bookings->GetBooking(testing::Context(kAdminSecret).get(), request, &booking);
    EXPECT_TRUE(status.ok()) << "acknowledged booking " << id
                             << " lost: " << status.error_message();
  }

  // Per slot, the stored bookings fit the pool and agree with the availability counters;
  // every stored booking has its receipt (written in the same transaction).
  std::map<std::string, std::set<std::string>> stored_by_member;
  for (const v1::CivilDate& day : days) {
    v1::ListBookingsRequest list;
    list.mutable_space_day()->set_space_id("coworking");
    *list.mutable_space_day()->mutable_day() = day;
    list.set_page_size(1000);
    v1::ListBookingsResponse listed;
    ASSERT_TRUE(bookings->ListBookings(testing::Context(kAdminSecret).get(), list, &listed).ok());
    std::map<int, int> seats_by_slot;
    for (const v1::Booking& booking : listed.bookings()) {
      stored_by_member[booking.member_id()].insert(booking.booking_id());
      for (const v1::BookedSlot& slot : booking.slots())
        seats_by_slot[slot.index()] += booking.seats();
    }
    v1::GetAvailabilityRequest availability;
    availability.set_space_id("coworking");
    *availability.mutable_first_day() = day;
    *availability.mutable_last_day() = day;
    v1::GetAvailabilityResponse free;
    ASSERT_TRUE(bookings->GetAvailability(testing::Context().get(), availability, &free).ok());
    ASSERT_EQ(free.slots_size(), 2);
    for (const v1::SlotAvailability& slot : free.slots()) {
      const int held = seats_by_slot[slot.slot().index()];
      EXPECT_LE(held, kPoolSeats) << "oversold";
      EXPECT_EQ(slot.seats_free(), kPoolSeats - held) << "counter disagrees with bookings";
    }
  }
  for (const auto& [member_id, stored] : stored_by_member) {
    v1::ListBookingsRequest list;
    list.set_member_id(member_id);
    list.set_page_size(1000);
    v1::ListBookingsResponse receipts;
    ASSERT_TRUE(bookings->ListBookings(testing::Context(kAdminSecret).get(), list, &receipts).ok());
    std::set<std::string> receipted;
    for (const v1::Booking& receipt : receipts.bookings()) receipted.insert(receipt.booking_id());
    EXPECT_EQ(receipted, stored) << "receipts of " << member_id << " differ from its bookings";
  }
  channel_.reset();
  bookings.reset();
  members.reset();
  testing::ExpectCleanStop({node.get()});
}

}  // namespace
}  // namespace cantine
