#pragma once

namespace cantine::node {

// Sets, for the whole process, what a node runs best with but belongs to the process and its
// libraries rather than to the node: one malloc arena a core, large blocks mapped apart and
// given back when freed (MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ in the environment, when
// set, have the last word), and Abseil's deadlock detection off.
// cantined calls it, and so does any process that runs a node as cantined does (cantine-bench's
// catch-up destination), so that what it measures is what a site runs. The in-process tests do
// not: they keep deadlock detection. Call first in main, before any thread starts.
void ApplyNodeProcessSettings();

}  // namespace cantine::node
