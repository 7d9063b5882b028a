#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cantine::testing {

// A child process for process-level tests: started with posix_spawn, its stdout and stderr
// appended to `log_path`, killed with SIGKILL if still running at destruction.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::string log_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool Start();
  void Signal(int signal_number);
  // The exit code, or 128 + signal for a killed process; nullopt if still running at the
  // deadline.
  std::optional<int> Wait(absl::Duration deadline);
  bool running() const { return pid_ > 0; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace cantine::testing
