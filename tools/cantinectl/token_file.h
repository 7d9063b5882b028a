#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::cantinectl {

// The member tokens cantinectl keeps between calls ('login' writes them, 'logout' deletes
// them), in a file only its owner can read: one sign-in's two tokens, each line a label and
// a value:
//   member <member id>
//   booking <token of BOOKING scope>   presented by the booking commands, at any node
//   account <token of ACCOUNT scope>   presented by member update/erase, login (a refresh)
//                                      and logout, at the member's home site only
struct StoredTokens {
  std::string member_id;
  std::string booking;
  std::string account;
  friend bool operator==(const StoredTokens&, const StoredTokens&) = default;
};

// Writes `tokens` to `path`, mode 0600: to a new file beside it first, then renamed over it,
// so that a reader never finds half a file. Creates the folder of `path`, mode 0700, when
// it is missing (not its parents). FAILED_PRECONDITION naming the file on failure.
absl::Status WriteTokenFile(const std::string& path, const StoredTokens& tokens);

// The tokens in `path`; nullopt when there is no such file. FAILED_PRECONDITION naming the
// file when it cannot be read, or lacks one of its three lines (run 'cantinectl login'
// again).
absl::StatusOr<std::optional<StoredTokens>> ReadTokenFile(const std::string& path);

// Deletes `path`. True when it was deleted, false when there was no such file;
// FAILED_PRECONDITION naming the file when it cannot be deleted.
absl::StatusOr<bool> RemoveTokenFile(const std::string& path);

}  // namespace cantine::cantinectl
