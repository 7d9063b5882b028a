#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/replication/entry_signing.h"
#include "storage/backup.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"
#include "tests/support/fake_clock.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace cantine::storage {
namespace {

using ::cantine::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

// One site's store and oplog over a data folder, closed on destruction.
struct Database {
  Database(const std::string& path, const std::string& site_id, testing::FakeClock* clock,
           const replication::KeySigner* signer)
      : hlc(clock, absl::Minutes(5)),
        store(RocksStore::Open({.path = path}).value()),
        oplog(Oplog::Open(store.get(), clock, &hlc, signer, site_id).value()) {}

  // Writes `value` under `key` with an entry of this site.
  v1::OplogEntry Write(const std::string& key, const std::string& value) {
    return oplog
        ->CommitLocal([&](Transaction& txn, HybridTime) -> absl::StatusOr<LocalEntry> {
          RETURN_IF_ERROR(txn.Put(Table::kEvents, key, value));
          return LocalEntry(v1::ENTRY_KIND_EVENT, value);
        })
        .value();
  }
  std::optional<std::string> Read(const std::string& key) {
    return store->Get(Table::kEvents, key).value();
  }
  // The head this database holds of `origin`; 0 when none.
  uint64_t HeadOf(const v1::Origin& origin) const {
    for (const v1::VersionVectorEntry& entry : oplog->Vector()) {
      if (entry.origin().site_id() == origin.site_id() &&
          entry.origin().incarnation() == origin.incarnation()) {
        return entry.seq();
      }
    }
    return 0;
  }

  HybridClock hlc;
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<Oplog> oplog;
};

class RocksBackupTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenPrimary() { return Open(dir_.Sub("paris")); }
  std::unique_ptr<Database> Open(const std::string& path) {
    return std::make_unique<Database>(path, "paris", &clock_, &signer_);
  }
  std::unique_ptr<RocksBackups> Backups(RocksStore* store, uint32_t keep = 7) {
    return RocksBackups::Open(store,
                              {.folder = dir_.Sub("backups"), .keep = keep, .site_id = "paris"})
        .value();
  }
  RestoreOptions Restore(std::optional<uint32_t> id, const std::string& into) {
    return {.backup_folder = dir_.Sub("backups"),
            .backup_id = id,
            .data_folder = dir_.Sub(into),
            .site_id = "paris"};
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kStart};
  auth::Ed25519PrivateKey key_ = auth::Ed25519PrivateKey::Generate();
  replication::KeySigner signer_{key_};
};

TEST_F(RocksBackupTest, RestoresWhatTheBackupHeldAsANewIncarnationKeepingTheOldOneAsAnOrigin) {
  auto primary = OpenPrimary();
  primary->Write("a", "before");
  const v1::Origin first = primary->oplog->self();
  auto backups = Backups(primary->store.get());
  const absl::StatusOr<BackupInfo> backup = backups->Create();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->backup_id, 1u);
  EXPECT_EQ(backup->site_id, "paris");
  EXPECT_GT(backup->size_bytes, 0u);
  EXPECT_GT(backup->file_count, 0u);
  primary->Write("b", "after the backup");  // Written after: the restore cannot have it.
  backups.reset();
  primary.reset();

  clock_.Advance(absl::Hours(1));
  const absl::StatusOr<BackupInfo> restored = RestoreBackup(Restore(std::nullopt, "restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(*restored, *backup);

  auto copy = Open(dir_.Sub("restored"));
  EXPECT_EQ(copy->Read("a"), "before");
  EXPECT_EQ(copy->Read("b"), std::nullopt);
  const v1::Origin second = copy->oplog->self();
  EXPECT_EQ(second.site_id(), "paris");
  EXPECT_GT(second.incarnation(), first.incarnation());
  // The old incarnation stays as an origin, up to what the backup held: its later entries
  // come back from peers, each under its own (origin, seq).
  EXPECT_EQ(copy->HeadOf(first), 1u);
  const v1::OplogEntry next = copy->Write("c", "restored node's first write");
  EXPECT_EQ(next.origin().incarnation(), second.incarnation());
  EXPECT_EQ(next.seq(), 1u);
  EXPECT_GE(next.hlc().wall_micros(), absl::ToUnixMicros(clock_.Now()));

  // A reopened restored database keeps its new incarnation.
  copy.reset();
  EXPECT_EQ(Open(dir_.Sub("restored"))->oplog->self().incarnation(), second.incarnation());
}

TEST_F(RocksBackupTest, NewIncarnationFollowsEveryEarlierOneEvenWhenTheClockIsBehind) {
  auto primary = OpenPrimary();
  primary->Write("a", "1");
  const uint64_t first = primary->oplog->self().incarnation();
  ASSERT_TRUE(Backups(primary->store.get())->Create().ok());
  primary.reset();

  clock_.Set(kStart - absl::Hours(24));  // A machine whose clock was set back.
  ASSERT_TRUE(RestoreBackup(Restore(std::nullopt, "restored")).ok());
  EXPECT_GT(Open(dir_.Sub("restored"))->oplog->self().incarnation(), first);
}

TEST_F(RocksBackupTest, KeepsTheLatestBackupsAndRestoresAnyOfThemById) {
  auto primary = OpenPrimary();
  auto backups = Backups(primary->store.get(), /*keep=*/2);
  for (int i = 1; i <= 3; ++i) {
    primary->Write("k", absl::StrCat("v", i));
    ASSERT_TRUE(backups->Create().ok());
  }
  const absl::StatusOr<std::vector<BackupInfo>> kept = backups->List();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_THAT(*kept,
              ElementsAre(Field(&BackupInfo::backup_id, 2u), Field(&BackupInfo::backup_id, 3u)));
  backups.reset();
  primary.reset();

  ASSERT_TRUE(RestoreBackup(Restore(2, "two")).ok());
  EXPECT_EQ(Open(dir_.Sub("two"))->Read("k"), "v2");
  ASSERT_TRUE(RestoreBackup(Restore(std::nullopt, "latest")).ok());
  EXPECT_EQ(Open(dir_.Sub("latest"))->Read("k"), "v3");
}

TEST_F(RocksBackupTest, BacksUpAConsistentStateWhileWritesGoOn) {
  auto primary = OpenPrimary();
  auto backups = Backups(primary->store.get());
  std::atomic<bool> stop = false;
  std::atomic<int> written = 0;
  std::thread writer([&] {
    while (!stop) {
      const int n = written + 1;
      primary->Write(absl::StrCat("key-", n), absl::StrCat(n));
      written = n;
    }
  });
  while (written < 20) std::this_thread::yield();
  const absl::StatusOr<BackupInfo> backup = backups->Create();
  const int after = written;
  while (written < after + 20) std::this_thread::yield();
  stop = true;
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  backups.reset();
  primary.reset();

  ASSERT_TRUE(RestoreBackup(Restore(std::nullopt, "restored")).ok());
  auto copy = Open(dir_.Sub("restored"));
  // A prefix of the writes, each whole: its record and its entry together.
  uint64_t held = 0;
  for (const v1::VersionVectorEntry& entry : copy->oplog->Vector()) {
    if (entry.origin().incarnation() != copy->oplog->self().incarnation()) held = entry.seq();
  }
  ASSERT_GE(held, 20u);
  EXPECT_LE(held, static_cast<uint64_t>(after));
  for (uint64_t n = 1; n <= held; ++n) {
    EXPECT_EQ(copy->Read(absl::StrCat("key-", n)), absl::StrCat(n)) << n;
  }
  EXPECT_EQ(copy->Read(absl::StrCat("key-", held + 1)), std::nullopt);
}

TEST_F(RocksBackupTest, RefusesBadRestoresChangingNothing) {
  EXPECT_THAT(RestoreBackup(Restore(std::nullopt, "restored")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("backups")));
  {
    auto primary = OpenPrimary();
    primary->Write("a", "1");
    ASSERT_TRUE(Backups(primary->store.get())->Create().ok());
  }

  EXPECT_THAT(RestoreBackup(Restore(99, "restored")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("backup_id 99")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("restored")));

  RestoreOptions other_site = Restore(std::nullopt, "restored");
  other_site.site_id = "milan";
  EXPECT_THAT(RestoreBackup(other_site).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("of site 'paris'")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("restored")));

  // Never over a database: the primary's own folder is not empty.
  EXPECT_THAT(RestoreBackup(Restore(std::nullopt, "paris")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not empty")));
  EXPECT_EQ(OpenPrimary()->Read("a"), "1");

  // An empty folder is fine, and ends up the owner's only.
  ASSERT_EQ(::mkdir(dir_.Sub("empty").c_str(), 0755), 0);
  ASSERT_TRUE(RestoreBackup(Restore(std::nullopt, "empty")).ok());
  struct stat info;
  ASSERT_EQ(::stat(dir_.Sub("empty").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("empty.restoring")));
}

TEST_F(RocksBackupTest, RefusesARestoreBeyondTheIncarnationBound) {
  // Each restore of a backup adds an incarnation; the bound peers hold is reached.
  std::string from = "paris";
  for (size_t i = 1; i < Oplog::kMaxIncarnationsPerSite; ++i) {
    {
      auto db = Open(dir_.Sub(from));
      db->Write("k", absl::StrCat(i));
      ASSERT_TRUE(Backups(db->store.get())->Create().ok());
    }
    from = absl::StrCat("restored-", i);
    ASSERT_TRUE(RestoreBackup(Restore(std::nullopt, from)).ok()) << i;
  }
  {
    auto db = Open(dir_.Sub(from));
    db->Write("k", "last");
    ASSERT_TRUE(Backups(db->store.get())->Create().ok());
  }
  EXPECT_THAT(RestoreBackup(Restore(std::nullopt, "one-too-many")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("incarnations")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("one-too-many")));
}

}  // namespace
}  // namespace cantine::storage
