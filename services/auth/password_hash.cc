#include "services/auth/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/auth/random_bytes.h"

namespace cantine::auth {
namespace {

constexpr size_t kMinPasswordBytes = 10;
constexpr size_t kMaxPasswordBytes = 128;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// The costs a stored hash may name: a corrupt one cannot make a check take minutes or GiB.
constexpr int kMaxLog2N = 20;
constexpr int kMaxR = 16;
constexpr int kMaxP = 4;

absl::StatusOr<std::string> Scrypt(absl::string_view password, absl::string_view salt,
                                   const ScryptCost& cost) {
  const uint64_t n = uint64_t{1} << cost.log2_n;
  // What scrypt needs (128 N r, plus 128 r p), with room to spare.
  const uint64_t max_memory = 256 * n * static_cast<uint64_t>(cost.r) + (1 << 20);
  std::string hash(kHashBytes, '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n,
                     static_cast<uint64_t>(cost.r), static_cast<uint64_t>(cost.p), max_memory,
                     reinterpret_cast<unsigned char*>(hash.data()), hash.size()) != 1) {
    return absl::InternalError("scrypt failed (out of memory?)");
  }
  return hash;
}

}  // namespace

absl::Status CheckPassword(absl::string_view field, absl::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be ", kMinPasswordBytes, " to ",
                                                   kMaxPasswordBytes, " bytes long"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password, const ScryptCost& cost) {
  if (const absl::Status checked = CheckPassword("password", password); !checked.ok()) {
    return checked;
  }
  absl::StatusOr<std::string> salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.status();
  absl::StatusOr<std::string> hash = Scrypt(password, *salt, cost);
  if (!hash.ok()) return hash.status();
  return absl::StrCat("scrypt$", cost.log2_n, "$", cost.r, "$", cost.p, "$",
                      absl::Base64Escape(*salt), "$", absl::Base64Escape(*hash));
}

absl::StatusOr<bool> VerifyPassword(absl::string_view password, absl::string_view encoded) {
  const std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  ScryptCost cost;
  std::string salt;
  std::string expected;
  if (parts.size() != 6 || parts[0] != "scrypt" || !absl::SimpleAtoi(parts[1], &cost.log2_n) ||
      !absl::SimpleAtoi(parts[2], &cost.r) || !absl::SimpleAtoi(parts[3], &cost.p) ||
      cost.log2_n < 1 || cost.log2_n > kMaxLog2N || cost.r < 1 || cost.r > kMaxR || cost.p < 1 ||
      cost.p > kMaxP || !absl::Base64Unescape(parts[4], &salt) ||
      !absl::Base64Unescape(parts[5], &expected) || expected.size() != kHashBytes) {
    return absl::InvalidArgumentError("not a stored password hash");
  }
  // Any length is hashed: a password too long to set is merely wrong, not an error.
  absl::StatusOr<std::string> hash = Scrypt(password.substr(0, kMaxPasswordBytes), salt, cost);
  if (!hash.ok()) return hash.status();
  return password.size() <= kMaxPasswordBytes &&
         CRYPTO_memcmp(hash->data(), expected.data(), kHashBytes) == 0;
}

}  // namespace cantine::auth
