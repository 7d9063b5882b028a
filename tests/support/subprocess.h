#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cantine::testing {

// A child process, for process-level tests and the benchmarks: started with posix_spawn
// from argv[0] (a path), its stdin a pipe from this process (closed by Stop: a signal to
// stop for children that read it). Its stdout and stderr are appended to `log_path`; with
// an empty `log_path` its stdout is a pipe read with ReadLine and its stderr is ours.
// Killed with SIGKILL if still running at destruction. Not thread-safe: one thread drives it.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::string log_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // UNAVAILABLE naming the binary when it cannot be started.
  absl::Status Spawn();
  bool Start() { return Spawn().ok(); }

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);
  // The exit code, or 128 + signal for a killed process; nullopt if still running at the
  // deadline, or never started.
  std::optional<int> Wait(absl::Duration deadline);
  // Whether it was started and has not exited (reaps it when it has).
  bool running();

  // Closes its stdin, sends it `signal_number` unless 0, waits up to `timeout` for it to
  // exit, then kills it with SIGKILL. Its exit code, as Wait; -1 if it was never started.
  int Stop(int signal_number, absl::Duration timeout);

  // The next line the child writes to its stdout, without its newline. DEADLINE_EXCEEDED
  // when none comes within `timeout`; OUT_OF_RANGE when the child closed its stdout;
  // FAILED_PRECONDITION when its stdout goes to the log.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

 private:
  void CloseStdin();

  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;  // Read from the child, not yet a whole line.
};

}  // namespace cantine::testing
