#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cantine::federation {

// What each peer holds, as far as this node has heard: the version vector a peer sends
// with every response of the stream this node pulls from it. A Pull stream serving that
// peer skips what it is known to hold, so an entry that reached the peer by another path is
// not sent to it again. Only what was heard after a stream opened counts for it: a peer
// that restarted with less (its data lost) is never skipped on old news. Thread-safe.
class PeerHeads {
 public:
  // `heads` is `site_id`'s whole vector as it just sent it; it replaces what was known.
  void Record(const std::string& site_id,
              const google::protobuf::RepeatedPtrField<v1::VersionVectorEntry>& heads)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A mark of now, for Held's `heard_after`.
  uint64_t Now() const ABSL_LOCKS_EXCLUDED(mu_);
  // The highest contiguous seq of the origin named by `origin_key` (Oplog::OriginKey) that
  // `site_id` reported holding, if it reported after `heard_after` (a Now()); else 0.
  uint64_t Held(absl::string_view site_id, absl::string_view origin_key, uint64_t heard_after) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Per origin, the highest seq any peer ever reported holding: how far this node can
  // catch up from what it has heard. Ordered by origin key.
  std::vector<v1::VersionVectorEntry> Known() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Report {
    uint64_t heard = 0;  // The recording's number.
    absl::flat_hash_map<std::string, uint64_t> seqs;
  };

  mutable absl::Mutex mu_;
  uint64_t recordings_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Report> reports_ ABSL_GUARDED_BY(mu_);
  // By origin key: the origin, and the highest seq reported.
  absl::flat_hash_map<std::string, v1::VersionVectorEntry> known_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::federation
