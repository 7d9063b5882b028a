#include "services/domain/id_generator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

constexpr int kRandomBits = 22;
constexpr int64_t kMaxMillis = (int64_t{1} << (64 - kRandomBits)) - 1;

}  // namespace

std::string TimeOrderedIdGenerator::NewId() {
  // A clock before 1970 or past 2109 is held at the end of the range, not wrapped around.
  const uint64_t millis = std::clamp<int64_t>(absl::ToUnixMillis(clock_->Now()), 0, kMaxMillis);
  uint64_t value;
  {
    absl::MutexLock lock(&mu_);
    const uint64_t drawn =
        (millis << kRandomBits) | absl::Uniform<uint64_t>(bits_, 0, uint64_t{1} << kRandomBits);
    value = std::max(drawn, last_ + 1);
    last_ = value;
  }
  return absl::StrFormat("%016x", value);
}

absl::StatusOr<std::string> NewUnusedId(
    IdGenerator& ids, absl::string_view what,
    absl::FunctionRef<std::string(absl::string_view unique_part)> make_id,
    absl::FunctionRef<absl::StatusOr<bool>(const std::string& id)> is_used) {
  for (int draw = 0; draw < kMaxIdDraws; ++draw) {
    std::string id = make_id(ids.NewId());
    ASSIGN_OR_RETURN(const bool used, is_used(id));
    if (!used) return id;
  }
  return absl::InternalError(
      absl::StrCat("no unused ", what, " id in ", kMaxIdDraws, " draws of the id generator"));
}

}  // namespace cantine::domain
