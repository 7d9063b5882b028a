#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace cantine::bench {

// The client side the benchmarks share: stubs over a connection of their own, one unary
// call with a deadline and a bearer token, and thread fan-out.

// The stubs over one channel with a TCP connection of its own. Stubs are thread-safe, but
// each client thread of a bench uses its own so that no connection is shared.
struct NodeStubs {
  // TLS trusting `ca_pem` unless it is empty (plaintext).
  NodeStubs(const std::string& target, const std::string& ca_pem);

  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  std::unique_ptr<v1::SiteService::Stub> sites;
  std::unique_ptr<v1::MemberService::Stub> members;
  std::unique_ptr<v1::BookingService::Stub> bookings;
  std::unique_ptr<v1::AdminService::Stub> admin;
};

// One unary call with a deadline `timeout` away and, when `bearer` is not null, that
// credential or member token as 'authorization: Bearer <token>'.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response, absl::Duration timeout,
                  const std::string* bearer = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout));
  if (bearer != nullptr) context.AddMetadata("authorization", absl::StrCat("Bearer ", *bearer));
  return (stub.*method)(&context, request, response);
}

// The status of a failed call, its message prefixed with what was being done.
absl::Status Failed(absl::string_view what, const grpc::Status& status);

// Eight random hex digits naming one bench run's records.
std::string NewRunId();

// The request creating desk pool `index` of run `run_id`: id "<prefix>-<run id>-<index>",
// `seats` seats, 10.00 a half-day slot.
v1::CreateSpaceRequest DeskPoolRequest(absl::string_view prefix, absl::string_view run_id,
                                       int64_t index, int32_t seats);

// "CODE: message".
std::string Describe(const grpc::Status& status);

// Whether a call that failed with `code` got no answer from the node (it may have done
// the work): DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED.
bool IsUnanswered(grpc::StatusCode code);

// Runs work(i) for every i in [0, threads) on a thread of its own; returns when all have.
void RunOnThreads(int threads, const std::function<void(int)>& work);

// Calls work(worker, i) for every i in [0, count), spread over `workers` threads. Stops
// handing out work at the first error, and returns it once every thread has stopped.
absl::Status ParallelFor(int workers, int64_t count,
                         const std::function<absl::Status(int, int64_t)>& work);

// Whether `target` (host:port) names this machine's loopback interface.
bool IsLoopback(absl::string_view target);

}  // namespace cantine::bench
