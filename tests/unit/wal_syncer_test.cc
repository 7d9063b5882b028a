#include "storage/wal_syncer.h"

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/support/wait_for.h"

namespace cantine::storage {
namespace {

// A store whose syncs (one at a time, as WalSyncer makes them) finish when the test lets
// them, with the status it sets; nothing else.
class GatedSyncStore final : public Store {
 public:
  absl::Status SyncWal() override {
    absl::MutexLock lock(&mu_);
    ++started_;
    mu_.Await(absl::Condition(this, &GatedSyncStore::CurrentReleased));
    return failure_;
  }

  int started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  // Lets syncs up to the `n`th finish.
  void Release(int n) {
    absl::MutexLock lock(&mu_);
    released_ = n;
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    failure_ = std::move(status);
  }

  std::unique_ptr<Transaction> BeginTransaction() override { return nullptr; }
  absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::optional<std::string>> Get(Table, absl::string_view) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::vector<KeyValue>> Scan(Table, absl::string_view, size_t,
                                             absl::string_view) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::Status Compact() override { return absl::UnimplementedError("not in this test"); }

 private:
  bool CurrentReleased() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return released_ >= started_; }

  absl::Mutex mu_;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int released_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

// What the callbacks were answered, in the order they were.
class Answers {
 public:
  absl::AnyInvocable<void(absl::Status) &&> Record(std::string name) {
    return [this, name = std::move(name)](absl::Status status) {
      absl::MutexLock lock(&mu_);
      answered_.emplace_back(name, std::move(status));
    };
  }
  std::vector<std::pair<std::string, absl::Status>> answered() {
    absl::MutexLock lock(&mu_);
    return answered_;
  }
  size_t count() { return answered().size(); }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<std::string, absl::Status>> answered_ ABSL_GUARDED_BY(mu_);
};

// A syncer over a gated store; the store lets every sync finish once the test is over, so
// that stopping the syncer never waits on it.
class WalSyncerTest : public ::testing::Test {
 protected:
  void TearDown() override { store_.Release(std::numeric_limits<int>::max()); }

  // Hands `name` over and waits until the sync it started is under way, held by the store.
  void HandOverDuringTheFirstSync(std::string name) {
    syncer_.AfterSync(answers_.Record(std::move(name)));
    ASSERT_TRUE(testing::WaitFor([&] { return store_.started() == 1; }));
  }

  GatedSyncStore store_;
  Answers answers_;
  WalSyncer syncer_{&store_};
};

TEST_F(WalSyncerTest, WhatIsHandedOverDuringASyncWaitsForTheNextOne) {
  HandOverDuringTheFirstSync("first");
  // Handed over while the first sync runs, which may have begun before its commit.
  syncer_.AfterSync(answers_.Record("second"));
  store_.Release(1);
  ASSERT_TRUE(testing::WaitFor([&] { return store_.started() == 2; }));
  ASSERT_EQ(answers_.count(), 1u);  // The first sync answered the first alone.
  EXPECT_EQ(answers_.answered()[0].first, "first");
  store_.Release(2);
  ASSERT_TRUE(testing::WaitFor([&] { return answers_.count() == 2; }));
  EXPECT_EQ(answers_.answered()[1].first, "second");
}

TEST_F(WalSyncerTest, OneSyncAnswersEveryoneHandedOverBeforeIt) {
  HandOverDuringTheFirstSync("opens");
  for (int i = 0; i < 10; ++i) syncer_.AfterSync(answers_.Record("waits"));
  store_.Release(2);  // The first sync, then one for all ten.
  ASSERT_TRUE(testing::WaitFor([&] { return answers_.count() == 11; }));
  EXPECT_EQ(syncer_.syncs(), 2u);
}

TEST_F(WalSyncerTest, AFailedSyncIsTheAnswerOfEveryoneItCovered) {
  store_.Fail(absl::DataLossError("disk gone"));
  store_.Release(100);
  syncer_.AfterSync(answers_.Record("a"));
  syncer_.AfterSync(answers_.Record("b"));
  ASSERT_TRUE(testing::WaitFor([&] { return answers_.count() == 2; }));
  for (const auto& [name, status] : answers_.answered()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << name;
  }
}

TEST_F(WalSyncerTest, StoppingSyncsAndAnswersWhatIsStillHandedOver) {
  store_.Release(100);
  {
    WalSyncer syncer(&store_);
    for (int i = 0; i < 3; ++i) syncer.AfterSync(answers_.Record("pending"));
  }
  EXPECT_EQ(answers_.count(), 3u);
  EXPECT_GE(store_.started(), 1);
  for (const auto& [name, status] : answers_.answered()) EXPECT_TRUE(status.ok()) << name;
}

}  // namespace
}  // namespace cantine::storage
