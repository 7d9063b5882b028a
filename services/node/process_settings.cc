#include "services/node/process_settings.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace cantine::node {
namespace {

constexpr int kMmapThresholdBytes = 256 << 10;

}  // namespace

void ApplyNodeProcessSettings() {
  // glibc gives threads that contend for malloc arenas of their own, up to 8 a core, and each
  // arena keeps what was freed in it: the memtables, blocks and gRPC buffers a busy node frees
  // on its many threads stayed resident (RSS 328 MiB after a million bookings, 243-255 MiB
  // with one arena a core, at the same bookings/s: docs/benchmarks.md, "Memory").
#ifdef __GLIBC__
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) {
    mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  }
  // glibc maps an allocation of 128 KB or more on its own, and gives it back when it is freed,
  // but raises that threshold to the size of each mapped block freed, up to 32 MB: once the
  // first memtable was flushed, the next memtables' arena blocks (1-8 MB) came from the heap,
  // where what was freed stayed resident among what was not. A fixed threshold keeps every
  // block that large mapped (RSS after a million bookings 220 to 204 MiB, at the same
  // bookings/s: docs/benchmarks.md, "Memory").
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
  }
#endif
  // Abseil's deadlock detection records every lock acquisition in a graph: about 2 % of a
  // busy node's CPU.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace cantine::node
