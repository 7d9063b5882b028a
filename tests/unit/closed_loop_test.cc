// tools/bench/closed_loop.h: closed-loop callers served from a few completion queues, each
// caller's calls one at a time. The calls here are grpc::Alarm's, which complete on the
// queue as a call's Finish does.

#include "tools/bench/closed_loop.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "grpc/support/time.h"
#include "grpcpp/alarm.h"
#include "gtest/gtest.h"

namespace cantine::bench {
namespace {

// Makes `calls` calls, one at a time, noting the thread each completes on and any overlap.
class CountingCaller final : public ClosedLoopCaller {
 public:
  explicit CountingCaller(int calls, std::atomic<int>* in_flight_everywhere)
      : calls_(calls), in_flight_everywhere_(in_flight_everywhere) {}

  bool StartNext(grpc::CompletionQueue& queue, void* tag) override {
    if (started_ == calls_) return false;
    if (in_flight_) overlapped_ = true;
    in_flight_ = true;
    ++started_;
    ++*in_flight_everywhere_;
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_->Set(&queue, gpr_now(GPR_CLOCK_MONOTONIC), tag);
    return true;
  }

  void Finished() override {
    if (!in_flight_) overlapped_ = true;
    in_flight_ = false;
    --*in_flight_everywhere_;
    ++finished_;
    threads_.push_back(std::this_thread::get_id());
  }

  int started() const { return started_; }
  int finished() const { return finished_; }
  bool overlapped() const { return overlapped_; }
  const std::vector<std::thread::id>& threads() const { return threads_; }

 private:
  const int calls_;
  std::atomic<int>* const in_flight_everywhere_;
  std::unique_ptr<grpc::Alarm> alarm_;
  int started_ = 0;
  int finished_ = 0;
  bool in_flight_ = false;
  bool overlapped_ = false;
  std::vector<std::thread::id> threads_;
};

TEST(ClosedLoopTest, EveryCallOfEveryCallerCompletesOneAtATimeOnItsOwnThread) {
  std::atomic<int> in_flight{0};
  std::vector<std::unique_ptr<CountingCaller>> owned;
  std::vector<ClosedLoopCaller*> callers;
  for (int i = 0; i < 7; ++i) {
    owned.push_back(std::make_unique<CountingCaller>(50 + i, &in_flight));
    callers.push_back(owned.back().get());
  }
  RunClosedLoop(callers, /*threads=*/3);

  EXPECT_EQ(in_flight.load(), 0);
  std::vector<std::thread::id> thread_of(3);
  for (int i = 0; i < 7; ++i) {
    const CountingCaller& caller = *owned[i];
    EXPECT_EQ(caller.started(), 50 + i) << "caller " << i;
    EXPECT_EQ(caller.finished(), 50 + i) << "caller " << i;
    EXPECT_FALSE(caller.overlapped()) << "caller " << i;
    // Caller i is served by thread i % 3 alone.
    for (std::thread::id id : caller.threads()) EXPECT_EQ(id, caller.threads().front());
    if (thread_of[i % 3] == std::thread::id()) thread_of[i % 3] = caller.threads().front();
    EXPECT_EQ(caller.threads().front(), thread_of[i % 3]) << "caller " << i;
  }
  EXPECT_NE(thread_of[0], thread_of[1]);
  EXPECT_NE(thread_of[1], thread_of[2]);
}

TEST(ClosedLoopTest, CallersWithNothingToDoAndNoCallersReturn) {
  std::atomic<int> in_flight{0};
  CountingCaller idle(0, &in_flight);
  RunClosedLoop({&idle}, /*threads=*/4);
  EXPECT_EQ(idle.finished(), 0);
  RunClosedLoop({}, /*threads=*/2);
}

}  // namespace
}  // namespace cantine::bench
