#include "services/federation/catch_up_log.h"

#include "services/replication/catch_up.h"

namespace cantine::federation {

CatchUpLog::CatchUpLog(const storage::Oplog* oplog, const PeerHeads* peer_heads,
                       absl::Duration interval)
    : oplog_(oplog), peer_heads_(peer_heads), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

CatchUpLog::~CatchUpLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void CatchUpLog::Run() {
  bool behind = false;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    const replication::CatchUp catch_up =
        replication::MeasureCatchUp(oplog_->Vector(), peer_heads_->Known());
    if (catch_up.held < catch_up.known) {
      log_.Info("catching up: ", catch_up.held, " of ", catch_up.known, " entries known to peers (",
                catch_up.per_origin, ")");
      behind = true;
    } else if (behind) {
      log_.Info("caught up: ", catch_up.held, " entries, every origin's head its peers know");
      behind = false;
    }
  }
}

}  // namespace cantine::federation
