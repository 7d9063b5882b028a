#include "tools/cantinectl/token_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/files/atomic_file.h"

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

}  // namespace

absl::Status WriteTokenFile(const std::string& path, absl::string_view token) {
  if (const std::string folder = FolderOf(path); !folder.empty()) {
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return FileError(absl::StrCat("create the folder '", folder, "' of"), path, errno);
    }
  }
  if (absl::Status s = files::WriteFileAtomically(path, absl::StrCat(token, "\n"), 0600); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("token file: ", s.message()));
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
