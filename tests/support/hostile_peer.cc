#include "tests/support/hostile_peer.h"

#include "absl/time/time.h"
#include "grpcpp/server_builder.h"

namespace cantine::testing {

HostilePeer::HostilePeer(std::vector<v1::PullResponse> script,
                         std::shared_ptr<grpc::ServerCredentials> credentials)
    : script_(std::move(script)) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
}

HostilePeer::~HostilePeer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  server_->Shutdown();
  server_->Wait();
}

int HostilePeer::pulls() const {
  absl::MutexLock lock(&mu_);
  return pulls_;
}

v1::PullRequest HostilePeer::last_request() const {
  absl::MutexLock lock(&mu_);
  return last_request_;
}

grpc::Status HostilePeer::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                               grpc::ServerWriter<v1::PullResponse>* writer) {
  {
    absl::MutexLock lock(&mu_);
    ++pulls_;
    last_request_ = *request;
  }
  for (const v1::PullResponse& response : script_) {
    if (!writer->Write(response)) return grpc::Status::OK;
  }
  // Idle, as a peer with nothing new: wake to notice the caller leaving or the stop.
  absl::MutexLock lock(&mu_);
  while (!stopping_ && !context->IsCancelled()) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(50));
  }
  return grpc::Status::OK;
}

}  // namespace cantine::testing
