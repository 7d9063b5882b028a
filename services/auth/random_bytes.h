#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace cantine::auth {

// `count` bytes from OpenSSL's cryptographically secure generator: salts and secrets.
// INTERNAL when the generator fails (it is not seeded).
absl::StatusOr<std::string> RandomBytes(size_t count);

}  // namespace cantine::auth
