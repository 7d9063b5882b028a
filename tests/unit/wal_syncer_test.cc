#include "storage/wal_syncer.h"

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

TEST(WalSyncerTest, WhatIsHandedOverDuringASyncWaitsForTheNextOne) {
  GatedSyncStore store;
  Answers answers;
  WalSyncer syncer(&store);
  syncer.AfterSync(answers.Record("first"));
  ASSERT_TRUE(testing::WaitFor([&] { return store.started() == 1; }));
  // Handed over while the first sync runs, which may have begun before its commit.
  syncer.AfterSync(answers.Record("second"));
  store.Release(1);
  ASSERT_TRUE(testing::WaitFor([&] { return store.started() == 2; }));
  ASSERT_EQ(answers.count(), 1u);  // The first sync answered the first alone.
  EXPECT_EQ(answers.answered()[0].first, "first");
  store.Release(2);
  ASSERT_TRUE(testing::WaitFor([&] { return answers.count() == 2; }));
  EXPECT_EQ(answers.answered()[1].first, "second");
}

TEST(WalSyncerTest, OneSyncAnswersEveryoneHandedOverBeforeIt) {
  GatedSyncStore store;
  Answers answers;
  WalSyncer syncer(&store);
  syncer.AfterSync(answers.Record("opens"));
  ASSERT_TRUE(testing::WaitFor([&] { return store.started() == 1; }));
  for (int i = 0; i < 10; ++i) syncer.AfterSync(answers.Record("waits"));
  store.Release(2);  // The first sync, then one for all ten.
  ASSERT_TRUE(testing::WaitFor([&] { return answers.count() == 11; }));
  EXPECT_EQ(syncer.syncs(), 2u);
}

TEST(WalSyncerTest, AFailedSyncIsTheAnswerOfEveryoneItCovered) {
  GatedSyncStore store;
  store.Fail(absl::DataLossError("disk gone"));
  store.Release(100);
  Answers answers;
  WalSyncer syncer(&store);
  syncer.AfterSync(answers.Record("a"));
  syncer.AfterSync(answers.Record("b"));
  ASSERT_TRUE(testing::WaitFor([&] { return answers.count() == 2; }));
  for (const auto& [name, status] : answers.answered()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << name;
  }
}

TEST(WalSyncerTest, StoppingSyncsAndAnswersWhatIsStillHandedOver) {
  GatedSyncStore store;
  store.Release(100);
  Answers answers;
  {
    WalSyncer syncer(&store);
    for (int i = 0; i < 3; ++i) syncer.AfterSync(answers.Record("pending"));
  }
  EXPECT_EQ(answers.count(), 3u);
  EXPECT_GE(store.started(), 1);
  for (const auto& [name, status] : answers.answered()) EXPECT_TRUE(status.ok()) << name;
}

}  // namespace
}  // namespace cantine::storage
