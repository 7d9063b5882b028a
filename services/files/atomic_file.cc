#include "services/files/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cantine::files {
namespace {

absl::Status FileError(const std::string& path, int error) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot write '", path, "': ", std::strerror(error)));
}

// Writes all of `data` to `fd`, then flushes it to disk.
bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return ::fsync(fd) == 0;
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents, mode_t mode) {
  // mkstemp creates the file with mode 0600 whatever the umask; fchmod then sets `mode`.
  const std::string pattern = absl::StrCat(path, ".tmp.XXXXXX");
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return FileError(path, errno);
  const std::string temporary = name.data();
  bool written = ::fchmod(fd, mode) == 0 && WriteAll(fd, contents);
  int error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return FileError(path, error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    ::unlink(temporary.c_str());
    return FileError(path, error);
  }
  // The rename itself survives a power loss only once the folder is flushed too.
  const size_t slash = path.rfind('/');
  const std::string folder =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (folder_fd < 0) return FileError(path, errno);
  const bool synced = ::fsync(folder_fd) == 0;
  error = errno;
  ::close(folder_fd);
  if (!synced) return FileError(path, error);
  return absl::OkStatus();
}

}  // namespace cantine::files
