#include "services/auth/random_bytes.h"

#include <openssl/rand.h>

#include "absl/status/status.h"

namespace cantine::auth {

absl::StatusOr<std::string> RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    return absl::InternalError("OpenSSL gave no random bytes");
  }
  return bytes;
}

}  // namespace cantine::auth
