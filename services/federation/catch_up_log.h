#pragma once

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/federation/peer_heads.h"
#include "services/logging/logger.h"
#include "storage/oplog.h"

namespace cantine::federation {

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
