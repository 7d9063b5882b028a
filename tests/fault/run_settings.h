#pragma once

#include <cstdint>
#include <cstdlib>

#include "absl/strings/numbers.h"

namespace cantine::testing {

// A run's setting from the environment (CANTINE_FAULT_SECONDS=900): tools/fault-run and
// tools/soak make longer runs of the tests of tests/fault this way. `otherwise` when unset
// or not a number.
inline int64_t EnvironmentNumber(const char* name, int64_t otherwise) {
  const char* text = std::getenv(name);
  int64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : otherwise;
}

}  // namespace cantine::testing
