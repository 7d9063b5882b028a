#include "services/domain/id_generator.h"

#include "absl/strings/str_format.h"

namespace cantine::domain {

std::string RandomIdGenerator::NewId() {
  uint64_t value;
  {
    absl::MutexLock lock(&mu_);
    value = absl::Uniform<uint64_t>(bits_);
  }
  return absl::StrFormat("%016x", value);
}

}  // namespace cantine::domain
