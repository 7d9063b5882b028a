#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"

namespace cantine::testing {

// A fake site on a federation port, for tests of what a node does with a peer acting in
// bad faith: every Pull is answered with the responses the test scripted (crafted entries:
// flipped flags, forged signatures, oversized payloads, unknown origins...), then the stream
// stays open, idle, until the caller leaves or the peer stops. Listens on 127.0.0.1 at a
// port chosen at run time, with `credentials` (a site certificate of the network CA for
// mutual TLS; plaintext by default). Thread-safe.
class HostilePeer final : public v1::FederationService::Service {
 public:
  explicit HostilePeer(
      std::vector<v1::PullResponse> script,
      std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials());
  // Ends open streams and stops serving.
  ~HostilePeer() override;

  int port() const { return port_; }
  // How many Pull calls it has answered.
  int pulls() const ABSL_LOCKS_EXCLUDED(mu_);
  // The request of the last Pull call.
  v1::PullRequest last_request() const ABSL_LOCKS_EXCLUDED(mu_);

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::vector<v1::PullResponse> script_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int pulls_ ABSL_GUARDED_BY(mu_) = 0;
  v1::PullRequest last_request_ ABSL_GUARDED_BY(mu_);
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace cantine::testing
