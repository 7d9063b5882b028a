#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/domain/id_generator.h"

namespace cantine::testing {

// Ids 0000000000000001, 0000000000000002, ...: distinct and predictable. Thread-safe.
class SequentialIds final : public domain::IdGenerator {
 public:
  std::string NewId() override { return absl::StrFormat("%016x", next_.fetch_add(1)); }

 private:
  std::atomic<uint64_t> next_{1};
};

// Gives `ids` in turn, then the last one again and again: a generator that repeats ids
// another one made, as a node's does when its clock was set back across a restart.
// Thread-safe.
class RepeatingIds final : public domain::IdGenerator {
 public:
  explicit RepeatingIds(std::vector<std::string> ids) : ids_(std::move(ids)) {}
  std::string NewId() override {
    absl::MutexLock lock(&mu_);
    return ids_[std::min(next_++, ids_.size() - 1)];
  }

 private:
  absl::Mutex mu_;
  const std::vector<std::string> ids_;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
};

// The 16 hex digits of a record id ("<site id>-<16 hex digits>"), after its site.
inline std::string UniquePart(absl::string_view record_id) {
  return std::string(record_id.substr(record_id.rfind('-') + 1));
}

}  // namespace cantine::testing
