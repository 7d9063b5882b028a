#include "tools/cantinectl/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cantine::cantinectl {
namespace {

absl::Status FileError(absl::string_view what, const std::string& path, int error) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", what, " the token file '", path, "': ", std::strerror(error)));
}

// The folder of `path`: "" when it has none ("token"), "/" for "/token".
std::string FolderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
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

absl::Status WriteTokenFile(const std::string& path, absl::string_view token) {
  if (const std::string folder = FolderOf(path); !folder.empty()) {
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return FileError(absl::StrCat("create the folder '", folder, "' of"), path, errno);
    }
  }
  // mkstemp creates the file with mode 0600, whatever the umask.
  std::string temp = absl::StrCat(path, ".tmp.XXXXXX");
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return FileError("write", path, errno);
  temp = name.data();
  bool written = ::fchmod(fd, 0600) == 0 && WriteAll(fd, absl::StrCat(token, "\n"));
  int error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) {
    ::unlink(temp.c_str());
    return FileError("write", path, error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return FileError("write", path, error);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> ReadTokenFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return FileError("read", path, errno);
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the token file '", path, "'; run 'cantinectl login' again"));
  }
  const absl::string_view token = absl::StripAsciiWhitespace(line);
  if (token.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the token file '", path, "' starts with an empty line; run 'cantinectl login' again"));
  }
  return std::string(token);
}

absl::StatusOr<bool> RemoveTokenFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return FileError("delete", path, errno);
  }
  return true;
}

}  // namespace cantine::cantinectl
