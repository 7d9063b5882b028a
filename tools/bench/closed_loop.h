#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/async_unary_call.h"
#include "grpcpp/support/status.h"

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

// The call a ClosedLoopCaller has in flight: its context, its reader, and what it answered.
template <typename Response>
class ClosedLoopCall {
 public:
  // Starts the call `prepare(context, queue)` makes (a stub's PrepareAsync<Method> on its
  // request) under `context`; its completion is tagged `tag`.
  template <typename Prepare>
  void Start(std::unique_ptr<grpc::ClientContext> context, grpc::CompletionQueue& queue, void* tag,
             Prepare prepare) {
    context_ = std::move(context);
    reader_ = prepare(context_.get(), &queue);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag);
  }

  // Once answered: frees the call, keeping its response and status. The reader goes first:
  // it lives in the call's memory, which the context frees.
  void Release() {
    reader_.reset();
    context_.reset();
  }

  const Response& response() const { return response_; }
  const grpc::Status& status() const { return status_; }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
  Response response_;
  grpc::Status status_;
};

// Serves `callers` from `threads` threads (clamped to 1..callers), caller i on thread
// i % threads, until none starts another call.
void RunClosedLoop(const std::vector<ClosedLoopCaller*>& callers, int threads);

// The threads RunClosedLoop is given by the bench: one per core of this machine.
int ClosedLoopThreads();

}  // namespace cantine::bench
