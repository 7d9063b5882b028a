#include "services/domain/rsvp.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

// FAILED_PRECONDITION unless `event` still takes RSVPs at `now`.
absl::Status CheckOpen(const Event& event, absl::Time now) {
  if (event.state == EventState::kCancelled) {
    return absl::FailedPreconditionError(
        absl::StrCat("event ", event.event_id, " is cancelled; it takes no RSVPs"));
  }
  if (event.start <= now) {
    return absl::FailedPreconditionError(
        absl::StrCat("event ", event.event_id, " has started; it takes no more RSVPs"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRsvpRequest(absl::string_view event_id, absl::string_view member_id,
                                 absl::string_view idempotency_key) {
  RETURN_IF_ERROR(CheckSlug("event_id", event_id));
  RETURN_IF_ERROR(CheckSlug("member_id", member_id));
  return CheckText("idempotency_key", idempotency_key, kMaxRsvpIdempotencyKeyLength,
                   /*required=*/false);
}

bool RepeatsRsvp(const Rsvp& existing, absl::string_view idempotency_key) {
  if (existing.state != RsvpState::kCancelled) return true;
  return !idempotency_key.empty() && idempotency_key == existing.idempotency_key;
}

absl::StatusOr<RsvpState> AdmitRsvp(const Event& event, absl::Time now) {
  RETURN_IF_ERROR(CheckOpen(event, now));
  // Waiters go first: a place freed is theirs before it is a newcomer's.
  if (event.waitlist_count == 0 && event.going_count < event.capacity) return RsvpState::kGoing;
  if (event.waitlist_count >= kMaxEventWaitlist) {
    return absl::ResourceExhaustedError(absl::StrCat("event ", event.event_id, " is full and its ",
                                                     kMaxEventWaitlist,
                                                     " waitlist places are taken"));
  }
  return RsvpState::kWaitlisted;
}

int32_t WaitersToPromote(const Event& event, absl::Time now) {
  if (!CheckOpen(event, now).ok()) return 0;
  return std::clamp(event.capacity - event.going_count, 0, event.waitlist_count);
}

}  // namespace cantine::domain
