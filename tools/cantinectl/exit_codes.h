#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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

// Marks an error cantinectl found itself, not the node: it ends with kExitUsage
// (UsageError) or kExitFailure (LocalFailure) whatever its code.
absl::Status UsageError(absl::Status status);
absl::Status LocalFailure(absl::Status status);
template <typename T>
absl::StatusOr<T> UsageError(absl::StatusOr<T> result) {
  if (!result.ok()) return UsageError(result.status());
  return result;
}

// The exit code `status` (not OK) ends with: its mark, else ExitCodeForCallStatus.
int ExitCode(const absl::Status& status);

}  // namespace cantine::cantinectl
