#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::cantinectl {

// The member token cantinectl keeps between calls ('login' writes it, 'logout' deletes it):
// one line, the token, in a file only its owner can read.

// Writes `token` to `path`, mode 0600: to a new file beside it first, then renamed over it,
// so that a reader never finds half a token. Creates the folder of `path`, mode 0700, when
// it is missing (not its parents). FAILED_PRECONDITION naming the file on failure.
absl::Status WriteTokenFile(const std::string& path, absl::string_view token);

// The token in `path`: its first line, without surrounding whitespace; nullopt when there
// is no such file. FAILED_PRECONDITION naming the file when it cannot be read or that line
// is empty.
absl::StatusOr<std::optional<std::string>> ReadTokenFile(const std::string& path);

// Deletes `path`. True when it was deleted, false when there was no such file;
// FAILED_PRECONDITION naming the file when it cannot be deleted.
absl::StatusOr<bool> RemoveTokenFile(const std::string& path);

}  // namespace cantine::cantinectl
