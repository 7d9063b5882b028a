#include "services/rpc/blocking_work.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace cantine::rpc {
namespace {

TEST(BlockingWorkTest, RunsWorkOffTheCallersThread) {
  BlockingWork work(/*max_threads=*/2, /*max_queued=*/4);
  absl::Notification ran;
  std::thread::id where;
  ASSERT_TRUE(work.TryRun([&] {
    where = std::this_thread::get_id();
    ran.Notify();
  }));
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_NE(where, std::this_thread::get_id());
}

TEST(BlockingWorkTest, PastItsThreadsAndQueueWorkIsRefusedAndTheRestStillRuns) {
  std::atomic<int> done{0};
  absl::Notification started;
  absl::Notification release;
  {
    BlockingWork work(/*max_threads=*/1, /*max_queued=*/2);
    ASSERT_TRUE(work.TryRun([&] {
      started.Notify();
      release.WaitForNotification();
      ++done;
    }));
    ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
    // The one thread waits (on another site, say): two more may queue, not a third.
    EXPECT_TRUE(work.TryRun([&] { ++done; }));
    EXPECT_TRUE(work.TryRun([&] { ++done; }));
    EXPECT_FALSE(work.TryRun([&] { ++done; }));
    release.Notify();
  }  // Stopping runs what was queued.
  EXPECT_EQ(done.load(), 3);
}

TEST(BlockingWorkTest, ABurstOnAQuietNodeIsAdmittedAsOnABusyOne) {
  absl::Notification release;
  std::atomic<int> done{0};
  {
    BlockingWork work(/*max_threads=*/2, /*max_queued=*/3);
    // At once, before any thread has taken its work: two for the threads, three queued.
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(work.TryRun([&] {
        release.WaitForNotification();
        ++done;
      })) << "work "
          << i;
    }
    EXPECT_FALSE(work.TryRun([&] { ++done; }));
    release.Notify();
  }
  EXPECT_EQ(done.load(), 5);
}

}  // namespace
}  // namespace cantine::rpc
