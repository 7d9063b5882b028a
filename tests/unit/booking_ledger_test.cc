#include "services/booking/booking_ledger.h"

#include <atomic>
#include <functional>
#include <latch>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/booking/booking_codec.h"
#include "services/booking/no_show_sweeper.h"
#include "services/booking/receipt_notifier.h"
#include "services/booking/receipt_publisher.h"
#include "services/booking/receipt_puller.h"
#include "services/booking/remote_venues.h"
#include "services/member/member_registry.h"
#include "services/replication/entry_signing.h"
#include "services/site/site_catalog.h"
#include "services/site/site_directory.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/paris.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine::booking {
namespace {

using ::testing::HasSubstr;

const absl::TimeZone kParis = [] {
  absl::TimeZone zone;
  absl::LoadTimeZone("Europe/Paris", &zone);
  return zone;
}();
// Monday 2027-01-04, 08:00 in Paris.
const absl::Time kNow = absl::FromCivil(absl::CivilMinute(2027, 1, 4, 8, 0), kParis);

domain::Space Space(const char* id, domain::SpaceKind kind, int32_t seats, int64_t price) {
  domain::Space space;
  space.space_id = id;
  space.display_name = id;
  space.kind = kind;
  space.seats = seats;
  space.price_per_slot_minor = price;
  return space;
}

// Visit allowances per home site, set by the test.
class FakeAllowances final : public domain::VisitAllowances {
 public:
  std::optional<int> VisitDaysPerMonth(absl::string_view home_site_id) const override {
    auto it = days.find(std::string(home_site_id));
    if (it == days.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, int> days;
};

// What a visitor's home site answers of the visit days the visitor holds elsewhere, set by
// the test; `down` makes the home unreachable.
class FakeHomes final : public domain::VisitDaysElsewhere {
 public:
  absl::StatusOr<std::vector<int>> Count(absl::string_view home_site_id,
                                         absl::string_view member_id, absl::string_view venue,
                                         const std::vector<absl::CivilMonth>& months) override {
    ++calls;
    if (down) return absl::UnavailableError(absl::StrCat("site ", home_site_id, " is down"));
    EXPECT_EQ(venue, "paris");
    std::vector<int> counted;
    for (absl::CivilMonth month : months) {
      auto it = days.find({std::string(member_id), month});
      counted.push_back(it == days.end() ? 0 : it->second);
    }
    return counted;
  }
  std::map<std::pair<std::string, absl::CivilMonth>, int> days;
  bool down = false;
  std::atomic<int> calls{0};
};

class BookingLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_ = storage::RocksStore::Open({.path = dir_.Sub("db")}).value();
    site::SiteCatalog::Seed seed;
    seed.profile = testing::ParisProfile();
    seed.initial_policy = domain::DefaultSitePolicy();
    seed.initial_spaces = {Space("coworking", domain::SpaceKind::kDeskPool, 24, 1500),
                           Space("small", domain::SpaceKind::kDeskPool, 5, 1500),
                           Space("meeting-room", domain::SpaceKind::kMeetingRoom, 8, 8000)};
    catalog_ = site::SiteCatalog::Open(store_.get(), &clock_, seed).value();
    oplog_ = storage::Oplog::Open(store_.get(), &clock_, &hlc_, &signer_, "paris").value();
    members_ = std::make_unique<member::MemberRegistry>(store_.get(), oplog_.get(), &ids_, "paris");
    directory_ = std::make_unique<site::SiteDirectory>(store_.get(), oplog_.get());
    receipts_ =
        std::make_unique<ReceiptBook>("paris", store_.get(), members_.get(), directory_.get());
    ledger_ =
        std::make_unique<BookingLedger>(store_.get(), &clock_, &ids_, catalog_.get(),
                                        members_.get(), receipts_.get(), &allowances_, &homes_);
  }

  void Close() {
    ledger_.reset();
    receipts_.reset();
    directory_.reset();
    members_.reset();
    oplog_.reset();
    catalog_.reset();
    store_.reset();
  }

  std::string NewMember(int n = 0) {
    return members_
        ->Register({.display_name = "Ada", .email = absl::StrCat("ada", n, "@example.org")})
        .value()
        .member_id;
  }

  domain::BookingRequest Request(const std::string& member, const char* space,
                                 absl::CivilMinute start, absl::CivilMinute end, int seats,
                                 std::string key) {
    return {.space_id = space,
            .member_id = member,
            .local_start = start,
            .local_end = end,
            .seats = seats,
            .idempotency_key = std::move(key)};
  }

  // Free seats of `space` for slot `index` of `day`.
  int32_t Free(const char* space, absl::CivilDay day, int index) {
    std::vector<BookingLedger::SlotAvailability> slots =
        ledger_->Availability(space, day, day).value();
    return slots.at(index).seats_free;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  testing::SequentialIds ids_;
  storage::HybridClock hlc_{&clock_, absl::Minutes(1)};
  replication::KeySigner signer_{auth::Ed25519PrivateKey::Generate()};
  std::unique_ptr<storage::RocksStore> store_;
  std::unique_ptr<storage::Oplog> oplog_;
  std::unique_ptr<site::SiteCatalog> catalog_;
  std::unique_ptr<member::MemberRegistry> members_;
  std::unique_ptr<site::SiteDirectory> directory_;
  FakeAllowances allowances_;
  FakeHomes homes_;
  std::unique_ptr<ReceiptBook> receipts_;
  std::unique_ptr<BookingLedger> ledger_;
};

// The site's desk acts for any member.
const std::optional<std::string> kDesk = std::nullopt;

const absl::CivilDay kWednesday(2027, 1, 6);
const absl::CivilMinute kWedMorning(2027, 1, 6, 9, 0);
const absl::CivilMinute kWedNoon(2027, 1, 6, 13, 0);

TEST_F(BookingLedgerTest, BookingHoldsSeatsAndIsPricedAndStoredDurably) {
  const std::string ada = NewMember();
  absl::StatusOr<domain::Booking> booking = ledger_->Create(
      Request(ada, "coworking", kWedMorning, absl::CivilMinute(2027, 1, 7, 19, 0), 2, "trip-1"));
  ASSERT_TRUE(booking.ok()) << booking.status();
  EXPECT_EQ(booking->price_minor, 4 * 2 * 1500);
  EXPECT_EQ(booking->currency_code, "EUR");
  EXPECT_EQ(booking->slots.size(), 4u);
  EXPECT_EQ(Free("coworking", kWednesday, 0), 22);

  Close();
  Open();
  absl::StatusOr<domain::Booking> stored = ledger_->Get(booking->booking_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, domain::BookingState::kConfirmed);
  EXPECT_EQ(stored->local_start, kWedMorning);
  EXPECT_EQ(stored->start, absl::FromCivil(kWedMorning, kParis));
  EXPECT_EQ(Free("coworking", kWednesday, 1), 22);
}

TEST_F(BookingLedgerTest, ThirtyTwoThreadsRacingForTheLastThreeSeatsGetExactlyThree) {
  const std::string early = NewMember(100);
  ASSERT_TRUE(ledger_->Create(Request(early, "small", kWedMorning, kWedNoon, 2, "early")).ok());
  std::vector<std::string> racers;
  for (int i = 0; i < 32; ++i) racers.push_back(NewMember(i));

  std::atomic<int> booked{0}, full{0}, other{0};
  // Every thread builds its request, then all 32 call at once.
  std::latch start(32);
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      const domain::BookingRequest request =
          Request(racers[i], "small", kWedMorning, kWedNoon, 1, absl::StrCat("race-", i));
      start.arrive_and_wait();
      absl::StatusOr<domain::Booking> result = ledger_->Create(request);
      if (result.ok()) {
        ++booked;
      } else if (result.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++full;
      } else {
        ++other;
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(booked.load(), 3);
  EXPECT_EQ(full.load(), 29);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Free("small", kWednesday, 0), 0);

  // The bookings themselves agree with the counter.
  BookingLedger::Page page = ledger_->ListBySpaceDay("small", kWednesday, 100, "").value();
  int seats = 0;
  for (const domain::Booking& b : page.items) seats += b.seats;
  EXPECT_EQ(seats, 5);
}

TEST_F(BookingLedgerTest, FullSlotIsNamedInTheRefusal) {
  const std::string ada = NewMember();
  ASSERT_TRUE(ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 5, "all")).ok());
  absl::StatusOr<domain::Booking> refused = ledger_->Create(
      Request(ada, "small", absl::CivilMinute(2027, 1, 5, 9, 0), kWedNoon, 1, "one-more"));
  EXPECT_THAT(refused.status(), testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                                  HasSubstr("morning of 2027-01-06")));
  // Nothing of the refused request was held: Tuesday is still free.
  EXPECT_EQ(Free("small", absl::CivilDay(2027, 1, 5), 0), 5);
}

TEST_F(BookingLedgerTest, MeetingRoomIsExclusive) {
  const std::string ada = NewMember(1), bob = NewMember(2);
  ASSERT_TRUE(ledger_
                  ->Create(Request(ada, "meeting-room", absl::CivilMinute(2027, 1, 6, 11, 0),
                                   absl::CivilMinute(2027, 1, 6, 13, 0), 0, "room"))
                  .ok());
  EXPECT_EQ(ledger_
                ->Create(Request(bob, "meeting-room", absl::CivilMinute(2027, 1, 6, 9, 0),
                                 absl::CivilMinute(2027, 1, 6, 13, 0), 1, "room"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ledger_
                  ->Create(Request(bob, "meeting-room", absl::CivilMinute(2027, 1, 6, 9, 0),
                                   absl::CivilMinute(2027, 1, 6, 11, 0), 1, "room"))
                  .ok());
}

TEST_F(BookingLedgerTest, SameKeySameRequestReturnsTheSameBookingOnce) {
  const std::string ada = NewMember();
  const domain::BookingRequest request = Request(ada, "small", kWedMorning, kWedNoon, 2, "k");
  domain::Booking first = ledger_->Create(request).value();
  clock_.Advance(absl::Minutes(1));
  domain::Booking retry = ledger_->Create(request).value();
  EXPECT_EQ(retry.booking_id, first.booking_id);
  EXPECT_EQ(retry.create_time, first.create_time);
  EXPECT_EQ(Free("small", kWednesday, 0), 3);  // Counted once.
  EXPECT_EQ(receipts_->ListByMember(ada, 10, "")->items.size(), 1u);
}

TEST_F(BookingLedgerTest, SameKeyDifferentRequestIsAlreadyExists) {
  const std::string ada = NewMember();
  ASSERT_TRUE(ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 2, "k")).ok());
  absl::StatusOr<domain::Booking> other =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 3, "k"));
  EXPECT_THAT(other.status(),
              testing::StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("different booking")));
  EXPECT_EQ(Free("small", kWednesday, 0), 3);
}

TEST_F(BookingLedgerTest, AnIdThatNamesABookingIsNotGivenToAnother) {
  const std::string ada = NewMember(1), bob = NewMember(2);
  const domain::Booking first =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 2, "a")).value();
  const std::string taken = testing::UniquePart(first.booking_id);
  testing::RepeatingIds repeating({taken, taken, "00000000000000ff"});
  BookingLedger restarted(store_.get(), &clock_, &repeating, catalog_.get(), members_.get(),
                          receipts_.get(), &allowances_, &homes_);

  const domain::Booking second =
      restarted.Create(Request(bob, "small", kWedMorning, kWedNoon, 1, "b")).value();
  EXPECT_EQ(second.booking_id, "paris-00000000000000ff");
  const domain::Booking kept = ledger_->Get(first.booking_id).value();
  EXPECT_EQ(kept.member_id, ada);
  EXPECT_EQ(kept.seats, 2);
  EXPECT_EQ(ledger_->Get(second.booking_id)->member_id, bob);
  EXPECT_EQ(Free("small", kWednesday, 0), 2);
}

TEST_F(BookingLedgerTest, AGeneratorThatOnlyRepeatsTakenIdsBooksNothing) {
  const std::string ada = NewMember(1), bob = NewMember(2);
  const domain::Booking first =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 2, "a")).value();
  testing::RepeatingIds repeating({testing::UniquePart(first.booking_id)});
  BookingLedger broken(store_.get(), &clock_, &repeating, catalog_.get(), members_.get(),
                       receipts_.get(), &allowances_, &homes_);

  const domain::BookingRequest request = Request(bob, "small", kWedMorning, kWedNoon, 1, "b");
  EXPECT_THAT(broken.Create(request).status(),
              testing::StatusIs(absl::StatusCode::kInternal, HasSubstr("no unused booking id")));
  EXPECT_EQ(ledger_->Get(first.booking_id)->member_id, ada);
  EXPECT_EQ(Free("small", kWednesday, 0), 3);
  // Nothing of the refused booking was kept: its key books afresh.
  const domain::Booking booked = ledger_->Create(request).value();
  EXPECT_NE(booked.booking_id, first.booking_id);
  EXPECT_EQ(Free("small", kWednesday, 0), 2);
}

TEST_F(BookingLedgerTest, CancelFreesSeatsTwiceIsHarmlessAndRebookWorks) {
  const std::string ada = NewMember(1), bob = NewMember(2);
  domain::Booking booking =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 5, "all")).value();
  EXPECT_EQ(ledger_->Create(Request(bob, "small", kWedMorning, kWedNoon, 1, "b")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<domain::Booking> cancelled = ledger_->Cancel(booking.booking_id, kDesk);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, domain::BookingState::kCancelled);
  EXPECT_EQ(Free("small", kWednesday, 0), 5);
  EXPECT_TRUE(ledger_->Cancel(booking.booking_id, kDesk).ok());
  EXPECT_EQ(Free("small", kWednesday, 0), 5);  // Not released twice.
  EXPECT_TRUE(ledger_->Create(Request(bob, "small", kWedMorning, kWedNoon, 1, "b")).ok());
  EXPECT_EQ(Free("small", kWednesday, 0), 4);
}

TEST_F(BookingLedgerTest, CancelAfterTheWindowIsRefusedWithTheWindowNamed) {
  const std::string ada = NewMember();
  domain::Booking booking =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 1, "k")).value();
  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 5, 10, 0), kParis));  // 23h before.
  absl::StatusOr<domain::Booking> late = ledger_->Cancel(booking.booking_id, kDesk);
  EXPECT_THAT(late.status(), testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                               HasSubstr("24h before the start")));
  EXPECT_EQ(Free("small", kWednesday, 0), 4);
}

TEST_F(BookingLedgerTest, NoShowReleasesTheRestOfTheBookingAndStaysCharged) {
  const std::string ada = NewMember(1), bob = NewMember(2);
  domain::Booking absent =
      ledger_
          ->Create(Request(ada, "small", kWedMorning, absl::CivilMinute(2027, 1, 7, 19, 0), 2, "a"))
          .value();
  domain::Booking present =
      ledger_
          ->Create(Request(bob, "small", kWedMorning, absl::CivilMinute(2027, 1, 7, 19, 0), 1, "b"))
          .value();

  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 6, 9, 30), kParis));
  ASSERT_TRUE(ledger_->CheckIn(present.booking_id, kDesk).ok());
  EXPECT_EQ(ledger_->ReleaseNoShows().value(), 0);  // Within the grace period.

  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 6, 10, 1), kParis));
  EXPECT_EQ(ledger_->ReleaseNoShows().value(), 1);
  domain::Booking released = ledger_->Get(absent.booking_id).value();
  EXPECT_EQ(released.state, domain::BookingState::kNoShow);
  EXPECT_EQ(released.price_minor, absent.price_minor);  // Still charged.
  EXPECT_EQ(ledger_->Get(present.booking_id)->state, domain::BookingState::kCheckedIn);
  EXPECT_EQ(Free("small", kWednesday, 0), 2);  // The started morning stays used.
  EXPECT_EQ(Free("small", kWednesday, 1), 4);  // The rest is back in the pool.
  EXPECT_EQ(Free("small", absl::CivilDay(2027, 1, 7), 1), 4);
  EXPECT_EQ(ledger_->ReleaseNoShows().value(), 0);  // Released once.
  EXPECT_EQ(ledger_->CheckIn(absent.booking_id, kDesk).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BookingLedgerTest, OnlyTheOwnerOrTheDeskCancelsOrChecksIn) {
  const std::string ada = NewMember(1);
  const std::string bob = NewMember(2);
  domain::Booking booking =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 1, "k")).value();
  EXPECT_EQ(ledger_->Cancel(booking.booking_id, bob).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger_->CheckIn(booking.booking_id, bob).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Free("small", kWednesday, 0), 4);  // Nothing changed.
  EXPECT_TRUE(ledger_->Cancel(booking.booking_id, ada).ok());
  EXPECT_EQ(Free("small", kWednesday, 0), 5);
}

TEST_F(BookingLedgerTest, UnknownSpaceOrMemberIsNotFoundAndWritesNothing) {
  const std::string ada = NewMember();
  EXPECT_EQ(ledger_->Create(Request(ada, "nowhere", kWedMorning, kWedNoon, 1, "k")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ledger_->Create(Request("paris-ffff", "small", kWedMorning, kWedNoon, 1, "k"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->Scan(storage::Table::kBookings, "", 10)->empty());
  EXPECT_TRUE(store_->Scan(storage::Table::kSlotCounters, "", 10)->empty());
  EXPECT_EQ(ledger_->Get("paris-nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BookingLedgerTest, ListingsPageInOrder) {
  const std::string ada = NewMember();
  for (int day = 4; day <= 8; ++day) {
    ASSERT_TRUE(
        ledger_
            ->Create(Request(ada, "coworking", absl::CivilMinute(2027, 1, day, 14, 0),
                             absl::CivilMinute(2027, 1, day, 19, 0), 1, absl::StrCat("d", day)))
            .ok());
  }
  ReceiptBook::Page first = receipts_->ListByMember(ada, 2, "").value();
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].start().day(), 4);
  ReceiptBook::Page second = receipts_->ListByMember(ada, 10, first.next_page_token).value();
  ASSERT_EQ(second.items.size(), 3u);
  EXPECT_EQ(second.items[0].start().day(), 6);
  EXPECT_TRUE(second.next_page_token.empty());
  EXPECT_EQ(receipts_->ListByMember(ada, 10, "garbage!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(receipts_->ListByMember(ada, 5000, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cantine::booking

namespace cantine::booking {
namespace {

// A member whose home is another site (the one its id names), as replication delivers it.
std::string NewVisitor(member::MemberRegistry& members, storage::Store& store,
                       const std::string& member_id) {
  const std::string home = member_id.substr(0, member_id.rfind('-'));  // As its id names.
  v1::MemberChange change;
  change.set_member_id(member_id);
  change.set_home_site_id(home);
  change.set_display_name("Visitor");
  v1::OplogEntry entry;
  entry.mutable_origin()->set_site_id(home);
  entry.mutable_origin()->set_incarnation(1);
  entry.set_seq(1);
  entry.mutable_hlc()->set_wall_micros(absl::ToUnixMicros(kNow));
  entry.set_kind(v1::ENTRY_KIND_MEMBER);
  entry.set_payload(change.SerializeAsString());
  entry.set_subject(member_id);
  std::unique_ptr<storage::Transaction> txn = store.BeginTransaction();
  EXPECT_TRUE(members.ApplyRemote(*txn, entry).ok());
  EXPECT_TRUE(txn->Commit().ok());
  return member_id;
}

class VisitorLedgerTest : public BookingLedgerTest {
 protected:
  void SetUp() override {
    BookingLedgerTest::SetUp();
    ListSite("paris", "EUR");
    ListSite("rome", "EUR");
  }

  std::string Visitor(const std::string& id) { return NewVisitor(*members_, *store_, id); }

  // The directory entry of `site_id`, as replication delivers it.
  void ListSite(const std::string& site_id, const std::string& currency,
                const std::string& federation_endpoint = "") {
    v1::DirectoryEntry listed;
    listed.mutable_site()->set_site_id(site_id);
    listed.mutable_site()->set_currency_code(currency);
    listed.set_federation_endpoint(federation_endpoint);
    listed.set_status(v1::SITE_STATUS_ACTIVE);
    v1::OplogEntry entry;
    entry.mutable_origin()->set_site_id(site_id);
    entry.mutable_hlc()->set_wall_micros(absl::ToUnixMicros(clock_.Now()) + ++listings_);
    entry.set_kind(v1::ENTRY_KIND_DIRECTORY);
    entry.set_payload(listed.SerializeAsString());
    std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
    ASSERT_TRUE(directory_->ApplyRemote(*txn, entry).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // Milan's receipts, as milan's node holds them (on the same store: the tests that use it
  // make no booking at paris).
  ReceiptBook& Milan() {
    if (milan_ == nullptr) {
      milan_ =
          std::make_unique<ReceiptBook>("milan", store_.get(), members_.get(), directory_.get());
    }
    return *milan_;
  }

  // Milan keeps `receipt` read from `venue`'s feed (the next row of it); returns how many
  // receipts it skipped (0 or 1).
  int FeedToMilan(const std::string& venue, const v1::Booking& receipt) {
    v1::PullReceiptsResponse page;
    page.set_feed_incarnation(1);
    v1::FeedReceipt* row = page.add_receipts();
    row->set_seq(++fed_[venue]);
    *row->mutable_receipt() = receipt;
    return Milan().AcceptFeed(venue, page).value();
  }

  std::unique_ptr<ReceiptBook> milan_;
  std::map<std::string, uint64_t> fed_;
  int64_t listings_ = 0;

  // A receipt of a booking the visitor holds at another venue ("rome") on `day`, at milan.
  bool RemoteVisit(const std::string& member_id, absl::CivilDay day) {
    return FeedToMilan("rome", BookingToProto(RomeVisit(member_id, day), "Europe/Rome")) == 0;
  }

  // A morning booking of `member_id` at rome on `day`, as rome writes it.
  static domain::Booking RomeVisit(const std::string& member_id, absl::CivilDay day,
                                   const std::string& unique = "00000000000000aa") {
    domain::Booking booking;
    booking.booking_id = domain::MakeBookingId("rome", unique);
    booking.site_id = "rome";
    booking.space_id = "desks";
    booking.member_id = member_id;
    booking.home_site_id = "milan";
    booking.seats = 1;
    booking.local_start = absl::CivilMinute(day.year(), day.month(), day.day(), 9, 0);
    booking.local_end = absl::CivilMinute(day.year(), day.month(), day.day(), 13, 0);
    booking.start = absl::FromCivil(booking.local_start, kParis);
    booking.end = absl::FromCivil(booking.local_end, kParis);
    booking.slots.push_back({{day, 0}, "morning", booking.start, booking.end});
    booking.price_minor = 2000;
    booking.currency_code = "EUR";
    booking.create_time = booking.update_time = kNow;
    return booking;
  }

  domain::BookingRequest Morning(const std::string& member, absl::CivilDay day,
                                 const std::string& key) {
    return Request(member, "coworking", absl::CivilMinute(day.year(), day.month(), day.day(), 9, 0),
                   absl::CivilMinute(day.year(), day.month(), day.day(), 13, 0), 1, key);
  }
};

TEST_F(VisitorLedgerTest, EveryChangeQueuesAReceiptThatSurvivesARestartUntilPublished) {
  const std::string visitor = Visitor("milan-0000000000000001");
  domain::Booking booking = ledger_->Create(Morning(visitor, kWednesday, "k")).value();
  EXPECT_EQ(booking.home_site_id, "milan");
  v1::Booking receipt = receipts_->Get(booking.booking_id).value();
  EXPECT_EQ(receipt.home_site_id(), "milan");
  EXPECT_EQ(receipt.time_zone(), "Europe/Paris");
  ASSERT_TRUE(ledger_->Cancel(booking.booking_id, kDesk).ok());

  // A local member's booking is queued for no one.
  ASSERT_TRUE(ledger_->Create(Morning(NewMember(), kWednesday, "local")).ok());

  // A crash before the publisher ran: the queued receipt is still there after reopening.
  Close();
  Open();
  EXPECT_EQ(receipts_->PublishQueued(100).value(), 1);  // Only the latest state.
  EXPECT_EQ(receipts_->PublishQueued(100).value(), 0);
  EXPECT_EQ(receipts_->TakeHomesToNotify(), std::vector<std::string>{"milan"});
  // In milan's feed only.
  const v1::PullReceiptsResponse feed = receipts_->ReadFeed("milan", 7, {}).value();
  EXPECT_EQ(feed.feed_incarnation(), 7u);
  EXPECT_FALSE(feed.more());
  ASSERT_EQ(feed.receipts_size(), 1);
  EXPECT_EQ(feed.receipts(0).receipt().booking_id(), booking.booking_id);
  EXPECT_EQ(feed.receipts(0).receipt().state(), v1::BOOKING_STATE_CANCELLED);
  EXPECT_EQ(receipts_->ReadFeed("paris", 7, {})->receipts_size(), 0);
  EXPECT_EQ(receipts_->ReadFeed("rome", 7, {})->receipts_size(), 0);
}

TEST_F(VisitorLedgerTest, OnlyAVisitorsBookingWakesThePublisher) {
  // A local member's booking queues no receipt, so the publisher is left asleep: under load
  // every wake would be a transaction that finds nothing to move.
  ASSERT_TRUE(ledger_->Create(Morning(NewMember(), kWednesday, "local")).ok());
  EXPECT_EQ(receipts_->WaitForQueued(0, absl::ZeroDuration()), 0u);
  EXPECT_EQ(receipts_->PublishNotified(100).value(), 0);

  const std::string visitor = Visitor("milan-0000000000000001");
  const domain::Booking booking = ledger_->Create(Morning(visitor, kWednesday, "visit")).value();
  EXPECT_EQ(receipts_->WaitForQueued(0, absl::ZeroDuration()), 1u);
  ASSERT_TRUE(ledger_->Cancel(booking.booking_id, kDesk).ok());
  EXPECT_EQ(receipts_->WaitForQueued(0, absl::ZeroDuration()), 2u);
  EXPECT_EQ(receipts_->PublishNotified(100).value(), 1);  // The latest state, once.
}

TEST_F(VisitorLedgerTest, OnlyVisitsAreIndexedForTheVenuesVisitorsAndTheSettlement) {
  const domain::Booking local = ledger_->Create(Morning(NewMember(), kWednesday, "local")).value();
  const std::string visitor = Visitor("milan-0000000000000005");
  const domain::Booking visit = ledger_->Create(Morning(visitor, kWednesday, "visit")).value();

  // A member's booking at its home venue is in its itinerary, and in neither index.
  EXPECT_EQ(receipts_->ListByMember(local.member_id, 10, "")->items.size(), 1u);
  for (storage::Table index :
       {storage::Table::kReceiptsBySiteDay, storage::Table::kReceiptsByMonth}) {
    const std::vector<storage::KeyValue> rows = store_->Scan(index, "", 10).value();
    ASSERT_EQ(rows.size(), 1u) << storage::TableName(index);
    EXPECT_EQ(rows[0].value, visit.booking_id);
  }
  const ReceiptBook::Page visitors = receipts_->ListVisitors("paris", kWednesday, 10, "").value();
  ASSERT_EQ(visitors.items.size(), 1u);
  EXPECT_EQ(visitors.items[0].booking_id(), visit.booking_id);
  const std::vector<domain::SettlementLine> lines =
      receipts_->Settlement(absl::CivilMonth(kWednesday)).value();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].home_site_id, "milan");
  EXPECT_EQ(lines[0].visits, 1);
}

TEST_F(VisitorLedgerTest, ACancelAfterTheClockSteppedBackIsTheReceiptEverywhere) {
  const std::string visitor = Visitor("milan-0000000000000041");
  const domain::Booking booking = ledger_->Create(Morning(visitor, kWednesday, "k")).value();
  // The venue restarts on a clock 14 s behind the one that booked.
  clock_.Advance(absl::Seconds(-14));
  ASSERT_TRUE(ledger_->Cancel(booking.booking_id, kDesk).ok());

  // The venue's receipt, and the one its feed gives the home, are the cancel: timed after
  // the booking, which a home holding the confirmed receipt compares with.
  EXPECT_EQ(receipts_->Get(booking.booking_id)->state(), v1::BOOKING_STATE_CANCELLED);
  ASSERT_EQ(receipts_->PublishQueued(100).value(), 1);
  const v1::PullReceiptsResponse feed = receipts_->ReadFeed("milan", 1, {}).value();
  ASSERT_EQ(feed.receipts_size(), 1);
  const v1::Booking& cancelled = feed.receipts(0).receipt();
  EXPECT_EQ(cancelled.state(), v1::BOOKING_STATE_CANCELLED);
  EXPECT_GT(BookingFromProto(cancelled)->update_time, booking.update_time);
}

TEST_F(VisitorLedgerTest, AFeedReadInPagesGivesEveryRowOnceInOrder) {
  const std::string visitor = Visitor("milan-0000000000000040");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(ledger_
                    ->Create(Morning(visitor, testing::NthWeekday(kWednesday, i % 10),
                                     absl::StrCat("k", i)))
                    .ok());
    if (i % 2 == 1) {
      ASSERT_EQ(receipts_->PublishQueued(100).value(), 2);
    }
  }
  std::vector<uint64_t> seqs;
  v1::PullReceiptsRequest request;
  request.set_feed_incarnation(1);
  request.set_page_size(7);
  for (int pages = 1;; ++pages) {
    ASSERT_LE(pages, 4);
    const v1::PullReceiptsResponse page = receipts_->ReadFeed("milan", 1, request).value();
    for (const v1::FeedReceipt& row : page.receipts()) seqs.push_back(row.seq());
    if (!page.more()) break;
    ASSERT_GT(page.receipts_size(), 0);
    request.set_after_seq(page.receipts(page.receipts_size() - 1).seq());
  }
  std::vector<uint64_t> expected(20);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(seqs, expected);
}

TEST_F(VisitorLedgerTest, AFeedCannotCarryAnotherVenuesBookingNorChangeAFixedField) {
  const std::string visitor = Visitor("milan-0000000000000005");
  const domain::Booking booking = RomeVisit(visitor, kWednesday);
  ASSERT_EQ(FeedToMilan("rome", BookingToProto(booking, "Europe/Rome")), 0);
  // Paris's feed claiming rome's booking, even relabelled as its own.
  v1::Booking forged = BookingToProto(booking, "Europe/Rome");
  forged.mutable_price()->set_amount_minor(999999);
  EXPECT_EQ(FeedToMilan("paris", forged), 1);
  forged.set_site_id("paris");
  EXPECT_EQ(FeedToMilan("paris", forged), 1);
  // The venue itself cannot move a booking to another member.
  v1::Booking moved = BookingToProto(booking, "Europe/Rome");
  moved.set_member_id("milan-0000000000000006");
  EXPECT_EQ(FeedToMilan("rome", moved), 1);
  EXPECT_EQ(Milan().Get(booking.booking_id)->price().amount_minor(), booking.price_minor);
  EXPECT_EQ(Milan().Get(booking.booking_id)->member_id(), visitor);
  // The skipped rows moved the cursor on all the same: a bad row never wedges a feed.
  EXPECT_EQ(Milan().FeedCursor("paris")->seq(), 2u);
}

TEST_F(VisitorLedgerTest, ForgedReceiptsAreRejectedAndChangeNothing) {
  const std::string visitor = Visitor("milan-0000000000000007");
  const absl::CivilMonth month(kWednesday);
  ASSERT_TRUE(RemoteVisit(visitor, kWednesday));  // The genuine visit: 2000 EUR.
  struct Forgery {
    const char* what;
    std::function<void(domain::Booking&)> change;
  };
  const std::vector<Forgery> forgeries = {
      {"a home other than the member's (no visit to settle)",
       [](domain::Booking& b) { b.home_site_id = "rome"; }},
      {"a home the member id does not name", [](domain::Booking& b) { b.home_site_id = "paris"; }},
      {"no home", [](domain::Booking& b) { b.home_site_id.clear(); }},
      {"a member of san-francisco billed to san",
       [](domain::Booking& b) {
         b.member_id = "san-francisco-00000000000000aa";
         b.home_site_id = "san";
       }},
      {"a member id naming no home", [](domain::Booking& b) { b.member_id = "milan"; }},
      {"another currency than rome's", [](domain::Booking& b) { b.currency_code = "USD"; }},
      {"a negative amount", [](domain::Booking& b) { b.price_minor = -1; }},
      {"more than one slot can cost",
       [](domain::Booking& b) { b.price_minor = domain::kMaxPricePerSlotMinor + 1; }},
      {"an amount that would overflow the settlement",
       [](domain::Booking& b) { b.price_minor = std::numeric_limits<int64_t>::max() - 1000; }},
      {"no seats", [](domain::Booking& b) { b.seats = 0; }},
      {"more seats than any space holds",
       [](domain::Booking& b) { b.seats = domain::kMaxSeatsPerBooking + 1; }},
      {"no slots", [](domain::Booking& b) { b.slots.clear(); }},
      {"an end before its start", [](domain::Booking& b) { std::swap(b.start, b.end); }},
      {"a span longer than any policy allows",
       [](domain::Booking& b) { b.end = b.start + domain::kMaxBookingSpan + absl::Hours(1); }},
      {"a slot outside the booking",
       [](domain::Booking& b) { b.slots[0].end = b.end + absl::Hours(1); }},
      {"a slot on another day than its times",
       [](domain::Booking& b) { b.slots[0].id.day = kWednesday + 40; }},
  };
  for (size_t i = 0; i < forgeries.size(); ++i) {
    domain::Booking forged = RomeVisit(visitor, kWednesday + 1, absl::StrFormat("%016x", 100 + i));
    forgeries[i].change(forged);
    EXPECT_EQ(FeedToMilan("rome", BookingToProto(forged, "Europe/Rome")), 1) << forgeries[i].what;
    EXPECT_EQ(Milan().Get(forged.booking_id).status().code(), absl::StatusCode::kNotFound)
        << forgeries[i].what;
  }
  // A venue the directory does not list yet: its currency cannot be checked.
  domain::Booking unlisted = RomeVisit(visitor, kWednesday + 1, "00000000000000ff");
  unlisted.booking_id = domain::MakeBookingId("oslo", "00000000000000ff");
  unlisted.site_id = "oslo";
  unlisted.currency_code = "NOK";
  EXPECT_EQ(FeedToMilan("oslo", BookingToProto(unlisted, "Europe/Oslo")), 1);

  // Nothing changed: the itinerary, the visit days and the settlement hold the genuine visit.
  EXPECT_EQ(Milan().ListByMember(visitor, 100, "")->items.size(), 1u);
  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  EXPECT_EQ(Milan().LockVisitDays(*txn, visitor, month).value(), 1);
  txn.reset();
  EXPECT_EQ(Milan().VisitDaysExcept(visitor, month, "paris").value(), 1);
  EXPECT_EQ(Milan().VisitDaysExcept(visitor, month, "rome").value(), 0);
  const std::vector<domain::SettlementLine> lines = Milan().Settlement(month).value();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].host_site_id, "rome");
  EXPECT_EQ(lines[0].home_site_id, "milan");
  EXPECT_EQ(lines[0].visits, 1);
  EXPECT_EQ(lines[0].amount_minor, 2000);
}

TEST_F(VisitorLedgerTest, AFeedPageIsKeptOnceAndAnotherIncarnationsFeedIsReadAgain) {
  const std::string visitor = Visitor("milan-0000000000000008");
  domain::Booking booking = RomeVisit(visitor, kWednesday);
  v1::PullReceiptsResponse page;
  page.set_feed_incarnation(3);
  v1::FeedReceipt* row = page.add_receipts();
  row->set_seq(5);
  *row->mutable_receipt() = BookingToProto(booking, "Europe/Rome");
  ASSERT_EQ(Milan().AcceptFeed("rome", page).value(), 0);
  EXPECT_EQ(Milan().FeedCursor("rome")->feed_incarnation(), 3u);
  EXPECT_EQ(Milan().FeedCursor("rome")->seq(), 5u);

  // The same page again (an answer read twice): row 5 is not taken again, so an older state
  // read late does not undo a newer one.
  booking.state = domain::BookingState::kCancelled;
  booking.update_time += absl::Minutes(1);
  v1::PullReceiptsResponse newer = page;
  newer.mutable_receipts(0)->set_seq(6);
  *newer.mutable_receipts(0)->mutable_receipt() = BookingToProto(booking, "Europe/Rome");
  ASSERT_EQ(Milan().AcceptFeed("rome", newer).value(), 0);
  ASSERT_EQ(Milan().AcceptFeed("rome", page).value(), 0);
  EXPECT_EQ(Milan().Get(booking.booking_id)->state(), v1::BOOKING_STATE_CANCELLED);

  // Rome restored from a backup starts a new feed: milan reads it from its start, and an
  // older state in it changes nothing.
  page.set_feed_incarnation(4);
  page.mutable_receipts(0)->set_seq(1);
  ASSERT_EQ(Milan().AcceptFeed("rome", page).value(), 0);
  EXPECT_EQ(Milan().FeedCursor("rome")->feed_incarnation(), 4u);
  EXPECT_EQ(Milan().FeedCursor("rome")->seq(), 1u);
  EXPECT_EQ(Milan().Get(booking.booking_id)->state(), v1::BOOKING_STATE_CANCELLED);
}

TEST_F(VisitorLedgerTest, AllowanceCountsDistinctVenueDaysAtEveryVenue) {
  allowances_.days["milan"] = 2;
  const std::string visitor = Visitor("milan-0000000000000002");
  const absl::CivilDay thursday = kWednesday + 1;
  const absl::CivilDay friday = kWednesday + 2;
  domain::Booking morning = ledger_->Create(Morning(visitor, kWednesday, "wed-am")).value();
  domain::Booking afternoon =
      ledger_
          ->Create(Request(visitor, "coworking", absl::CivilMinute(2027, 1, 6, 14, 0),
                           absl::CivilMinute(2027, 1, 6, 19, 0), 1, "wed-pm"))
          .value();                                        // The same venue day: no new visit day.
  homes_.days[{visitor, absl::CivilMonth(thursday)}] = 1;  // Milan counts a day at rome.

  absl::StatusOr<domain::Booking> over = ledger_->Create(Morning(visitor, friday, "fri"));
  EXPECT_THAT(over.status(), testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                               HasSubstr("used 2 of the 2 visit days")));
  EXPECT_THAT(over.status().message(), ::testing::HasSubstr("2027-01"));

  // One of two bookings of Wednesday cancelled: the day is still held.
  ASSERT_TRUE(ledger_->Cancel(morning.booking_id, kDesk).ok());
  EXPECT_FALSE(ledger_->Create(Morning(visitor, friday, "fri-2")).ok());
  ASSERT_TRUE(ledger_->Cancel(afternoon.booking_id, kDesk).ok());
  EXPECT_TRUE(ledger_->Create(Morning(visitor, friday, "fri-3")).ok());

  // A local member has no allowance to keep, and its home is not asked.
  allowances_.days["paris"] = 0;
  const int calls = homes_.calls;
  EXPECT_TRUE(ledger_->Create(Morning(NewMember(), friday, "local")).ok());
  EXPECT_EQ(homes_.calls, calls);
}

TEST_F(VisitorLedgerTest, TheCountItsHomeForwardedARequestWithIsUsedAndNoOneElses) {
  allowances_.days["milan"] = 2;
  const std::string visitor = Visitor("milan-0000000000000004");
  const absl::CivilMonth january(kWednesday);
  homes_.days[{visitor, january}] = 0;  // Asked, milan would say: nothing elsewhere.
  domain::BookingRequest from_home = Morning(visitor, kWednesday, "wed");
  from_home.forwarded_by = "milan";
  from_home.home_visit_days = {{january, 1}};
  ASSERT_TRUE(ledger_->Create(from_home).ok());
  EXPECT_EQ(homes_.calls, 0);  // Milan said it as it forwarded: not asked back.

  // Its count binds: one day elsewhere, one here, and the allowance is two.
  from_home = Morning(visitor, kWednesday + 1, "thu");
  from_home.forwarded_by = "milan";
  from_home.home_visit_days = {{january, 1}};
  EXPECT_THAT(ledger_->Create(from_home).status(),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("used 2 of the 2 visit days")));
  EXPECT_EQ(homes_.calls, 0);

  // Another forwarder cannot speak for milan, nor milan without the booking's month: the
  // home is asked, and its answer (nothing elsewhere) lets the booking through.
  domain::BookingRequest from_rome = Morning(visitor, kWednesday + 1, "thu-rome");
  from_rome.forwarded_by = "rome";
  from_rome.home_visit_days = {{january, 0}};
  homes_.days[{visitor, january}] = 1;  // Rome would let the member through; milan not.
  EXPECT_FALSE(ledger_->Create(from_rome).ok());
  EXPECT_EQ(homes_.calls, 1);
  homes_.days[{visitor, january}] = 0;
  domain::BookingRequest other_month = Morning(visitor, kWednesday + 1, "thu-feb");
  other_month.forwarded_by = "milan";
  other_month.home_visit_days = {{january + 1, 5}};
  EXPECT_TRUE(ledger_->Create(other_month).ok());
  EXPECT_EQ(homes_.calls, 2);
}

TEST_F(VisitorLedgerTest, WhileItsHomeIsDownAVisitIsCheckedAgainstTheDaysHeldHere) {
  const std::string visitor = Visitor("milan-0000000000000009");
  allowances_.days["milan"] = 2;
  homes_.days[{visitor, absl::CivilMonth(kWednesday)}] = 5;  // Milan would say: over.
  homes_.down = true;
  // The member is not stranded: one day here, then two.
  ASSERT_TRUE(ledger_->Create(Morning(visitor, kWednesday, "wed")).ok());
  ASSERT_TRUE(ledger_->Create(Morning(visitor, kWednesday + 1, "thu")).ok());
  EXPECT_EQ(homes_.calls, 2);
  // The days held here still count.
  absl::StatusOr<domain::Booking> over = ledger_->Create(Morning(visitor, kWednesday + 2, "fri"));
  EXPECT_THAT(over.status(), testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                               HasSubstr("used 2 of the 2 visit days")));
  // Back up, its count is asked again.
  homes_.down = false;
  homes_.days[{visitor, absl::CivilMonth(kWednesday)}] = 0;
  allowances_.days["milan"] = 3;
  EXPECT_TRUE(ledger_->Create(Morning(visitor, kWednesday + 2, "fri")).ok());
  EXPECT_EQ(homes_.calls, 4);
}

TEST_F(VisitorLedgerTest, ConcurrentVisitsOfOneMemberNeverExceedTheAllowance) {
  allowances_.days["milan"] = 3;
  const std::string visitor = Visitor("milan-0000000000000003");
  std::vector<absl::CivilDay> days;
  for (int i = 0; i < 8; ++i) days.push_back(testing::NthWeekday(kWednesday, i));
  std::atomic<int> booked{0};
  std::latch start(static_cast<std::ptrdiff_t>(days.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < days.size(); ++i) {
    threads.emplace_back([&, i] {
      const domain::BookingRequest request = Morning(visitor, days[i], absl::StrCat("d", i));
      start.arrive_and_wait();
      if (ledger_->Create(request).ok()) ++booked;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(booked.load(), 3);
}

// The no-show sweeper's thread: the ledger's (fake) clock says what is due, the thread only
// paces the calls.
class NoShowSweeperTest : public BookingLedgerTest {
 protected:
  domain::BookingState StateOf(const std::string& booking_id) {
    return ledger_->Get(booking_id).value().state;
  }
};

TEST_F(NoShowSweeperTest, ReleasesEachNoShowOnceItsGraceHasPassedAndNothingElse) {
  const std::string ada = NewMember(1), bob = NewMember(2), cem = NewMember(3);
  const domain::Booking wednesday =
      ledger_->Create(Request(ada, "small", kWedMorning, kWedNoon, 2, "wed")).value();
  const domain::Booking checked_in =
      ledger_->Create(Request(bob, "small", kWedMorning, kWedNoon, 1, "present")).value();
  const absl::CivilMinute thursday_morning(2027, 1, 7, 9, 0);
  const domain::Booking thursday =
      ledger_
          ->Create(Request(cem, "small", thursday_morning, absl::CivilMinute(2027, 1, 7, 13, 0), 1,
                           "thu"))
          .value();

  NoShowSweeper sweeper(ledger_.get(), absl::Milliseconds(5));
  // Wednesday's grace passes; Thursday's booking has not started.
  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 6, 9, 30), kParis));
  ASSERT_TRUE(ledger_->CheckIn(checked_in.booking_id, kDesk).ok());
  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 6, 10, 1), kParis));
  EXPECT_TRUE(testing::WaitFor(
      [&] { return StateOf(wednesday.booking_id) == domain::BookingState::kNoShow; }));
  EXPECT_EQ(StateOf(thursday.booking_id), domain::BookingState::kConfirmed);
  EXPECT_EQ(StateOf(checked_in.booking_id), domain::BookingState::kCheckedIn);

  // The thread goes on sweeping: Thursday's booking is released once its grace passes.
  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 7, 10, 1), kParis));
  EXPECT_TRUE(testing::WaitFor(
      [&] { return StateOf(thursday.booking_id) == domain::BookingState::kNoShow; }));
  EXPECT_EQ(StateOf(checked_in.booking_id), domain::BookingState::kCheckedIn);
}

TEST_F(NoShowSweeperTest, SweepsAtStartAndStopsWithoutWaitingOutItsInterval) {
  const domain::Booking booking =
      ledger_->Create(Request(NewMember(), "small", kWedMorning, kWedNoon, 1, "k")).value();
  clock_.Set(absl::FromCivil(absl::CivilMinute(2027, 1, 6, 10, 1), kParis));
  auto sweeper = std::make_unique<NoShowSweeper>(ledger_.get(), absl::Hours(1));
  EXPECT_TRUE(testing::WaitFor(
      [&] { return StateOf(booking.booking_id) == domain::BookingState::kNoShow; }));
  const absl::Time stopping = absl::Now();
  sweeper.reset();
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(30));
}

// The home sites a publisher told of new receipts; nothing else is called.
class FakeRemote final : public RemoteVenues {
 public:
  absl::StatusOr<v1::Booking> CreateBooking(absl::string_view, absl::string_view,
                                            const v1::CreateBookingRequest&,
                                            const std::map<absl::CivilMonth, int>&,
                                            absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<v1::Booking> CancelBooking(absl::string_view, absl::string_view,
                                            const v1::CancelBookingRequest&, absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(absl::string_view,
                                                              const v1::GetAvailabilityRequest&,
                                                              absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  // An empty page from where the cursor is, unless the link is cut.
  absl::StatusOr<v1::PullReceiptsResponse> PullReceipts(absl::string_view site_id,
                                                        const v1::PullReceiptsRequest& request,
                                                        absl::Time) override {
    absl::MutexLock lock(&mu);
    ++pulls[std::string(site_id)];
    if (pull_refusals > 0) {
      --pull_refusals;
      return absl::UnavailableError("link cut");
    }
    v1::PullReceiptsResponse page;
    page.set_feed_incarnation(request.feed_incarnation());
    return page;
  }
  absl::Status NotifyReceipts(absl::string_view site_id, absl::Time) override {
    absl::MutexLock lock(&mu);
    ++notices[std::string(site_id)];
    if (gone.contains(std::string(site_id))) {
      return absl::NotFoundError(absl::StrCat("no site '", site_id, "' in the directory"));
    }
    if (refusals > 0) {
      --refusals;
      return absl::UnavailableError("down");
    }
    told.insert(std::string(site_id));
    return absl::OkStatus();
  }
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(absl::string_view, absl::string_view,
                                                        const v1::ListBookingsRequest&,
                                                        absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<v1::Booking> GetBooking(absl::string_view, absl::string_view,
                                         const v1::GetBookingRequest&, absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  std::set<std::string> Told() {
    absl::MutexLock lock(&mu);
    return told;
  }

  int Notices(const std::string& home) {
    absl::MutexLock lock(&mu);
    return notices[home];
  }

  int Pulls(const std::string& venue) {
    absl::MutexLock lock(&mu);
    return pulls[venue];
  }

  absl::Mutex mu;
  std::set<std::string> told ABSL_GUARDED_BY(mu);
  std::map<std::string, int> notices ABSL_GUARDED_BY(mu);
  int refusals ABSL_GUARDED_BY(mu) = 0;            // The next notices that fail.
  std::set<std::string> gone ABSL_GUARDED_BY(mu);  // Sites the directory does not list.
  std::map<std::string, int> pulls ABSL_GUARDED_BY(mu);
  int pull_refusals ABSL_GUARDED_BY(mu) = 0;  // The next pulls that fail.
};

// The receipt publisher's thread moves this venue's queued receipts of visitors into their
// home sites' feeds, and tells the homes.
class ReceiptPublisherTest : public VisitorLedgerTest {
 protected:
  // The booking ids of the receipts in milan's feed, and the latest state of `booking_id`.
  std::set<std::string> InMilansFeed(v1::BookingState* latest = nullptr,
                                     const std::string& booking_id = "") {
    std::set<std::string> ids;
    const v1::PullReceiptsResponse feed = receipts_->ReadFeed("milan", 1, {}).value();
    for (const v1::FeedReceipt& row : feed.receipts()) {
      ids.insert(row.receipt().booking_id());
      if (latest != nullptr && row.receipt().booking_id() == booking_id) {
        *latest = row.receipt().state();
      }
    }
    return ids;
  }

  FakeRemote remote_;
  ReceiptNotifier notifier_{&remote_, {}};
};

TEST_F(ReceiptPublisherTest, PublishesWhatACrashLeftQueuedAtStart) {
  std::set<std::string> booked;
  for (int i = 0; i < 3; ++i) {
    const std::string visitor = Visitor(absl::StrFormat("milan-%016x", 0x20 + i));
    booked.insert(
        ledger_->Create(Morning(visitor, kWednesday, absl::StrCat("k", i))).value().booking_id);
  }
  // No publisher ran before the "crash": the receipts are queued, none is in a feed.
  Close();
  Open();
  ASSERT_TRUE(InMilansFeed().empty());

  {
    ReceiptPublisher publisher(receipts_.get(), &notifier_);
    EXPECT_TRUE(testing::WaitFor([&] { return InMilansFeed() == booked; }));
    EXPECT_TRUE(testing::WaitFor([&] { return remote_.Told() == std::set<std::string>{"milan"}; }));
  }
  EXPECT_EQ(receipts_->PublishQueued(100).value(), 0);  // The outbox is empty.
}

TEST_F(ReceiptPublisherTest, AHomeThatCannotBeToldIsToldAgainAndAfterARestartToo) {
  {
    absl::MutexLock lock(&remote_.mu);
    remote_.refusals = 2;  // Milan is down for two notices.
  }
  ReceiptNotifier notifier(&remote_, {"milan"});
  EXPECT_TRUE(testing::WaitFor([&] { return remote_.Told() == std::set<std::string>{"milan"}; }));
  EXPECT_EQ(remote_.Notices("milan"), 3);
  EXPECT_TRUE(testing::WaitFor([&] { return notifier.Waiting() == 0; }));
  // A home the directory no longer lists is not told again.
  {
    absl::MutexLock lock(&remote_.mu);
    remote_.gone.insert("oslo");
  }
  notifier.Tell({"oslo"});
  EXPECT_TRUE(testing::WaitFor([&] { return notifier.Waiting() == 0; }));
  EXPECT_EQ(remote_.Notices("oslo"), 1);

  // After a restart, the homes whose feeds hold rows are told again.
  const domain::Booking booking =
      ledger_->Create(Morning(Visitor("milan-0000000000000031"), kWednesday, "k")).value();
  ASSERT_EQ(receipts_->PublishQueued(100).value(), 1);
  EXPECT_EQ(receipts_->HomesInFeed().value(), std::vector<std::string>{"milan"});
  ASSERT_TRUE(ledger_->Create(Morning(Visitor("rome-0000000000000032"), kWednesday, "r")).ok());
  ASSERT_EQ(receipts_->PublishQueued(100).value(), 1);
  EXPECT_EQ(receipts_->HomesInFeed().value(), (std::vector<std::string>{"milan", "rome"}));
  EXPECT_FALSE(booking.booking_id.empty());
}

TEST_F(ReceiptPublisherTest, PublishesTheReceiptOfEachChangeMadeWhileItRuns) {
  ReceiptPublisher publisher(receipts_.get(), &notifier_);
  const domain::Booking booking =
      ledger_->Create(Morning(Visitor("milan-0000000000000030"), kWednesday, "k")).value();
  EXPECT_TRUE(testing::WaitFor(
      [&] { return InMilansFeed() == std::set<std::string>{booking.booking_id}; }));

  // A cancellation is a new row of the same booking, published in turn.
  ASSERT_TRUE(ledger_->Cancel(booking.booking_id, kDesk).ok());
  EXPECT_TRUE(testing::WaitFor([&] {
    v1::BookingState latest = v1::BOOKING_STATE_UNSPECIFIED;
    InMilansFeed(&latest, booking.booking_id);
    return latest == v1::BOOKING_STATE_CANCELLED;
  }));
}

// The fault checker found a home whose pull failed right after a venue's notice was
// delivered (the link was cut between the two): the venue had told it, so told it no more,
// and the home tried again only at its next poll, ten minutes on. A failed pull is now tried
// again after its own backoff.
TEST_F(ReceiptPublisherTest, AFailedPullIsTriedAgainWithoutWaitingForThePoll) {
  ListSite("rome", "EUR", "127.0.0.1:7301");
  {
    absl::MutexLock lock(&remote_.mu);
    remote_.pull_refusals = 2;
  }
  ReceiptPuller puller("milan", &Milan(), &remote_, directory_.get(),
                       {.poll_interval = absl::Minutes(10)});
  EXPECT_TRUE(testing::WaitFor([&] { return remote_.Pulls("rome") >= 3; }, absl::Seconds(20)))
      << remote_.Pulls("rome") << " pulls";
}

}  // namespace
}  // namespace cantine::booking
