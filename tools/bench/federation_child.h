#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cantine::fedbench {

// A child process whose stdin is a pipe from this one. Its stdout is a pipe to this one
// and its stderr is ours (Spawn), or both go to a log file (SpawnLogged).
// Not thread-safe: one thread drives it.
class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`. UNAVAILABLE when it cannot be started.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv);
  // The same with the child's stdout and stderr appended to `log_path` (created when
  // missing); ReadLine is then FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> SpawnLogged(
      const std::vector<std::string>& argv, const std::string& log_path);
  // Finishes it (closes its stdin, waits a little, then kills it) if it has not exited.
  ~ChildProcess();

  int pid() const { return pid_; }

  // The next line the child writes, without its newline. DEADLINE_EXCEEDED when none comes
  // within `timeout`; OUT_OF_RANGE when the child closed its stdout.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Whether it has not exited yet (reaps it when it has).
  bool Running();

  // Closes the child's stdin (its signal to stop) and waits up to `timeout` for it to exit,
  // then kills it. Returns its exit code (128 + signal when killed).
  int Finish(absl::Duration timeout);
  // Closes its stdin, sends it SIGTERM and waits up to `timeout` for it to exit, then kills
  // it. Returns its exit code, as Finish.
  int Terminate(absl::Duration timeout);

 private:
  ChildProcess(int pid, int to_child, int from_child)
      : pid_(pid), to_child_(to_child), from_child_(from_child) {}
  // `log_path` empty: stdout is a pipe to this process.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                             const std::string& log_path);
  int WaitForExit(absl::Duration timeout);

  int pid_;
  int to_child_;
  int from_child_;
  std::string buffer_;
  bool exited_ = false;
  int exit_code_ = 0;
};

}  // namespace cantine::fedbench
