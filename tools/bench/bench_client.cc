#include "tools/bench/bench_client.h"

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "services/rpc/status_conversion.h"

namespace cantine::bench {

NodeStubs::NodeStubs(const std::string& target, const std::string& ca_pem) : target(target) {
  grpc::ChannelArguments args;
  // Without it, channels to one target share one subchannel, hence one connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem;
  channel = grpc::CreateCustomChannel(
      target, ca_pem.empty() ? grpc::InsecureChannelCredentials() : grpc::SslCredentials(tls),
      args);
  health = grpc::health::v1::Health::NewStub(channel);
  sites = v1::SiteService::NewStub(channel);
  members = v1::MemberService::NewStub(channel);
  bookings = v1::BookingService::NewStub(channel);
  admin = v1::AdminService::NewStub(channel);
}

absl::Status Failed(absl::string_view what, const grpc::Status& status) {
  const absl::Status s = rpc::FromGrpcStatus(status);
  return absl::Status(
      s.code(), absl::StrCat(what, ": ", absl::StatusCodeToString(s.code()), ": ", s.message()));
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(rpc::FromGrpcStatus(status).code()), ": ",
                      status.error_message());
}

bool IsUnanswered(grpc::StatusCode code) {
  return code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::CANCELLED;
}

void RunOnThreads(int threads, const std::function<void(int)>& work) {
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int i = 0; i < threads; ++i) pool.emplace_back(work, i);
  for (std::thread& thread : pool) thread.join();
}

absl::Status ParallelFor(int workers, int64_t count,
                         const std::function<absl::Status(int, int64_t)>& work) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first_error;
  RunOnThreads(workers, [&](int worker) {
    for (int64_t i = next++; i < count && !failed.load(); i = next++) {
      absl::Status s = work(worker, i);
      if (s.ok()) continue;
      absl::MutexLock lock(&mu);
      if (first_error.ok()) first_error = std::move(s);
      failed = true;
    }
  });
  return first_error;
}

bool IsLoopback(absl::string_view target) {
  return absl::StartsWith(target, "127.") || absl::StartsWith(target, "localhost:") ||
         absl::StartsWith(target, "[::1]:") || absl::StartsWith(target, "ipv4:127.");
}

std::string NewRunId() {
  absl::BitGen random;
  return absl::StrFormat("%08x", absl::Uniform<uint32_t>(random));
}

v1::CreateSpaceRequest DeskPoolRequest(absl::string_view prefix, absl::string_view run_id,
                                       int64_t index, int32_t seats) {
  v1::CreateSpaceRequest request;
  v1::Space* space = request.mutable_space();
  space->set_space_id(absl::StrCat(prefix, "-", run_id, "-", index));
  space->set_display_name(absl::StrCat("Bench ", run_id, " desks ", index));
  space->set_kind(v1::SPACE_KIND_DESK_POOL);
  space->set_seats(seats);
  space->mutable_price_per_slot()->set_amount_minor(1000);
  return request;
}

}  // namespace cantine::bench
