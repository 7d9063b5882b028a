#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace cantine::auth {

// Ed25519 signatures through OpenSSL. Keys are immutable once loaded; both classes are
// thread-safe (OpenSSL's one-shot EVP_DigestSign/Verify use a fresh context per call).

class Ed25519PublicKey {
 public:
  // From a PEM "PUBLIC KEY" block (openssl pkey -pubout) or the raw 32 bytes.
  static absl::StatusOr<Ed25519PublicKey> FromPem(absl::string_view pem);
  static absl::StatusOr<Ed25519PublicKey> FromRaw(absl::string_view raw);
  static absl::StatusOr<Ed25519PublicKey> LoadPemFile(const std::string& path);

  // True when `signature` is this key's signature of `message`.
  bool Verify(absl::string_view message, absl::string_view signature) const;
  // The raw 32 bytes, as the directory carries them.
  std::string Raw() const;
  // A PEM "PUBLIC KEY" block.
  std::string ToPem() const;

 private:
  explicit Ed25519PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class Ed25519PrivateKey {
 public:
  // From a PEM "PRIVATE KEY" file made by `openssl genpkey -algorithm ed25519`.
  // FAILED_PRECONDITION naming the file when it is missing or not an Ed25519 key.
  static absl::StatusOr<Ed25519PrivateKey> LoadPemFile(const std::string& path);
  static absl::StatusOr<Ed25519PrivateKey> FromPem(absl::string_view pem);
  // A fresh key, for tests and tools.
  static Ed25519PrivateKey Generate();

  // The 64-byte signature of `message`.
  std::string Sign(absl::string_view message) const;
  Ed25519PublicKey PublicKey() const;
  // A PEM "PRIVATE KEY" block (PKCS#8), as openssl genpkey writes it.
  std::string ToPem() const;

 private:
  explicit Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace cantine::auth
