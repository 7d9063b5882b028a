#pragma once

#include "absl/status/status.h"

namespace cantine::cantinectl {

// The exit codes scripts can test; documented in the --help text.
inline constexpr int kExitOk = 0;
// Anything not covered below (a server fault, an unexpected answer).
inline constexpr int kExitFailure = 1;
// Bad flags or arguments, detected before or without asking the node.
inline constexpr int kExitUsage = 2;
// The node answered and refused the request.
inline constexpr int kExitRefused = 3;
// The node could not be reached, or did not answer in time.
inline constexpr int kExitUnreachable = 4;

// The exit code for a call that ended with `code` (never OK).
int ExitCodeForCallStatus(absl::StatusCode code);

}  // namespace cantine::cantinectl
