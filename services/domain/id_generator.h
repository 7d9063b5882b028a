#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"

namespace cantine::domain {

// Where new record ids come from. Injected so tests can make ids predictable.
// Implementations are thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // 16 lower-case hex digits, unique with overwhelming probability.
  virtual std::string NewId() = 0;
};

// 64 random bits per id.
class RandomIdGenerator final : public IdGenerator {
 public:
  std::string NewId() override;

 private:
  absl::Mutex mu_;
  absl::BitGen bits_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::domain
