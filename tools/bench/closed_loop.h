#pragma once

#include <vector>

#include "grpcpp/completion_queue.h"

namespace cantine::bench {

// Closed-loop callers, the way pgbench drives its clients: each caller has at most one call
// in flight and starts its next as soon as one is answered. A few threads, each polling a
// completion queue of its own, serve every caller, instead of a thread per caller blocked in
// its call: the client then costs little of the machine it shares with the node.

// One caller's unary calls. Called from one thread at a time (its queue's), never while a
// call of its own is in flight.
class ClosedLoopCaller {
 public:
  virtual ~ClosedLoopCaller() = default;
  // Starts the next call on `queue`, its completion tagged `tag`; false when the caller has
  // no more calls to make.
  virtual bool StartNext(grpc::CompletionQueue& queue, void* tag) = 0;
  // The call started last has been answered (or failed): its status and response are set.
  virtual void Finished() = 0;
};

// Serves `callers` from `threads` threads (clamped to 1..callers), caller i on thread
// i % threads, until none starts another call.
void RunClosedLoop(const std::vector<ClosedLoopCaller*>& callers, int threads);

// The threads RunClosedLoop is given by the bench: one per core of this machine.
int ClosedLoopThreads();

}  // namespace cantine::bench
