#pragma once

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cantine::federation {

// What each peer holds, as far as this node has heard: the version vector a peer sends
// with every response of the stream this node pulls from it. A Pull stream serving that
// peer skips what it already holds, so an entry that reached a peer by another path is not
// sent to it again. Thread-safe.
class PeerHeads {
 public:
  // `heads` is `site_id`'s vector as it sent it; a seq never moves back.
  void Record(const std::string& site_id,
              const google::protobuf::RepeatedPtrField<v1::VersionVectorEntry>& heads)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The highest contiguous seq of the origin named by `origin_key` (Oplog::OriginKey) that
  // `site_id` is known to hold; 0 when unknown.
  uint64_t Held(absl::string_view site_id, absl::string_view origin_key) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, uint64_t>> held_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::federation
