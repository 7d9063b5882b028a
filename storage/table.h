#pragma once

#include <array>

#include "absl/strings/string_view.h"

namespace cantine::storage {

// One RocksDB column family per table. Adding a table is adding an enumerator here, in
// kAllTables and its name in table.cc; an existing database gains the column family on
// its next open. Names are stable on disk, never renamed.
enum class Table {
  kMeta,                // The node's own site record and policy: a handful of keys.
  kSpaces,              // space_id -> cantine.v1.Space.
  kMembers,             // member_id -> cantine.v1.Member (members whose home is this site).
  kMemberEmails,        // email -> member_id, to keep emails unique per home site.
  kBookings,            // booking_id -> stored booking.
  kBookingsByMember,    // (member_id, start, booking_id) -> "".
  kBookingsBySpaceDay,  // (space_id, venue day, booking_id) -> "".
  kSlotCounters,        // (space_id, venue day, slot index) -> seats held (uint32).
  kIdempotency,         // (member_id, idempotency_key) -> booking_id and request fingerprint.
  kNoShowQueue,         // (no-show deadline, booking_id) -> "" for unchecked bookings.
  kOplog,               // (origin site, incarnation, seq) -> cantine.v1.OplogEntry.
  kVersionVector,       // (origin site, incarnation) -> highest contiguous seq, chain hash.
  kDirectory,           // site_id -> cantine.v1.DirectoryEntry with its stamp.
  kEvents,              // event_id -> cantine.v1.Event with its stamp.
};

inline constexpr std::array<Table, 10> kAllTables = {Table::kMeta,
                                                     Table::kSpaces,
                                                     Table::kMembers,
                                                     Table::kMemberEmails,
                                                     Table::kBookings,
                                                     Table::kBookingsByMember,
                                                     Table::kBookingsBySpaceDay,
                                                     Table::kSlotCounters,
                                                     Table::kIdempotency,
                                                     Table::kNoShowQueue};

// The column family name of a table.
absl::string_view TableName(Table table);

}  // namespace cantine::storage
