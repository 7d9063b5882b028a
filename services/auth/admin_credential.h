#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::auth {

// The shared secret that admin and manager calls present as a bearer token.
// Immutable once built; thread-safe.
class AdminCredential {
 public:
  // Credentials shorter than this are refused: they could be guessed.
  static constexpr size_t kMinLength = 16;

  // Reads the credential from the first line of `path`. Fails with FAILED_PRECONDITION
  // naming the file when it is missing, unreadable, or holds a too short credential.
  static absl::StatusOr<AdminCredential> LoadFromFile(const std::string& path);
  static absl::StatusOr<AdminCredential> FromSecret(std::string secret);

  // OK when `bearer_token` is the admin credential. No token: UNAUTHENTICATED.
  // Another token: PERMISSION_DENIED. Compares in constant time.
  absl::Status Check(const std::optional<std::string>& bearer_token) const;

 private:
  explicit AdminCredential(std::string secret) : secret_(std::move(secret)) {}

  std::string secret_;
};

}  // namespace cantine::auth
