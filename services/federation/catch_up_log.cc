#include "services/federation/catch_up_log.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace cantine::federation {

CatchUp MeasureCatchUp(const std::vector<v1::VersionVectorEntry>& held,
                       const std::vector<v1::VersionVectorEntry>& known) {
  absl::flat_hash_map<std::string, uint64_t> held_by_origin;
  for (const v1::VersionVectorEntry& head : held) {
    held_by_origin[storage::Oplog::OriginKey(head.origin())] = head.seq();
  }
  CatchUp catch_up;
  for (const v1::VersionVectorEntry& head : known) {
    const uint64_t have = held_by_origin[storage::Oplog::OriginKey(head.origin())];
    const uint64_t counted = std::min(have, head.seq());
    catch_up.held += counted;
    catch_up.known += head.seq();
    if (counted < head.seq()) {
      absl::StrAppend(&catch_up.per_origin, catch_up.per_origin.empty() ? "" : ", ",
                      head.origin().site_id(), " ", counted, "/", head.seq());
    }
  }
  return catch_up;
}

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
    const CatchUp catch_up = MeasureCatchUp(oplog_->Vector(), peer_heads_->Known());
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
