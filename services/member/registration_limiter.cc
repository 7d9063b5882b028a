#include "services/member/registration_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace cantine::member {
namespace {

constexpr size_t kMinSweepAt = 1024;

// The wait until `bucket` (refilled to now) holds a whole token, rounded up to the second.
absl::Duration WaitForToken(double tokens, int per_minute) {
  const double seconds = (1.0 - tokens) * 60.0 / per_minute;
  return absl::Seconds(std::max(1.0, std::ceil(seconds)));
}

}  // namespace

RegistrationLimiter::RegistrationLimiter(Limits limits, const storage::Clock* clock)
    : limits_(limits), clock_(clock), sweep_at_(kMinSweepAt) {
  site_.tokens = limits_.per_site_per_minute;
}

RegistrationLimiter::Bucket RegistrationLimiter::Refilled(const Bucket& bucket, int per_minute,
                                                          absl::Time now) {
  if (bucket.updated == absl::InfinitePast()) return {static_cast<double>(per_minute), now};
  // A clock that steps back refills nothing, and the bucket waits for it to catch up.
  const double minutes = std::max(0.0, absl::ToDoubleMinutes(now - bucket.updated));
  return {std::min<double>(per_minute, bucket.tokens + minutes * per_minute),
          std::max(now, bucket.updated)};
}

absl::Status RegistrationLimiter::Admit(absl::string_view address) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = addresses_.find(address);
  const Bucket mine =
      Refilled(it == addresses_.end() ? Bucket() : it->second, limits_.per_address_per_minute, now);
  if (mine.tokens < 1.0) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many ", limits_.calls, " from ", limits_.caller, ": at most ",
        limits_.per_address_per_minute, " a minute; retry in ",
        absl::FormatDuration(WaitForToken(mine.tokens, limits_.per_address_per_minute)), ", or ",
        limits_.otherwise));
  }
  const Bucket site = Refilled(site_, limits_.per_site_per_minute, now);
  if (site.tokens < 1.0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many ", limits_.calls, " at this site: at most ",
                     limits_.per_site_per_minute, " a minute; retry in ",
                     absl::FormatDuration(WaitForToken(site.tokens, limits_.per_site_per_minute)),
                     ", or ", limits_.otherwise));
  }
  site_ = {site.tokens - 1.0, site.updated};
  addresses_.insert_or_assign(std::string(address), Bucket{mine.tokens - 1.0, mine.updated});
  if (addresses_.size() > sweep_at_) DropFullBuckets(now);
  return absl::OkStatus();
}

void RegistrationLimiter::DropFullBuckets(absl::Time now) {
  absl::erase_if(addresses_, [&](const auto& entry) {
    return Refilled(entry.second, limits_.per_address_per_minute, now).tokens >=
           limits_.per_address_per_minute;
  });
  sweep_at_ = std::max(kMinSweepAt, 2 * addresses_.size());
}

size_t RegistrationLimiter::HeldBuckets() const {
  absl::MutexLock lock(&mu_);
  return addresses_.size();
}

}  // namespace cantine::member
