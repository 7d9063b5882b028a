#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "services/domain/id_generator.h"

namespace cantine::testing {

// Ids 0000000000000001, 0000000000000002, ...: distinct and predictable. Thread-safe.
class SequentialIds final : public domain::IdGenerator {
 public:
  std::string NewId() override { return absl::StrFormat("%016x", next_.fetch_add(1)); }

 private:
  std::atomic<uint64_t> next_{1};
};

}  // namespace cantine::testing
