#include "storage/rocks_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine::storage {
namespace {

std::unique_ptr<RocksStore> OpenOrDie(const RocksStoreOptions& options) {
  absl::StatusOr<std::unique_ptr<RocksStore>> store = RocksStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}
std::unique_ptr<RocksStore> OpenOrDie(const std::string& path) {
  return OpenOrDie(RocksStoreOptions{.path = path});
}

TEST(RocksStoreTest, CommittedWritesSurviveCloseAndReopen) {
  testing::TempDir dir;
  {
    std::unique_ptr<RocksStore> store = OpenOrDie(dir.path());
    std::unique_ptr<Transaction> txn = store->BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kSpaces, "desks", "24 seats").ok());
    ASSERT_TRUE(txn->Put(Table::kMeta, "site", "paris").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::unique_ptr<RocksStore> store = OpenOrDie(dir.path());
  EXPECT_EQ(store->Get(Table::kSpaces, "desks").value(), "24 seats");
  EXPECT_EQ(store->Get(Table::kMeta, "site").value(), "paris");
  // Tables are separate column families: the same key in another table is absent.
  EXPECT_FALSE(store->Get(Table::kMeta, "desks").value().has_value());
}

TEST(RocksStoreTest, UncommittedTransactionLeavesNothing) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = OpenOrDie(dir.path());
  {
    std::unique_ptr<Transaction> txn = store->BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kSpaces, "desks", "x").ok());
    EXPECT_EQ(txn->Get(Table::kSpaces, "desks").value(), "x");  // Reads its own writes.
    EXPECT_FALSE(store->Get(Table::kSpaces, "desks").value().has_value());
  }
  EXPECT_FALSE(store->Get(Table::kSpaces, "desks").value().has_value());
}

TEST(RocksStoreTest, ScanReturnsPrefixInKeyOrderAndPages) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = OpenOrDie(dir.path());
  std::unique_ptr<Transaction> txn = store->BeginTransaction();
  for (uint64_t i : {5, 1, 3, 2, 4}) {
    ASSERT_TRUE(txn->Put(Table::kSpaces, KeyBuilder().AddString("a").AddUint64(i).Build(),
                         std::to_string(i))
                    .ok());
  }
  ASSERT_TRUE(txn->Put(Table::kSpaces, KeyBuilder().AddString("b").AddUint64(0).Build(), "b").ok());
  ASSERT_TRUE(txn->Commit().ok());

  const std::string prefix = KeyBuilder().AddString("a").Build();
  std::vector<KeyValue> page = store->Scan(Table::kSpaces, prefix, 3).value();
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].value, "1");
  EXPECT_EQ(page[2].value, "3");
  std::vector<KeyValue> rest = store->Scan(Table::kSpaces, prefix, 10, page.back().key).value();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].value, "4");
  EXPECT_EQ(rest[1].value, "5");
}

TEST(RocksStoreTest, GetForUpdateBlocksAConflictingTransaction) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store =
      OpenOrDie(RocksStoreOptions{.path = dir.path(), .lock_timeout = absl::Milliseconds(50)});
  ASSERT_NE(store, nullptr);

  std::unique_ptr<Transaction> first = store->BeginTransaction();
  ASSERT_TRUE(first->GetForUpdate(Table::kSpaces, "counter").ok());
  std::unique_ptr<Transaction> second = store->BeginTransaction();
  EXPECT_EQ(second->GetForUpdate(Table::kSpaces, "counter").status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(first->Put(Table::kSpaces, "counter", "1").ok());
  ASSERT_TRUE(first->Commit().ok());
  second.reset();

  std::unique_ptr<Transaction> third = store->BeginTransaction();
  EXPECT_EQ(third->GetForUpdate(Table::kSpaces, "counter").value(), "1");
}

TEST(RocksStoreTest, AnUnreadPutIsCommittedLockedAndRolledBackAsAnyWrite) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store =
      OpenOrDie(RocksStoreOptions{.path = dir.path(), .lock_timeout = absl::Milliseconds(50)});
  ASSERT_NE(store, nullptr);

  std::unique_ptr<Transaction> txn = store->BeginTransaction();
  ASSERT_TRUE(txn->PutUnread(Table::kOplog, "kept", "1").ok());
  txn->SetSavePoint();
  ASSERT_TRUE(txn->PutUnread(Table::kOplog, "rolled back", "2").ok());
  ASSERT_TRUE(txn->RollbackToSavePoint().ok());
  // Locked until the commit, as a Put's key is.
  std::unique_ptr<Transaction> other = store->BeginTransaction();
  EXPECT_EQ(other->GetForUpdate(Table::kOplog, "kept").status().code(), absl::StatusCode::kAborted);
  other.reset();
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(store->Get(Table::kOplog, "kept").value(), "1");
  EXPECT_EQ(store->Get(Table::kOplog, "rolled back").value(), std::nullopt);

  std::unique_ptr<Transaction> abandoned = store->BeginTransaction();
  ASSERT_TRUE(abandoned->PutUnread(Table::kOplog, "abandoned", "3").ok());
  abandoned.reset();
  EXPECT_EQ(store->Get(Table::kOplog, "abandoned").value(), std::nullopt);
}

TEST(RocksStoreTest, SecondOpenOfTheSameFolderIsRefusedWithTheFolderNamed) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = OpenOrDie(dir.path());
  absl::StatusOr<std::unique_ptr<RocksStore>> second = RocksStore::Open({.path = dir.path()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(dir.path()), absl::string_view::npos);
}

TEST(RocksStoreTest, UnwritableFolderIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  testing::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0500), 0);
  absl::StatusOr<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = dir.Sub("db")});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  ::chmod(dir.path().c_str(), 0700);
}

TEST(RocksStoreTest, FolderUnderAFileIsRefused) {
  testing::TempDir dir;
  FILE* file = std::fopen(dir.Sub("plain-file").c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fclose(file);
  absl::StatusOr<std::unique_ptr<RocksStore>> store =
      RocksStore::Open({.path = dir.Sub("plain-file/db")});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

// The byte figures of `table`.
TableSize SizeOf(const RocksStore& store, Table table) {
  return store.TableSizes()[static_cast<size_t>(table)];
}

TEST(RocksStoreTest, OnlyTheTablesEveryBookingWritesKeepLargeMemtables) {
  testing::TempDir dir;
  constexpr size_t kSmallMemtable = 1 << 20;
  absl::StatusOr<std::unique_ptr<RocksStore>> opened =
      RocksStore::Open({.path = dir.path(), .small_memtable_bytes = kSmallMemtable});
  ASSERT_TRUE(opened.ok()) << opened.status();
  RocksStore& store = **opened;

  // 3 MB into a table every booking writes and into one that replication fills, 64 KB a
  // commit.
  const std::string value(1024, 'x');
  for (int batch = 0; batch < 48; ++batch) {
    std::unique_ptr<Transaction> txn = store.BeginTransaction();
    for (int i = 0; i < 64; ++i) {
      const std::string key = absl::StrCat("key-", batch * 64 + i);
      ASSERT_TRUE(txn->Put(Table::kMembers, key, value).ok());
      ASSERT_TRUE(txn->Put(Table::kBookings, key, value).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }

  // The members' memtable was flushed to table files as it filled (RocksDB flushes in the
  // background); the bookings' holds all 3 MB.
  EXPECT_TRUE(testing::WaitFor([&] {
    const TableSize members = SizeOf(store, Table::kMembers);
    return members.sst_bytes > 0 && members.memtable_bytes < 2 * kSmallMemtable;
  })) << "members: memtable "
      << SizeOf(store, Table::kMembers).memtable_bytes << " bytes";
  const TableSize bookings = SizeOf(store, Table::kBookings);
  EXPECT_EQ(bookings.sst_bytes, 0u);
  EXPECT_GE(bookings.memtable_bytes, 3u << 20);
  // Flushed or not, every record reads back.
  EXPECT_EQ(store.Get(Table::kMembers, "key-0").value(), value);
  EXPECT_EQ(store.Get(Table::kBookings, "key-3071").value(), value);
}

TEST(RocksStoreTest, IndexAndFilterBlocksOfTableFilesStayInTheBlockCache) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<RocksStore>> opened = RocksStore::Open({.path = dir.path()});
  ASSERT_TRUE(opened.ok()) << opened.status();
  RocksStore& store = **opened;

  // 8 MB of member records in table files: held whole, their index and filter blocks would
  // take about 100 KB outside the block cache. Random bytes, so compression keeps them large.
  std::mt19937_64 random(14);
  std::string value(200, '\0');
  for (int batch = 0; batch < 40; ++batch) {
    std::unique_ptr<Transaction> txn = store.BeginTransaction();
    for (int i = 0; i < 1000; ++i) {
      for (char& c : value) c = static_cast<char>(random());
      ASSERT_TRUE(txn->Put(Table::kMembers, absl::StrCat("member-", batch * 1000 + i), value).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  ASSERT_TRUE(store.Compact().ok());

  const TableSize members = SizeOf(store, Table::kMembers);
  EXPECT_GE(members.sst_bytes, 4u << 20);
  EXPECT_LT(members.table_reader_bytes, 8u << 10) << members.sst_bytes;
  // Lookups find every record through the cached partitions, and miss what is not there.
  EXPECT_TRUE(store.Get(Table::kMembers, "member-0").value().has_value());
  EXPECT_EQ(store.Get(Table::kMembers, "member-39999").value(), value);
  EXPECT_EQ(store.Get(Table::kMembers, "member-40000").value(), std::nullopt);
}

// The bytes of the write-ahead logs in `folder`.
uint64_t WalBytes(const std::string& folder) {
  uint64_t bytes = 0;
  for (const auto& file : std::filesystem::directory_iterator(folder)) {
    if (file.path().extension() == ".log") bytes += file.file_size();
  }
  return bytes;
}

TEST(RocksStoreTest, ATableWrittenALittleAtEveryCommitDoesNotKeepTheLogsAlive) {
  testing::TempDir dir;
  constexpr size_t kMaxWal = 4 << 20;
  absl::StatusOr<std::unique_ptr<RocksStore>> opened = RocksStore::Open(
      {.path = dir.path(), .small_memtable_bytes = 1 << 20, .max_wal_bytes = kMaxWal});
  ASSERT_TRUE(opened.ok()) << opened.status();
  RocksStore& store = **opened;

  // As a replay writes: 24 MB of records into a table whose memtable fills and flushes every
  // megabyte, and with each commit one small record into the version vector, whose memtable
  // would take thousands of commits to fill.
  const std::string value(1024, 'x');
  for (int batch = 0; batch < 384; ++batch) {
    std::unique_ptr<Transaction> txn = store.BeginTransaction();
    for (int i = 0; i < 64; ++i) {
      ASSERT_TRUE(txn->Put(Table::kMembers, absl::StrCat("key-", batch * 64 + i), value).ok());
    }
    ASSERT_TRUE(txn->Put(Table::kVersionVector, "origin", absl::StrCat(batch)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // Past the bound, the version vector is flushed too and the logs before it deleted.
  EXPECT_TRUE(testing::WaitFor([&] { return WalBytes(dir.path()) < 2 * kMaxWal; }))
      << WalBytes(dir.path()) << " bytes of logs";
  EXPECT_EQ(store.Get(Table::kVersionVector, "origin").value(), "383");
  EXPECT_EQ(store.Get(Table::kMembers, "key-0").value(), value);
}

}  // namespace
}  // namespace cantine::storage
