#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace cantine::storage {

// One RocksDB column family per table. Adding a table is adding an enumerator at the end
// (updating kTableCount if it is the new last) and its name in table.cc; an existing
// database gains the column family on its next open. Names are stable on disk.
enum class Table {
  kMeta,                // The node's own site record and policy: a handful of keys.
  kSpaces,              // space_id -> cantine.v1.Space.
  kMembers,             // member_id -> cantine.v1.StoredMember: what every member of the
                        // network shows network-wide (the same on every node).
  kMemberEmails,        // email -> member_id, to keep emails unique per home site.
  kBookings,            // booking_id -> stored booking.
  kBookingsByMember,    // (member_id, start, booking_id) -> "".
  kBookingsBySpaceDay,  // (space_id, venue day, booking_id) -> "".
  kSlotCounters,        // (space_id, venue day, slot index) -> seats held, a count (records.h).
  kIdempotency,         // (member_id, idempotency_key) -> booking_id and request fingerprint.
  kNoShowQueue,         // (no-show deadline, booking_id) -> "" for unchecked bookings.
  kOplog,               // (origin site, incarnation, seq) -> cantine.v1.OplogEntry.
  kVersionVector,       // (origin site, incarnation) -> highest contiguous seq, chain hash.
  kDirectory,           // site_id -> cantine.v1.DirectoryEntry with its stamp.
  kEvents,              // event_id -> cantine.v1.Event with its stamp.
  kReceipts,            // booking_id -> cantine.v1.Booking, the latest receipt of any venue.
  kReceiptsByMember,    // (member_id, start, booking_id) -> booking_id.
  kReceiptsBySiteDay,   // (site_id, venue day, booking_id) -> booking_id; visitors' only.
  kReceiptsByMonth,     // (month of the first venue day, booking_id) -> booking_id;
                        // visitors' only.
  kVisitDays,           // (member_id, month) -> distinct visit days held; with (site_id,
                        // venue day) appended -> charged visits covering that day. Counts
                        // (records.h).
  kReceiptOutbox,       // booking_id -> cantine.v1.Booking: this venue's receipts not yet
                        // in the oplog.
  kRedactions,          // subject -> cantine.v1.RedactionNotice: erased subjects.
  kEntriesBySubject,    // (subject, origin site, incarnation, seq) -> "": the oplog entries
                        // that name a subject, to redact them.
  kHomeMembers,         // member_id -> cantine.v1.Member: the whole profile of this site's
                        // own members (email, fields not shown, the choice); never replicated.
  kMemberRequests,      // ("email", SHA-256 of the lowercase email) -> cantine.v1.Member and
                        // ("time", micros, SHA-256 of the email) -> "": registration requests
                        // made without a credential; home only.
  kSiteListings,        // site_id -> cantine.v1.SignedDirectoryChange: the admin-signed
                        // change each site is listed by (directory_change.h).
  kReceiptFeed,         // (home site_id, seq) -> cantine.v1.Booking: this venue's receipts of
                        // other sites' members, in the order written, for their homes to
                        // pull (PullReceipts).
  kEventsByStart,       // (start micros, event_id) -> "": the events in listing order.
  kPasswords,           // member_id -> the scrypt hash of a member's web password
                        // (auth/password_hash.h); this site's members only, never replicated.
  kRsvps,               // (event_id, member_id) -> cantine.v1.StoredRsvp: RSVPs to this
                        // host's events; never replicated.
  kRsvpWaitlist,        // (event_id, hlc wall micros, hlc logical) -> member_id: each event's
                        // waiters, first come first.
  kRsvpsByMember,       // (member_id, event_id) -> "": a member's RSVPs here.
  kCalendarFeeds,       // member_id -> the secret key of the member's calendar feed
                        // (CalendarService); this site's members only, never replicated.
};

// The number of tables; the enumerators run from 0 to kTableCount - 1.
inline constexpr size_t kTableCount = static_cast<size_t>(Table::kCalendarFeeds) + 1;

// The column family name of a table.
absl::string_view TableName(Table table);

}  // namespace cantine::storage
