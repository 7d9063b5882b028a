#pragma once

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/clock.h"

namespace cantine::domain {

// Where new record ids come from. Injected so tests can make ids predictable.
// Implementations are thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // 16 lower-case hex digits, never one this generator gave before (another generator may
  // give it: NewUnusedId).
  virtual std::string NewId() = 0;
};

// Ids in the order they were made: the clock's Unix milliseconds in the top 42 bits (until
// the year 2109), 22 random bits below, and always above this generator's last id. Records
// keyed by them go to the end of their table's memtable instead of a random place in it:
// a tenth of a booking's CPU, and nearly half of a replica's CPU replaying members
// (docs/benchmarks.md). Unique within one generator only: another one (this node before a
// restart, its clock since set back) may have made the same id, so new records take their
// ids from NewUnusedId.
class TimeOrderedIdGenerator final : public IdGenerator {
 public:
  // `clock` is not owned and outlives the generator.
  explicit TimeOrderedIdGenerator(const storage::Clock* clock) : clock_(clock) {}

  std::string NewId() override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const storage::Clock* const clock_;
  absl::Mutex mu_;
  absl::BitGen bits_ ABSL_GUARDED_BY(mu_);
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
};

// Ids drawn for one new record before NewUnusedId takes the generator to be broken.
inline constexpr int kMaxIdDraws = 8;

// The id `make_id` builds around the generator's next that `is_used` (a read of the record
// it would name) finds free, drawing again while it is not: a record written under a used
// id would replace another. INTERNAL naming `what` after kMaxIdDraws used ids in a row.
absl::StatusOr<std::string> NewUnusedId(
    IdGenerator& ids, absl::string_view what,
    absl::FunctionRef<std::string(absl::string_view unique_part)> make_id,
    absl::FunctionRef<absl::StatusOr<bool>(const std::string& id)> is_used);

}  // namespace cantine::domain
