#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cantine::fedbench {

// A child process whose stdin and stdout are pipes to this one; its stderr is ours.
// Not thread-safe: one thread drives it.
class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`. UNAVAILABLE when it cannot be started.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv);
  // Finishes it (closes its stdin, waits a little, then kills it) if Finish was not called.
  ~ChildProcess();

  int pid() const { return pid_; }

  // The next line the child writes, without its newline. DEADLINE_EXCEEDED when none comes
  // within `timeout`; OUT_OF_RANGE when the child closed its stdout.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Closes the child's stdin (its signal to stop) and waits up to `timeout` for it to exit,
  // then kills it. Returns its exit code (128 + signal when killed).
  int Finish(absl::Duration timeout);

 private:
  ChildProcess(int pid, int to_child, int from_child)
      : pid_(pid), to_child_(to_child), from_child_(from_child) {}

  int pid_;
  int to_child_;
  int from_child_;
  std::string buffer_;
  bool exited_ = false;
  int exit_code_ = 0;
};

}  // namespace cantine::fedbench
