#include "services/files/private_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cantine::files {
namespace {

constexpr mode_t kGroupOrOthers = S_IRWXG | S_IRWXO;

// "is readable by group or others (mode 0644); run: chmod 600 /x".
std::string OpenToOthers(const std::string& path, mode_t mode, absl::string_view wanted) {
  const bool readable = (mode & (S_IRGRP | S_IROTH)) != 0;
  return absl::StrFormat("is %s group or others (mode %04o); run: chmod %s %s",
                         readable ? "readable by" : "open to", mode & 07777, wanted, path);
}

}  // namespace

absl::Status CheckPrivateFile(absl::string_view what, const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " cannot be checked: ", std::strerror(errno)));
  }
  if ((info.st_mode & kGroupOrOthers) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " ", OpenToOthers(path, info.st_mode, "600")));
  }
  return absl::OkStatus();
}

absl::Status MakePrivateFolder(absl::string_view what, const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", what, " ", path, ": ", error.message()));
    }
  }
  // mkdir applies the umask, which can only take permissions away from 0700.
  if (::mkdir(path.c_str(), 0700) == 0) return absl::OkStatus();
  if (errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", what, " ", path, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " cannot be checked: ", std::strerror(errno)));
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, " is not a folder"));
  }
  if ((info.st_mode & kGroupOrOthers) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " ", OpenToOthers(path, info.st_mode, "700")));
  }
  return absl::OkStatus();
}

}  // namespace cantine::files
