#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/time/time.h"
#include "storage/oplog.h"
#include "storage/store.h"

namespace cantine::storage {

// Takes erased data off the disk: soon after a redaction commits (Oplog::RedactLocal, or a
// notice applied from a peer), compacts the whole store (Store::Compact), so that no table
// file nor write-ahead log still holds the payloads the redaction dropped. The redaction's
// transaction leaves a marker that only a completed compaction clears, so an erasure whose
// node crashed before its compaction is scrubbed at the next start. One thread.
class Scrubber {
 public:
  // None owned; both outlive the scrubber. Starts the thread, which first scrubs what a
  // previous run left pending.
  Scrubber(Store* store, const Oplog* oplog, absl::Duration poll = absl::Seconds(1));
  // Stops the thread within `poll`, after the compaction in progress, if any.
  ~Scrubber();

 private:
  void Run();
  // Compacts if a marker is pending, then clears it unless a redaction replaced it meanwhile.
  absl::Status ScrubIfPending();

  Store* const store_;
  const Oplog* const oplog_;
  const absl::Duration poll_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cantine::storage
