// Backing a live node up, and restoring it: the restored node begins a new incarnation of
// its site and takes back from a peer what the old one wrote after the backup.

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "services/rpc/proto_time.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using testing::Context;
using testing::DeskContext;
using ::testing::HasSubstr;
using testing::MemberVisible;
using testing::MiniCluster;
using testing::WaitFor;

constexpr int kVenue = 0;  // Backed up and restored.
constexpr int kPeer = 1;

// A backup can take seconds on a loaded machine.
constexpr absl::Duration kBackupDeadline = absl::Seconds(60);

// The incarnations of `site_id` node `i` holds, with the head of each.
std::map<uint64_t, uint64_t> Incarnations(MiniCluster& cluster, int i, const std::string& site_id) {
  std::map<uint64_t, uint64_t> heads;
  for (const v1::VersionVectorEntry& entry : cluster.node(i).Vector()) {
    if (entry.origin().site_id() == site_id) heads[entry.origin().incarnation()] = entry.seq();
  }
  return heads;
}

// Registers members at node `i`'s desk, one after another, until stopped.
class MemberWriter {
 public:
  MemberWriter(MiniCluster& cluster, int i)
      : thread_([this, &cluster, i] {
          while (!stop_) {
            const v1::Member member =
                testing::RegisterAtDesk(cluster, i, absl::StrCat("writer", count()));
            std::lock_guard<std::mutex> lock(mu_);
            ids_.push_back(member.member_id());
          }
        }) {}
  ~MemberWriter() { Stop(); }

  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_.size();
  }
  std::vector<std::string> Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return ids_;
  }

 private:
  std::atomic<bool> stop_ = false;
  std::mutex mu_;
  std::vector<std::string> ids_;
  std::thread thread_;
};

TEST(BackupRestoreTest, ALiveNodeBackedUpUnderWritesIsRestoredAsANewIncarnationThatCatchesUp) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  const std::string venue = cluster.site_id(kVenue);
  const v1::Member before = testing::RegisterAtDesk(cluster, kVenue, "before");
  auto admin = v1::AdminService::NewStub(cluster.channel(kVenue));

  // The backup is taken while the desk keeps registering members.
  MemberWriter writer(cluster, kVenue);
  ASSERT_TRUE(WaitFor([&] { return writer.count() >= 5; }));
  v1::BackupInfo backup;
  const grpc::Status backed_up =
      admin->Backup(Context(cluster.admin_secret(kVenue), kBackupDeadline).get(), {}, &backup);
  ASSERT_TRUE(backed_up.ok()) << backed_up.error_message();
  const size_t at_backup = writer.count();
  ASSERT_TRUE(WaitFor([&] { return writer.count() >= at_backup + 5; }));
  const std::vector<std::string> written = writer.Stop();
  const v1::Member after = testing::RegisterAtDesk(cluster, kVenue, "after");

  EXPECT_EQ(backup.backup_id(), 1u);
  EXPECT_EQ(backup.site_id(), venue);
  EXPECT_EQ(backup.backup_dir(), cluster.backup_dir(kVenue));
  EXPECT_GT(backup.size_bytes(), 0u);
  v1::ListBackupsResponse listed;
  ASSERT_TRUE(admin->ListBackups(DeskContext(cluster, kVenue).get(), {}, &listed).ok());
  ASSERT_EQ(listed.backups_size(), 1);
  EXPECT_EQ(listed.backups(0).backup_id(), backup.backup_id());
  EXPECT_EQ(listed.backups_kept(), 7u);

  // The peer holds everything the venue wrote, after the backup too.
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  const std::map<uint64_t, uint64_t> old_incarnations = Incarnations(cluster, kPeer, venue);
  ASSERT_EQ(old_incarnations.size(), 1u);
  const uint64_t old_incarnation = old_incarnations.begin()->first;
  const uint64_t old_head = old_incarnations.begin()->second;

  // The venue loses its disk; its admin restores the backup and starts it.
  cluster.Stop(kVenue);
  const absl::StatusOr<storage::BackupInfo> restored = cluster.Restore(kVenue, std::nullopt);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->backup_id, backup.backup_id());
  cluster.Restart(kVenue);

  // The old incarnation is another origin now, which the peer brings up to its head.
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::map<uint64_t, uint64_t> held = Incarnations(cluster, kVenue, venue);
        return held.contains(old_incarnation) && held.at(old_incarnation) == old_head;
      },
      absl::Seconds(30)));

  // What the old incarnation wrote after the backup came back: the members' profiles.
  EXPECT_TRUE(MemberVisible(cluster, kVenue, before.member_id()));
  EXPECT_TRUE(MemberVisible(cluster, kVenue, after.member_id()));
  for (const std::string& id : written) EXPECT_TRUE(MemberVisible(cluster, kVenue, id)) << id;

  // The restored node writes under a new incarnation of its site, and the network converges
  // with both: the old incarnation's chain unchanged at the peer (no (origin, seq) written
  // twice, nothing refused or held), the new one beside it.
  const v1::Member restored_member = testing::RegisterAtDesk(cluster, kVenue, "restored");
  const std::map<uint64_t, uint64_t> held = Incarnations(cluster, kVenue, venue);
  ASSERT_EQ(held.size(), 2u);
  const uint64_t new_incarnation = held.rbegin()->first;
  EXPECT_GT(new_incarnation, old_incarnation);
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  EXPECT_TRUE(MemberVisible(cluster, kPeer, restored_member.member_id()));
  const std::map<uint64_t, uint64_t> at_peer = Incarnations(cluster, kPeer, venue);
  EXPECT_EQ(at_peer.size(), 2u);
  EXPECT_EQ(at_peer.at(old_incarnation), old_head);
  EXPECT_EQ(at_peer.at(new_incarnation), Incarnations(cluster, kVenue, venue).at(new_incarnation));
  for (int i : {kVenue, kPeer}) {
    for (const federation::PeerStatus& peer : cluster.node(i).PeerStatuses()) {
      EXPECT_EQ(peer.entries_refused, 0u) << cluster.site_id(i) << " <- " << peer.site_id;
      EXPECT_TRUE(peer.held_origins.empty()) << cluster.site_id(i) << " <- " << peer.site_id;
    }
  }

  // The restored node backs up again, into the same folder, numbering on.
  v1::BackupInfo next;
  ASSERT_TRUE(
      admin->Backup(Context(cluster.admin_secret(kVenue), kBackupDeadline).get(), {}, &next).ok());
  EXPECT_EQ(next.backup_id(), 2u);
}

// What docs/architecture.md says a restore loses: a visitor's booking made after the backup
// stays in the itinerary at the member's home (its receipt), but not in the venue's ledger.
TEST(BackupRestoreTest, AVisitMadeAfterTheBackupStaysAtTheHomeButNotInTheVenuesLedger) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  testing::CreateDesks(cluster, kVenue, /*seats=*/1);
  const v1::Member ada = testing::RegisterAtDesk(cluster, 1, "ada");  // Home: site-b.
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  auto admin = v1::AdminService::NewStub(cluster.channel(kVenue));
  v1::BackupInfo backup;
  ASSERT_TRUE(
      admin->Backup(Context(cluster.admin_secret(kVenue), kBackupDeadline).get(), {}, &backup)
          .ok());

  // The desk books the one seat for ada after the backup; its receipt reaches her home.
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
  v1::CreateBookingRequest request;
  request.set_space_id("desks");
  request.set_member_id(ada.member_id());
  *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  request.set_seats(1);
  request.set_idempotency_key("after-the-backup");
  v1::Booking booking;
  const grpc::Status booked =
      v1::BookingService::NewStub(cluster.channel(kVenue))
          ->CreateBooking(DeskContext(cluster, kVenue).get(), request, &booking);
  ASSERT_TRUE(booked.ok()) << booked.error_message();
  auto at_home = v1::BookingService::NewStub(cluster.channel(1));
  v1::ListBookingsRequest itinerary;
  itinerary.set_member_id(ada.member_id());
  const auto at_home_once = [&] {
    v1::ListBookingsResponse listed;
    return at_home->ListBookings(DeskContext(cluster, 1).get(), itinerary, &listed).ok() &&
           listed.bookings_size() == 1 && listed.bookings(0).booking_id() == booking.booking_id();
  };
  ASSERT_TRUE(WaitFor(at_home_once));

  cluster.Stop(kVenue);
  ASSERT_TRUE(cluster.Restore(kVenue, std::nullopt).ok());
  cluster.Restart(kVenue);
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  auto bookings = v1::BookingService::NewStub(cluster.channel(kVenue));

  // Her home keeps the receipt: the booking is still in ada's itinerary there.
  EXPECT_TRUE(at_home_once());
  // Its ledger does not: the venue does not find the booking, the seat looks free (it could
  // be sold twice), and the booking cannot be cancelled there.
  v1::GetBookingRequest get;
  get.set_booking_id(booking.booking_id());
  v1::Booking shown;
  EXPECT_EQ(bookings->GetBooking(DeskContext(cluster, kVenue).get(), get, &shown).error_code(),
            grpc::NOT_FOUND);
  v1::GetAvailabilityRequest availability;
  availability.set_space_id("desks");
  *availability.mutable_first_day() = rpc::CivilDayToProto(day);
  *availability.mutable_last_day() = rpc::CivilDayToProto(day);
  v1::GetAvailabilityResponse free;
  ASSERT_TRUE(bookings->GetAvailability(Context().get(), availability, &free).ok());
  ASSERT_GT(free.slots_size(), 0);
  EXPECT_EQ(free.slots(0).seats_free(), 1);
  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(booking.booking_id());
  v1::Booking cancelled;
  EXPECT_EQ(
      bookings->CancelBooking(DeskContext(cluster, kVenue).get(), cancel, &cancelled).error_code(),
      grpc::NOT_FOUND);
}

TEST(BackupRestoreTest, ABackupIdTheFolderDoesNotKeepIsRefusedNamingItAndChangesNothing) {
  MiniCluster cluster(1);
  auto admin = v1::AdminService::NewStub(cluster.channel(0));
  v1::BackupInfo backup;
  ASSERT_TRUE(
      admin->Backup(Context(cluster.admin_secret(0), kBackupDeadline).get(), {}, &backup).ok());
  const std::vector<v1::VersionVectorEntry> vector = cluster.node(0).Vector();
  cluster.Stop(0);

  const absl::StatusOr<storage::BackupInfo> refused = cluster.Restore(0, 99);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.status().message(), HasSubstr("backup_id 99"));
  EXPECT_THAT(refused.status().message(), HasSubstr("keeps 1"));

  // The data folder is as it was: the same incarnation starts again.
  cluster.Restart(0);
  ASSERT_EQ(cluster.node(0).Vector().size(), vector.size());
  EXPECT_EQ(cluster.node(0).Vector()[0].origin().incarnation(), vector[0].origin().incarnation());
}

TEST(BackupRestoreTest, ANodeWithoutABackupFolderSaysWhichFieldToSet) {
  testing::TempDir dir;
  const std::string secret = "paris-desk-credential";
  node::NodeOptions options = testing::ParisNodeOptions(dir, secret);
  ASSERT_TRUE(options.backup_dir.empty());
  storage::SystemClock clock;
  absl::StatusOr<std::unique_ptr<node::Node>> node = node::Node::Start(options, &clock);
  ASSERT_TRUE(node.ok()) << node.status();
  auto admin = v1::AdminService::NewStub(testing::LoopbackChannel((*node)->port()));

  v1::BackupInfo backup;
  grpc::Status status = admin->Backup(Context(secret).get(), {}, &backup);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("backup_dir"));
  v1::ListBackupsResponse listed;
  status = admin->ListBackups(Context(secret).get(), {}, &listed);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("backup_dir"));

  // Without the desk's credential, the call is refused before anything else.
  status = admin->Backup(Context().get(), {}, &backup);
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
}

TEST(BackupRestoreTest, ABackupFolderInsideTheDataFolderIsRefusedAtStart) {
  testing::TempDir dir;
  node::NodeOptions options = testing::ParisNodeOptions(dir, "paris-desk-credential");
  options.backup_dir = options.data_dir + "/backups";
  const absl::Status invalid = node::ValidateNodeOptions(options);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("backup_dir"));
  options.backup_dir = options.data_dir;
  EXPECT_EQ(node::ValidateNodeOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.backup_dir = dir.Sub("backups");
  EXPECT_TRUE(node::ValidateNodeOptions(options).ok());
}

}  // namespace
}  // namespace cantine
