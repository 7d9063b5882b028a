#include "tests/support/subprocess.h"

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

namespace cantine::testing {
namespace {

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, std::string log_path)
    : argv_(std::move(argv)), log_path_(std::move(log_path)) {}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  CloseStdin();
  if (from_child_ >= 0) ::close(from_child_);
}

absl::Status Subprocess::Spawn() {
  int to_child[2];
  int from_child[2] = {-1, -1};
  if (::pipe2(to_child, O_CLOEXEC) != 0) return absl::UnavailableError("pipe failed");
  if (log_path_.empty() && ::pipe2(from_child, O_CLOEXEC) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    return absl::UnavailableError("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  if (log_path_.empty()) {
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  std::vector<char*> args;
  for (std::string& arg : argv_) args.push_back(arg.data());
  args.push_back(nullptr);
  const int error = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  if (from_child[1] >= 0) ::close(from_child[1]);
  if (error != 0) {
    pid_ = -1;
    ::close(to_child[1]);
    if (from_child[0] >= 0) ::close(from_child[0]);
    return absl::UnavailableError(
        absl::StrCat("cannot start ", argv_[0], ": ", std::strerror(error)));
  }
  to_child_ = to_child[1];
  from_child_ = from_child[0];
  exited_ = false;
  return absl::OkStatus();
}

void Subprocess::Signal(int signal_number) {
  if (pid_ > 0 && !exited_) ::kill(pid_, signal_number);
}

std::optional<int> Subprocess::Wait(absl::Duration deadline) {
  const absl::Time give_up = absl::Now() + deadline;
  while (pid_ > 0) {
    if (!running()) return exit_code_;
    if (absl::Now() > give_up) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return std::nullopt;
}

bool Subprocess::running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0 || (done < 0 && errno == EINTR)) return true;
  exited_ = true;
  exit_code_ = done < 0 ? -1 : ExitCode(status);
  return false;
}

void Subprocess::CloseStdin() {
  if (to_child_ >= 0) ::close(to_child_);
  to_child_ = -1;
}

int Subprocess::Stop(int signal_number, absl::Duration timeout) {
  CloseStdin();
  if (pid_ <= 0) return -1;
  if (signal_number != 0) Signal(signal_number);
  if (std::optional<int> code = Wait(timeout); code.has_value()) return *code;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exited_ = true;
  exit_code_ = ExitCode(status);
  return exit_code_;
}

absl::StatusOr<std::string> Subprocess::ReadLine(absl::Duration timeout) {
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
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) return absl::UnavailableError("poll failed");
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(from_child_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::OutOfRangeError("the child closed its output");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace cantine::testing
