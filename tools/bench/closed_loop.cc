#include "tools/bench/closed_loop.h"

#include <algorithm>
#include <thread>

#include "tools/bench/booking_load.h"

namespace cantine::bench {

void RunClosedLoop(const std::vector<ClosedLoopCaller*>& callers, int threads) {
  if (callers.empty()) return;
  threads = std::clamp(threads, 1, static_cast<int>(callers.size()));
  RunOnThreads(threads, [&](int thread) {
    grpc::CompletionQueue queue;
    int in_flight = 0;
    for (size_t i = thread; i < callers.size(); i += threads) {
      if (callers[i]->StartNext(queue, callers[i])) ++in_flight;
    }
    void* tag = nullptr;
    bool ok = false;
    while (in_flight > 0 && queue.Next(&tag, &ok)) {
      // A unary call's Finish always completes, its outcome in the call's status.
      auto* caller = static_cast<ClosedLoopCaller*>(tag);
      caller->Finished();
      if (!caller->StartNext(queue, caller)) --in_flight;
    }
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
  });
}

int ClosedLoopThreads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace cantine::bench
