#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/event.h"

namespace cantine::domain {

enum class RsvpState { kGoing, kWaitlisted, kCancelled };

// A member's place at an event, held by the event's host only.
struct Rsvp {
  std::string event_id;
  std::string member_id;
  RsvpState state = RsvpState::kGoing;
  std::string idempotency_key;  // The key of the request that made it; may be empty.
  absl::Time create_time;
  absl::Time update_time;
  int32_t waitlist_position = 0;  // While waitlisted: 1 for the first waiter.

  friend bool operator==(const Rsvp&, const Rsvp&) = default;
};

inline constexpr size_t kMaxRsvpIdempotencyKeyLength = 128;

// INVALID_ARGUMENT naming the field: event_id and member_id slugs, an idempotency key of at
// most 128 bytes (optional).
absl::Status ValidateRsvpRequest(absl::string_view event_id, absl::string_view member_id,
                                 absl::string_view idempotency_key);

// Whether a request with `idempotency_key` asks again for `existing`, which it then returns
// as it is: the member still holds a place (going or waiting), or the key is the one that
// made it (a retry arriving after the member cancelled).
bool RepeatsRsvp(const Rsvp& existing, absl::string_view idempotency_key);

// Where a member asking for a place at `event` at `now` goes: GOING while fewer are going
// than its capacity, else WAITLISTED. FAILED_PRECONDITION for a cancelled event or one that
// has started; RESOURCE_EXHAUSTED when its waitlist is full.
absl::StatusOr<RsvpState> AdmitRsvp(const Event& event, absl::Time now);

// How many waiters `event` takes in at `now`, first come first in: as many as there are
// free places and waiters; none once it is cancelled or has started.
int32_t WaitersToPromote(const Event& event, absl::Time now);

}  // namespace cantine::domain
