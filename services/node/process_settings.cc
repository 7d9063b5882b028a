#include "services/node/process_settings.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace cantine::node {

void ApplyNodeProcessSettings() {
  // glibc gives threads that contend for malloc arenas of their own, up to 8 a core, and each
  // arena keeps what was freed in it: the memtables, blocks and gRPC buffers a busy node frees
  // on its many threads stayed resident (RSS 328 MiB after a million bookings, 243-255 MiB
  // with one arena a core, at the same bookings/s: docs/benchmarks.md, "Memory").
#ifdef __GLIBC__
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) {
    mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  }
#endif
  // Abseil's deadlock detection records every lock acquisition in a graph: about 2 % of a
  // busy node's CPU.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace cantine::node
