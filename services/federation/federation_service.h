#pragma once

#include <atomic>

#include "absl/time/time.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "services/federation/entry_signing.h"
#include "services/logging/logger.h"
#include "storage/oplog.h"

namespace cantine::federation {

// cantine.v1.FederationService on the federation port. Pull streams what the caller's vector
// lacks, origin by origin in sequence order, then stays open and pushes new entries as they
// commit, with an empty response carrying the heads every `heartbeat` while idle. Memory per
// stream is one batch: a Write blocks while the peer does not read (HTTP/2 flow control).
class FederationServiceImpl final : public v1::FederationService::Service {
 public:
  // Neither owned; both outlive the service. `known_sites` decides who may pull.
  FederationServiceImpl(storage::Oplog* oplog, const SiteKeyRing* known_sites,
                        absl::Duration heartbeat = absl::Seconds(1));

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;

  // Ends every open stream within one heartbeat; called before the server shuts down.
  void Stop() { stopping_ = true; }

  inline static constexpr size_t kBatchSize = 1000;

 private:
  storage::Oplog* const oplog_;
  const SiteKeyRing* const known_sites_;
  const absl::Duration heartbeat_;
  std::atomic<bool> stopping_{false};
  const logging::Logger log_{"federation"};
};

}  // namespace cantine::federation
