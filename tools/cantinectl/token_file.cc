#include "tools/cantinectl/token_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

constexpr absl::string_view kMemberLabel = "member";
constexpr absl::string_view kBookingLabel = "booking";
constexpr absl::string_view kAccountLabel = "account";

}  // namespace

absl::Status WriteTokenFile(const std::string& path, const StoredTokens& tokens) {
  if (const std::string folder = FolderOf(path); !folder.empty()) {
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return FileError(absl::StrCat("create the folder '", folder, "' of"), path, errno);
    }
  }
  const std::string content =
      absl::StrCat(kMemberLabel, " ", tokens.member_id, "\n", kBookingLabel, " ", tokens.booking,
                   "\n", kAccountLabel, " ", tokens.account, "\n");
  if (absl::Status s = files::WriteFileAtomically(path, content, 0600); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("token file: ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredTokens>> ReadTokenFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return FileError("read", path, errno);
  }
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the token file '", path, "'; run 'cantinectl login' again"));
  }
  StoredTokens tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (number == 1 && text.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the token file '", path, "' starts with an empty line; run 'cantinectl login' again"));
    }
    const std::pair<absl::string_view, absl::string_view> field =
        absl::StrSplit(text, absl::MaxSplits(' ', 1));
    std::string* value = field.first == kMemberLabel    ? &tokens.member_id
                         : field.first == kBookingLabel ? &tokens.booking
                         : field.first == kAccountLabel ? &tokens.account
                                                        : nullptr;
    if (value != nullptr) *value = std::string(absl::StripAsciiWhitespace(field.second));
  }
  if (tokens.member_id.empty() || tokens.booking.empty() || tokens.account.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the token file '", path,
                     "' does not hold a member id, a booking token and an account "
                     "token; run 'cantinectl login' again"));
  }
  return tokens;
}

absl::StatusOr<bool> RemoveTokenFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return FileError("delete", path, errno);
  }
  return true;
}

}  // namespace cantine::cantinectl
