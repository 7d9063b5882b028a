#pragma once

namespace cantine::bench {

// Exit codes of every bench binary, for scripts.
inline constexpr int kExitVerificationFailed = 1;  // Ran, and found lost or oversold bookings.
inline constexpr int kExitBadFlags = 2;
inline constexpr int kExitCannotRun = 3;  // The nodes could not be started or reached.

}  // namespace cantine::bench
