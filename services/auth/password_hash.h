#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::auth {

// scrypt's cost (RFC 7914): N = 2^log2_n, block size r, parallelism p. The memory one hash
// takes is 128 * N * r bytes.
struct ScryptCost {
  int log2_n = 15;  // 32 MiB with r = 8, about 0.1 s of one core: OWASP's minimum.
  int r = 8;
  int p = 1;
};

// A member's password, stored only as scrypt's memory-hard hash (OpenSSL's EVP_PBE_scrypt)
// with a random salt, encoded with its cost so a later change of cost still verifies:
// "scrypt$<log2 N>$<r>$<p>$<salt, base64>$<hash, base64>".

// INVALID_ARGUMENT naming `field` for a password shorter than 10 or longer than 128 bytes.
absl::Status CheckPassword(absl::string_view field, absl::string_view password);

// The encoded hash of `password` (checked first) under `cost`, with a new 16-byte salt.
absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         const ScryptCost& cost = ScryptCost());

// Whether `password` hashes to `encoded`, compared in constant time. INVALID_ARGUMENT when
// `encoded` is not an encoding HashPassword writes.
absl::StatusOr<bool> VerifyPassword(absl::string_view password, absl::string_view encoded);

}  // namespace cantine::auth
