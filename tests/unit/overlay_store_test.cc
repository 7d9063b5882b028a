// The overlay store (storage/overlay_store.h) and the bulk load under it: reads merge the
// overlay with the base, rollbacks undo, and a flush lands every table at once, durably.

#include "storage/overlay_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "tests/support/temp_dir.h"

namespace cantine::storage {
namespace {

void Commit(Store& store, Table table, const std::vector<std::pair<std::string, std::string>>& kv) {
  std::unique_ptr<Transaction> txn = store.BeginTransaction();
  for (const auto& [key, value] : kv) ASSERT_TRUE(txn->Put(table, key, value).ok());
  ASSERT_TRUE(txn->Commit().ok());
}

std::vector<std::string> Keys(const std::vector<KeyValue>& rows) {
  std::vector<std::string> keys;
  for (const KeyValue& row : rows) keys.push_back(row.key + "=" + row.value);
  return keys;
}

TEST(OverlayStoreTest, ReadsMergeTheOverlayOverTheBase) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  Commit(*base, Table::kMembers, {{"m1", "base"}, {"m3", "base"}, {"m5", "base"}, {"x", "base"}});
  OverlayStore overlay(base.get());
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kMembers, "m2", "held").ok());
    ASSERT_TRUE(txn->Put(Table::kMembers, "m3", "held").ok());
    ASSERT_TRUE(txn->Delete(Table::kMembers, "m5").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(overlay.Get(Table::kMembers, "m1").value(), "base");
  EXPECT_EQ(overlay.Get(Table::kMembers, "m3").value(), "held");
  EXPECT_FALSE(overlay.Get(Table::kMembers, "m5").value().has_value());
  EXPECT_EQ(Keys(overlay.Scan(Table::kMembers, "m", 10).value()),
            (std::vector<std::string>{"m1=base", "m2=held", "m3=held"}));
  // Paged: a page of one at a time, after the last key seen.
  std::vector<std::string> paged;
  std::string after;
  for (;;) {
    const std::vector<KeyValue> page = overlay.Scan(Table::kMembers, "m", 1, after).value();
    if (page.empty()) break;
    paged.push_back(page[0].key);
    after = page[0].key;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"m1", "m2", "m3"}));
  // Nothing reached the base.
  EXPECT_FALSE(base->Get(Table::kMembers, "m2").value().has_value());
  EXPECT_EQ(base->Get(Table::kMembers, "m5").value(), "base");
}

TEST(OverlayStoreTest, AScanSkipsManyHiddenBaseKeysAcrossPages) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  std::vector<std::pair<std::string, std::string>> rows;
  for (char c = 'a'; c <= 'z'; ++c) rows.push_back({std::string("k") + c, "base"});
  Commit(*base, Table::kEvents, rows);
  OverlayStore overlay(base.get());
  std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
  for (char c = 'a'; c < 'y'; ++c)
    ASSERT_TRUE(txn->Delete(Table::kEvents, std::string("k") + c).ok());
  // Within the transaction, before its commit, reads see its writes.
  EXPECT_EQ(Keys(txn->Scan(Table::kEvents, "k", 2).value()),
            (std::vector<std::string>{"ky=base", "kz=base"}));
}

TEST(OverlayStoreTest, RollbacksAndUncommittedTransactionsUndoTheirWrites) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  Commit(*base, Table::kMembers, {{"m1", "base"}});
  OverlayStore overlay(base.get());
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kMembers, "m1", "first").ok());
    txn->SetSavePoint();
    ASSERT_TRUE(txn->Put(Table::kMembers, "m1", "second").ok());
    ASSERT_TRUE(txn->Put(Table::kMembers, "m2", "second").ok());
    ASSERT_TRUE(txn->RollbackToSavePoint().ok());
    EXPECT_EQ(txn->Get(Table::kMembers, "m1").value(), "first");
    EXPECT_FALSE(txn->Get(Table::kMembers, "m2").value().has_value());
    ASSERT_TRUE(txn->Commit().ok());
  }
  const size_t held = overlay.bytes_held();
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Delete(Table::kMembers, "m1").ok());
    ASSERT_TRUE(txn->Put(Table::kMembers, "m9", "lost").ok());
  }  // Destroyed without a commit.
  EXPECT_EQ(overlay.Get(Table::kMembers, "m1").value(), "first");
  EXPECT_FALSE(overlay.Get(Table::kMembers, "m9").value().has_value());
  EXPECT_EQ(overlay.bytes_held(), held);
  // The key order forgets the rows taken out, and takes the ones added since.
  EXPECT_EQ(Keys(overlay.Scan(Table::kMembers, "m", 10).value()),
            (std::vector<std::string>{"m1=first"}));
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kMembers, "m0", "added").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Keys(overlay.Scan(Table::kMembers, "m", 10).value()),
            (std::vector<std::string>{"m0=added", "m1=first"}));
}

TEST(OverlayStoreTest, SmallArenaBlocksHoldLargerValuesAndUndoAcrossBlocks) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  OverlayStore overlay(base.get(), /*arena_block_bytes=*/64);
  const std::string large(1000, 'x');
  Commit(overlay, Table::kMembers, {{"a", "kept"}, {"b", large}});
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(txn->Put(Table::kMembers, absl::StrCat("c", i), std::string(40, 'y')).ok());
    }
  }  // Undone: its rows spanned several blocks.
  Commit(overlay, Table::kMembers, {{"d", std::string(200, 'z')}});
  EXPECT_EQ(Keys(overlay.Scan(Table::kMembers, "", 10).value()),
            (std::vector<std::string>{"a=kept", "b=" + large, "d=" + std::string(200, 'z')}));
  ASSERT_TRUE(overlay.Flush().ok());
  EXPECT_EQ(base->Get(Table::kMembers, "b").value(), large);
}

TEST(OverlayStoreTest, FlushLoadsEveryTableIntoTheBaseDurably) {
  testing::TempDir dir;
  {
    std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
    Commit(*base, Table::kMembers, {{"gone", "base"}, {"kept", "base"}});
    OverlayStore overlay(base.get());
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    // Written out of key order: the flush sorts them.
    for (const std::string key : {"m3", "m1", "m2"}) {
      ASSERT_TRUE(txn->Put(Table::kMembers, key, "v-" + key).ok());
    }
    ASSERT_TRUE(txn->Put(Table::kOplog, "entry", "signed").ok());
    ASSERT_TRUE(txn->Delete(Table::kMembers, "gone").ok());
    EXPECT_EQ(overlay.Flush().code(), absl::StatusCode::kFailedPrecondition);  // Txn open.
    ASSERT_TRUE(txn->Commit().ok());
    txn.reset();
    ASSERT_TRUE(overlay.Flush().ok());
    EXPECT_EQ(overlay.bytes_held(), 0u);
    EXPECT_EQ(base->Get(Table::kMembers, "m2").value(), "v-m2");
  }
  std::unique_ptr<RocksStore> reopened = RocksStore::Open({.path = dir.path()}).value();
  EXPECT_EQ(Keys(reopened->Scan(Table::kMembers, "", 10).value()),
            (std::vector<std::string>{"kept=base", "m1=v-m1", "m2=v-m2", "m3=v-m3"}));
  EXPECT_EQ(reopened->Get(Table::kOplog, "entry").value(), "signed");
}

TEST(OverlayStoreTest, ALoadInTheBackgroundStaysReadableAndLandsBeforeTheNext) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  Commit(*base, Table::kMembers, {{"m0", "base"}});
  OverlayStore overlay(base.get());
  Commit(overlay, Table::kMembers, {{"m2", "first"}, {"m1", "first"}});
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    EXPECT_EQ(overlay.FlushInBackground().code(), absl::StatusCode::kFailedPrecondition);
  }
  const size_t held = overlay.bytes_held();
  ASSERT_TRUE(overlay.FlushInBackground().ok());
  EXPECT_EQ(overlay.bytes_held(), 0u);
  EXPECT_EQ(overlay.bytes_loading(), held);
  // Written over the layer being loaded: reads see the newest, then the loading layer.
  {
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kMembers, "m2", "second").ok());
    ASSERT_TRUE(txn->Delete(Table::kMembers, "m0").ok());
    EXPECT_EQ(txn->Get(Table::kMembers, "m1").value(), "first");
    EXPECT_EQ(txn->Get(Table::kMembers, "m2").value(), "second");
    ASSERT_TRUE(txn->Commit().ok());
  }
  // A scan waits for the load, then reads the base under what the overlay holds.
  EXPECT_EQ(Keys(overlay.Scan(Table::kMembers, "m", 10).value()),
            (std::vector<std::string>{"m1=first", "m2=second"}));
  EXPECT_EQ(base->Get(Table::kMembers, "m2").value(), "first");
  EXPECT_EQ(overlay.bytes_loading(), 0u);
  ASSERT_TRUE(overlay.FlushInBackground().ok());
  ASSERT_TRUE(overlay.Flush().ok());  // Waits for it.
  EXPECT_EQ(overlay.bytes_held() + overlay.bytes_loading(), 0u);
  EXPECT_EQ(Keys(base->Scan(Table::kMembers, "", 10).value()),
            (std::vector<std::string>{"m1=first", "m2=second"}));
}

TEST(OverlayStoreTest, ATableWrittenBeforeItIsReadKeepsTheLatestOfEachKey) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> base = RocksStore::Open({.path = dir.path()}).value();
  OverlayStore overlay(base.get());
  {
    // Written only, never read: no index yet.
    std::unique_ptr<Transaction> txn = overlay.BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kOplog, "b", "1").ok());
    ASSERT_TRUE(txn->Put(Table::kOplog, "a", "1").ok());
    ASSERT_TRUE(txn->Put(Table::kOplog, "b", "2").ok());
    txn->SetSavePoint();
    ASSERT_TRUE(txn->Put(Table::kOplog, "a", "3").ok());
    ASSERT_TRUE(txn->Delete(Table::kOplog, "b").ok());
    // The first read builds the index from the latest rows.
    EXPECT_EQ(txn->Get(Table::kOplog, "a").value(), "3");
    EXPECT_FALSE(txn->Get(Table::kOplog, "b").value().has_value());
    ASSERT_TRUE(txn->RollbackToSavePoint().ok());
    EXPECT_EQ(txn->Get(Table::kOplog, "a").value(), "1");
    EXPECT_EQ(txn->Get(Table::kOplog, "b").value(), "2");
    ASSERT_TRUE(txn->Put(Table::kOplog, "b", "4").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Keys(overlay.Scan(Table::kOplog, "", 10).value()),
            (std::vector<std::string>{"a=1", "b=4"}));
  Commit(overlay, Table::kEntriesBySubject, {{"y", "1"}, {"x", "1"}, {"y", "2"}});
  ASSERT_TRUE(overlay.Flush().ok());
  EXPECT_EQ(Keys(base->Scan(Table::kOplog, "", 10).value()),
            (std::vector<std::string>{"a=1", "b=4"}));
  EXPECT_EQ(Keys(base->Scan(Table::kEntriesBySubject, "", 10).value()),
            (std::vector<std::string>{"x=1", "y=2"}));
}

// A store whose bulk loads cannot start.
class NoLoadStore final : public Store {
 public:
  explicit NoLoadStore(Store* inner) : inner_(inner) {}
  std::unique_ptr<Transaction> BeginTransaction() override { return inner_->BeginTransaction(); }
  absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() override {
    return absl::UnavailableError("disk full");
  }
  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override {
    return inner_->Get(table, key);
  }
  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix, size_t limit,
                                             absl::string_view start_after) override {
    return inner_->Scan(table, prefix, limit, start_after);
  }
  absl::Status Compact() override { return inner_->Compact(); }

 private:
  Store* const inner_;
};

TEST(OverlayStoreTest, AfterABackgroundLoadFailedNothingMoreIsLoaded) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> rocks = RocksStore::Open({.path = dir.path()}).value();
  NoLoadStore base(rocks.get());
  OverlayStore overlay(&base);
  Commit(overlay, Table::kMembers, {{"m1", "lost"}});
  ASSERT_TRUE(overlay.FlushInBackground().ok());  // Fails on its thread.
  Commit(overlay, Table::kMembers, {{"m2", "built on m1"}});
  EXPECT_EQ(overlay.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(overlay.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(overlay.FlushInBackground().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(rocks->Scan(Table::kMembers, "", 10).value().empty());
}

TEST(RocksBulkLoadTest, KeysOutOfOrderAreRefusedAndAnUncommittedLoadChangesNothing) {
  testing::TempDir dir;
  std::unique_ptr<RocksStore> store = RocksStore::Open({.path = dir.path()}).value();
  {
    std::unique_ptr<BulkLoad> load = store->BeginBulkLoad().value();
    ASSERT_TRUE(load->Put(Table::kMembers, "b", "1").ok());
    EXPECT_FALSE(load->Put(Table::kMembers, "a", "2").ok());
    ASSERT_TRUE(load->Put(Table::kEvents, "a", "3").ok());  // Each table has its own order.
  }                                                         // Never committed.
  EXPECT_FALSE(store->Get(Table::kMembers, "b").value().has_value());
  EXPECT_FALSE(store->Get(Table::kEvents, "a").value().has_value());
  std::unique_ptr<BulkLoad> load = store->BeginBulkLoad().value();
  ASSERT_TRUE(load->Put(Table::kMembers, "b", "1").ok());
  ASSERT_TRUE(load->Commit().ok());
  EXPECT_EQ(store->Get(Table::kMembers, "b").value(), "1");
  // A transaction after the load sees it and writes over it as usual.
  Commit(*store, Table::kMembers, {{"b", "2"}});
  EXPECT_EQ(store->Get(Table::kMembers, "b").value(), "2");
}

}  // namespace
}  // namespace cantine::storage
