#include "services/site/site_catalog.h"

#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/paris.h"
#include "tests/support/temp_dir.h"

namespace cantine::site {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

domain::Space Desks(int seats = 24) {
  domain::Space space;
  space.space_id = "coworking";
  space.display_name = "Co-working desks";
  space.kind = domain::SpaceKind::kDeskPool;
  space.seats = seats;
  space.price_per_slot_minor = 1500;
  return space;
}

SiteCatalog::Seed ParisSeed() {
  SiteCatalog::Seed seed;
  seed.profile = testing::ParisProfile();
  seed.initial_policy = domain::DefaultSitePolicy();
  seed.initial_spaces = {Desks()};
  return seed;
}

class SiteCatalogTest : public ::testing::Test {
 protected:
  std::unique_ptr<storage::RocksStore> OpenStore() {
    return storage::RocksStore::Open({.path = dir_.Sub("db")}).value();
  }
  std::unique_ptr<SiteCatalog> OpenCatalog(storage::Store* store,
                                           const SiteCatalog::Seed& seed = ParisSeed()) {
    absl::StatusOr<std::unique_ptr<SiteCatalog>> catalog = SiteCatalog::Open(store, &clock_, seed);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kStart};
};

TEST_F(SiteCatalogTest, FirstStartSeedsSpacesAndPolicy) {
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get());
  std::vector<domain::Space> spaces = catalog->ListSpaces(false).value();
  ASSERT_EQ(spaces.size(), 1u);
  EXPECT_EQ(spaces[0].space_id, "coworking");
  EXPECT_EQ(spaces[0].site_id, "paris");
  EXPECT_EQ(spaces[0].create_time, kStart);
  EXPECT_EQ(catalog->policy().max_booking_days, 21);
}

TEST_F(SiteCatalogTest, RestartKeepsStoredStateAndIgnoresSeed) {
  {
    std::unique_ptr<storage::RocksStore> store = OpenStore();
    std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get());
    ASSERT_TRUE(catalog->UpdateSpace("coworking", {.seats = 30}).ok());
    domain::SitePolicy policy = domain::DefaultSitePolicy();
    policy.max_booking_days = 14;
    ASSERT_TRUE(catalog->UpdatePolicy(policy).ok());
  }
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  SiteCatalog::Seed seed = ParisSeed();
  seed.initial_spaces.push_back(Desks());  // A seed is never re-applied, even a bad one.
  seed.initial_spaces.back().space_id = "other";
  seed.profile.display_name = "La Cantine du Sentier";
  std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get(), seed);
  EXPECT_EQ(catalog->GetSpace("coworking")->seats, 30);
  EXPECT_EQ(catalog->GetSpace("other").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog->policy().max_booking_days, 14);
  EXPECT_EQ(catalog->profile().display_name, "La Cantine du Sentier");
}

TEST_F(SiteCatalogTest, AnUpdateExpectingAPolicyThatChangedSinceIsAbortedAndChangesNothing) {
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get());
  const domain::SitePolicy read = catalog->policy();
  domain::SitePolicy other = read;  // Another manager's change lands first.
  other.max_booking_days = 14;
  ASSERT_TRUE(catalog->UpdatePolicy(other, read).ok());
  domain::SitePolicy mine = read;
  mine.member_visit_days_per_month = 10;
  EXPECT_EQ(catalog->UpdatePolicy(mine, read).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(catalog->policy().max_booking_days, 14);
  EXPECT_FALSE(catalog->policy().member_visit_days_per_month.has_value());
  mine = catalog->policy();  // Read again, retry.
  mine.member_visit_days_per_month = 10;
  EXPECT_TRUE(catalog->UpdatePolicy(mine, catalog->policy()).ok());
  EXPECT_EQ(catalog->policy().max_booking_days, 14);
  EXPECT_EQ(catalog->policy().member_visit_days_per_month, 10);
}

TEST_F(SiteCatalogTest, DataFolderOfAnotherSiteIsRefused) {
  {
    std::unique_ptr<storage::RocksStore> store = OpenStore();
    OpenCatalog(store.get());
  }
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  SiteCatalog::Seed seed = ParisSeed();
  seed.profile.site_id = "milan";
  absl::StatusOr<std::unique_ptr<SiteCatalog>> catalog =
      SiteCatalog::Open(store.get(), &clock_, seed);
  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SiteCatalogTest, InvalidSeedWritesNothing) {
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  SiteCatalog::Seed seed = ParisSeed();
  seed.initial_spaces.push_back(Desks());  // Duplicate id.
  EXPECT_EQ(SiteCatalog::Open(store.get(), &clock_, seed).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->Scan(storage::Table::kSpaces, "", 10)->empty());
  EXPECT_TRUE(store->Scan(storage::Table::kMeta, "", 10)->empty());
}

TEST_F(SiteCatalogTest, CreateUpdateRetireLifecycle) {
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get());

  domain::Space room = Desks();
  room.space_id = "meeting-room";
  room.kind = domain::SpaceKind::kMeetingRoom;
  room.seats = 8;
  room.price_per_slot_minor = 8000;
  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<domain::Space> created = catalog->CreateSpace(room);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->create_time, kStart + absl::Minutes(5));
  EXPECT_EQ(catalog->CreateSpace(room).status().code(), absl::StatusCode::kAlreadyExists);

  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<domain::Space> updated =
      catalog->UpdateSpace("meeting-room", {.price_per_slot_minor = 9000});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->price_per_slot_minor, 9000);
  EXPECT_EQ(updated->update_time, kStart + absl::Minutes(10));

  ASSERT_TRUE(catalog->RetireSpace("meeting-room").ok());
  EXPECT_TRUE(catalog->RetireSpace("meeting-room").ok());  // Harmless twice.
  EXPECT_EQ(catalog->UpdateSpace("meeting-room", {.seats = 4}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(catalog->ListSpaces(false)->size(), 1u);
  EXPECT_EQ(catalog->ListSpaces(true)->size(), 2u);
  EXPECT_EQ(catalog->CreateSpace(room).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(catalog->RetireSpace("nowhere").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SiteCatalogTest, InvalidWritesChangeNothing) {
  std::unique_ptr<storage::RocksStore> store = OpenStore();
  std::unique_ptr<SiteCatalog> catalog = OpenCatalog(store.get());
  EXPECT_EQ(catalog->UpdateSpace("coworking", {.seats = -2}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->GetSpace("coworking")->seats, 24);

  domain::SitePolicy bad = domain::DefaultSitePolicy();
  bad.opens_at = absl::Hours(20);
  EXPECT_EQ(catalog->UpdatePolicy(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->policy().opens_at, absl::Hours(9));

  domain::Space bad_space = Desks();
  bad_space.space_id = "x y";
  EXPECT_EQ(catalog->CreateSpace(bad_space).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->ListSpaces(true)->size(), 1u);
}

}  // namespace
}  // namespace cantine::site
