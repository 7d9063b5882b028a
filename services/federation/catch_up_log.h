#pragma once

#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.pb.h"
#include "services/federation/peer_heads.h"
#include "services/logging/logger.h"
#include "storage/oplog.h"

namespace cantine::federation {

// How far this node has caught up: per origin, the entries held of the entries known (the
// highest any peer reported). Plain, for tests.
struct CatchUp {
  uint64_t held = 0;
  uint64_t known = 0;
  std::string per_origin;  // "paris 120/500, milan 0/40": the origins still behind.
};
CatchUp MeasureCatchUp(const std::vector<v1::VersionVectorEntry>& held,
                       const std::vector<v1::VersionVectorEntry>& known);

// Logs the catch-up of a node that is behind its peers (a node joining, or back from an
// outage) every `interval`, and once when it has caught up. Silent while it keeps up.
class CatchUpLog {
 public:
  // Neither owned; both outlive the log. Starts its thread.
  CatchUpLog(const storage::Oplog* oplog, const PeerHeads* peer_heads, absl::Duration interval);
  // Stops the thread.
  ~CatchUpLog();

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  const storage::Oplog* const oplog_;
  const PeerHeads* const peer_heads_;
  const absl::Duration interval_;
  const logging::Logger log_{"catch-up"};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cantine::federation
