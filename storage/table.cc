#include "storage/table.h"

namespace cantine::storage {

absl::string_view TableName(Table table) {
  switch (table) {
    case Table::kMeta:
      return "meta";
    case Table::kSpaces:
      return "spaces";
    case Table::kMembers:
      return "members";
    case Table::kMemberEmails:
      return "member_emails";
    case Table::kBookings:
      return "bookings";
    case Table::kBookingsByMember:
      return "bookings_by_member";
    case Table::kBookingsBySpaceDay:
      return "bookings_by_space_day";
    case Table::kSlotCounters:
      return "slot_counters";
    case Table::kIdempotency:
      return "idempotency";
    case Table::kNoShowQueue:
      return "no_show_queue";
    case Table::kOplog:
      return "oplog";
    case Table::kVersionVector:
      return "version_vector";
    case Table::kDirectory:
      return "directory";
    case Table::kEvents:
      return "events";
    case Table::kReceipts:
      return "receipts";
    case Table::kReceiptsByMember:
      return "receipts_by_member";
    case Table::kReceiptsBySiteDay:
      return "receipts_by_site_day";
    case Table::kReceiptsByMonth:
      return "receipts_by_month";
    case Table::kVisitDays:
      return "visit_days";
    case Table::kReceiptOutbox:
      return "receipt_outbox";
    case Table::kRedactions:
      return "redactions";
    case Table::kEntriesBySubject:
      return "entries_by_subject";
    case Table::kHomeMembers:
      return "home_members";
    case Table::kMemberRequests:
      return "member_requests";
    case Table::kSiteListings:
      return "site_listings";
    case Table::kReceiptFeed:
      return "receipt_feed";
    case Table::kEventsByStart:
      return "events_by_start";
    case Table::kPasswords:
      return "passwords";
    case Table::kRsvps:
      return "rsvps";
    case Table::kRsvpWaitlist:
      return "rsvp_waitlist";
    case Table::kRsvpsByMember:
      return "rsvps_by_member";
    case Table::kCalendarFeeds:
      return "calendar_feeds";
  }
  return "unknown";
}

}  // namespace cantine::storage
