#include "services/auth/admin_credential.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "openssl/crypto.h"

namespace cantine::auth {

absl::StatusOr<AdminCredential> AdminCredential::LoadFromFile(const std::string& path) {
  if (path.empty()) {
    return absl::FailedPreconditionError(
        "no admin credential file: admin_credential_file in a node's config, "
        "--admin_credential_file to cantinectl");
  }
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the admin credential file '", path, "'"));
  }
  std::string line;
  std::getline(in, line);
  absl::StatusOr<AdminCredential> credential =
      FromSecret(std::string(absl::StripAsciiWhitespace(line)));
  if (!credential.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("admin credential file '", path, "': ", credential.status().message()));
  }
  return credential;
}

absl::StatusOr<AdminCredential> AdminCredential::FromSecret(std::string secret) {
  if (secret.size() < kMinLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("the admin credential must be at least ", kMinLength,
                     " characters (make one with: openssl rand -hex 32)"));
  }
  return AdminCredential(std::move(secret));
}

absl::Status AdminCredential::Check(const std::optional<std::string>& bearer_token) const {
  if (!bearer_token.has_value()) {
    return absl::UnauthenticatedError(
        "this call needs the admin credential as 'authorization: Bearer <credential>'");
  }
  if (bearer_token->size() != secret_.size() ||
      CRYPTO_memcmp(bearer_token->data(), secret_.data(), secret_.size()) != 0) {
    return absl::PermissionDeniedError("the credential presented is not the admin credential");
  }
  return absl::OkStatus();
}

}  // namespace cantine::auth
