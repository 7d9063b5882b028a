#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/rsvp.h"
#include "storage/hybrid_clock.h"
#include "storage/store.h"

namespace cantine::event {

// A member's RSVP as its host stores it, with its key in the waitlist while it waits: the
// clock of the write that queued it, so the waitlist runs in the order of the host's writes.
struct RsvpRow {
  domain::Rsvp rsvp;
  std::optional<storage::HybridTime> waitlisted_at;
};

// The RSVP rows of this host's events, kept in step inside the caller's transaction:
// Table::kRsvps (event_id, member_id) -> cantine.v1.StoredRsvp, the waitlist in
// Table::kRsvpWaitlist and each member's index in Table::kRsvpsByMember. Writers hold the
// event's lock (EventBoard), which orders them.

// The RSVP of `member_id` to `event_id`; nullopt when there is none. DATA_LOSS for a row
// that does not decode.
absl::StatusOr<std::optional<RsvpRow>> ReadRsvp(storage::Transaction& txn,
                                                absl::string_view event_id,
                                                absl::string_view member_id);

// Stores `row` over `previous` (the row read before, if any): the waitlist holds it exactly
// while it is waitlisted.
absl::Status WriteRsvp(storage::Transaction& txn, const RsvpRow& row,
                       const std::optional<RsvpRow>& previous);

// The first `count` waiters of `event_id`, in order.
absl::StatusOr<std::vector<RsvpRow>> FirstWaiters(storage::Transaction& txn,
                                                  absl::string_view event_id, int32_t count);

// 1 for the first waiter of its event; 0 when `row` is not waitlisted.
absl::StatusOr<int32_t> WaitlistPosition(storage::Transaction& txn, const RsvpRow& row);

// The prefix of an event's rows in Table::kRsvps (by member id) and Table::kRsvpWaitlist (in
// order); the key of a member's row in Table::kRsvps, and such a row read back (DATA_LOSS
// for one that does not decode).
std::string EventPrefix(absl::string_view event_id);
std::string EventRsvpKey(absl::string_view event_id, absl::string_view member_id);
absl::StatusOr<RsvpRow> RsvpOfEventRow(const storage::KeyValue& row);

// The prefix of a member's keys in Table::kRsvpsByMember, by event id, and the event a key
// there names (DATA_LOSS for a key that does not decode).
std::string MemberRsvpsPrefix(absl::string_view member_id);
absl::StatusOr<std::string> EventOfMemberRsvpKey(absl::string_view key);

}  // namespace cantine::event
