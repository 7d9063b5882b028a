#pragma once

#include <signal.h>

#include <initializer_list>
#include <optional>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace cantine::testing {

// How process-level tests end a real process and check how it ended: a signal, then a wait
// with a deadline (never a bare sleep).

// Sends `signal_number` to `process` and waits up to `timeout` for it to exit with
// `exit_code` (128 + signal for a process the signal killed). For ASSERT_TRUE/EXPECT_TRUE.
inline ::testing::AssertionResult ExitsOnSignal(Subprocess& process, int signal_number,
                                                int exit_code,
                                                absl::Duration timeout = absl::Seconds(30)) {
  process.Signal(signal_number);
  const std::optional<int> code = process.Wait(timeout);
  if (code == exit_code) return ::testing::AssertionSuccess();
  if (!code.has_value()) {
    return ::testing::AssertionFailure()
           << "still running " << absl::FormatDuration(timeout) << " after signal " << signal_number
           << " (or never started)";
  }
  return ::testing::AssertionFailure()
         << "exited with " << *code << " on signal " << signal_number << ", not " << exit_code;
}

// Kills `process` with SIGKILL, as a crash would, and waits for it to die.
inline ::testing::AssertionResult DiesOnSigkill(Subprocess& process) {
  return ExitsOnSignal(process, SIGKILL, 128 + SIGKILL);
}

// Sends SIGTERM to each of `processes` and expects each to exit 0 (a clean drain) within
// 30 seconds; they drain together.
inline void ExpectCleanStop(std::initializer_list<Subprocess*> processes) {
  for (Subprocess* process : processes) process->Signal(SIGTERM);
  for (Subprocess* process : processes) EXPECT_EQ(process->Wait(absl::Seconds(30)), 0);
}

}  // namespace cantine::testing
