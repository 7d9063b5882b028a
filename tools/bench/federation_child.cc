#include "tools/bench/federation_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace cantine::fedbench {

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv) {
  return Start(argv, "");
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::SpawnLogged(
    const std::vector<std::string>& argv, const std::string& log_path) {
  if (log_path.empty()) return absl::InvalidArgumentError("SpawnLogged needs a log path");
  return Start(argv, log_path);
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  int to_child[2];
  int from_child[2] = {-1, -1};
  if (pipe2(to_child, O_CLOEXEC) != 0) return absl::UnavailableError("pipe failed");
  if (log_path.empty() && pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return absl::UnavailableError("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  if (log_path.empty()) {
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  if (from_child[1] >= 0) close(from_child[1]);
  if (error != 0) {
    close(to_child[1]);
    if (from_child[0] >= 0) close(from_child[0]);
    return absl::UnavailableError(
        absl::StrCat("cannot start ", argv[0], ": ", std::strerror(error)));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, to_child[1], from_child[0]));
}

ChildProcess::~ChildProcess() {
  if (!exited_) Finish(absl::Seconds(10));
  if (from_child_ >= 0) close(from_child_);
}

absl::StatusOr<std::string> ChildProcess::ReadLine(absl::Duration timeout) {
  if (from_child_ < 0) {
    return absl::FailedPreconditionError("the child's output goes to its log file");
  }
  const absl::Time give_up = absl::Now() + timeout;
  while (true) {
    if (const size_t end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    const absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("the child wrote no line in time");
    }
    pollfd poll_fd{.fd = from_child_, .events = POLLIN, .revents = 0};
    const int ready = poll(&poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) return absl::UnavailableError("poll failed");
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(from_child_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::OutOfRangeError("the child closed its output");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

bool ChildProcess::Running() {
  if (exited_) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  exited_ = true;
  exit_code_ = done < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int ChildProcess::Finish(absl::Duration timeout) {
  if (exited_) return exit_code_;
  if (to_child_ >= 0) {
    close(to_child_);
    to_child_ = -1;
  }
  return WaitForExit(timeout);
}

int ChildProcess::Terminate(absl::Duration timeout) {
  if (exited_) return exit_code_;
  if (to_child_ >= 0) {
    close(to_child_);
    to_child_ = -1;
  }
  kill(pid_, SIGTERM);
  return WaitForExit(timeout);
}

int ChildProcess::WaitForExit(absl::Duration timeout) {
  if (exited_) return exit_code_;
  const absl::Time give_up = absl::Now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) {
      exited_ = true;
      exit_code_ = -1;
      return exit_code_;
    }
    if (absl::Now() > give_up) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  exited_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

}  // namespace cantine::fedbench
