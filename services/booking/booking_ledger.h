#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/booking/receipt_book.h"
#include "services/domain/booking.h"
#include "services/domain/booking_rules.h"
#include "services/domain/id_generator.h"
#include "services/domain/member.h"
#include "services/domain/slots.h"
#include "services/domain/visits.h"
#include "services/logging/logger.h"
#include "services/site/site_catalog.h"
#include "storage/clock.h"
#include "storage/paged_scan.h"
#include "storage/store.h"

namespace cantine::booking {

// The venue's bookings: the booking rules applied inside store transactions, so that no
// number of concurrent requests can oversell a slot. Every write is one transaction holding
// the booking, its indexes, the slot counters and the idempotency record, in the synced
// WAL before it is acknowledged (synced by the commit, or by the caller: Durability).
// Thread-safe.
class BookingLedger {
 public:
  using Page = storage::Page<domain::Booking>;
  struct SlotAvailability {
    domain::Slot slot;
    int32_t seats_total = 0;
    int32_t seats_free = 0;
  };

  inline static constexpr int kMaxAvailabilityDays = 62;
  inline static constexpr storage::PageLimits kPageLimits = {.default_size = 100, .max_size = 1000};
  // A count of visit days from another site above this is no count.
  inline static constexpr int kMaxVisitDays = 100000;

  // None owned; all outlive the ledger. Every change of a booking records its receipt in
  // `receipts` (and queues a visitor's for its home site) in the same transaction;
  // `allowances` says how many visit days a month each home site allows, and `elsewhere`
  // how many a visitor holds at other venues (its home is asked).
  BookingLedger(storage::Store* store, const storage::Clock* clock, domain::IdGenerator* ids,
                const site::SiteCatalog* catalog, const domain::MemberDirectory* members,
                ReceiptBook* receipts, const domain::VisitAllowances* allowances,
                domain::VisitDaysElsewhere* elsewhere);

  // How Create's commit reaches the disk: synced before it returns, or left to the caller
  // (kCallerSyncs), which must acknowledge the booking only after a Store::SyncWal that began
  // after Create returned (storage/wal_syncer.h). A booking an earlier request made, returned
  // again, may be as recent: the caller waits for that sync whatever Create returned.
  enum class Durability { kSynced, kCallerSyncs };

  // Books, or returns the booking an earlier request with the same member and idempotency
  // key made. NOT_FOUND for an unknown space or member (a member signed in with its token
  // need only not be known as erased: request.member_signed_in); INVALID_ARGUMENT and
  // FAILED_PRECONDITION from the booking rules; FAILED_PRECONDITION naming the first full
  // slot; FAILED_PRECONDITION naming the allowance when a visitor's home site allows no more
  // visit days that month; ALREADY_EXISTS when the key was used for a different request.
  absl::StatusOr<domain::Booking> Create(const domain::BookingRequest& request,
                                         Durability durability = Durability::kSynced);

  // Cancels and returns the seats. Cancelling a cancelled booking returns it unchanged;
  // after the cancellation window it is FAILED_PRECONDITION naming the window.
  // `acting_member_id` must own the booking (PERMISSION_DENIED otherwise); std::nullopt is
  // the site's desk, acting for any member.
  absl::StatusOr<domain::Booking> Cancel(absl::string_view booking_id,
                                         const std::optional<std::string>& acting_member_id);

  // Marks the booking used, so it is not released as a no-show. Idempotent. The same
  // `acting_member_id` rule as Cancel.
  absl::StatusOr<domain::Booking> CheckIn(absl::string_view booking_id,
                                          const std::optional<std::string>& acting_member_id);

  absl::StatusOr<domain::Booking> Get(absl::string_view booking_id) const;

  // The bookings of a space touching one venue day.
  absl::StatusOr<Page> ListBySpaceDay(absl::string_view space_id, absl::CivilDay day, int page_size,
                                      absl::string_view page_token) const;

  // Free seats per slot of a space over venue days [first_day, last_day].
  absl::StatusOr<std::vector<SlotAvailability>> Availability(absl::string_view space_id,
                                                             absl::CivilDay first_day,
                                                             absl::CivilDay last_day) const;

  // Releases every confirmed booking whose no-show deadline (start + grace) has passed by
  // the clock's now: the seats of its slots not yet started return to the pool, and the
  // booking stays charged as a no-show. Returns how many were released.
  absl::StatusOr<int> ReleaseNoShows();

 private:
  // Whether a booking may move to a settled state at `now`.
  using SettleRule = std::function<absl::Status(const domain::Booking&, absl::Time now)>;

  // Moves a booking to `target` (cancelled: its seats return to the pool; checked in) if
  // `rule` allows, and takes it off the no-show queue; a booking already there is returned
  // unchanged.
  absl::StatusOr<domain::Booking> Settle(absl::string_view booking_id,
                                         const std::optional<std::string>& acting_member_id,
                                         domain::BookingState target, const SettleRule& rule);
  // Visit days a member holds at other venues, per month, as its home counts them.
  using DaysElsewhere = std::map<absl::CivilMonth, int>;

  absl::StatusOr<domain::Booking> CreateOnce(const domain::BookingRequest& request,
                                             const domain::Space& space,
                                             const domain::BookingPlan& plan,
                                             const DaysElsewhere& elsewhere,
                                             const std::string& fingerprint, absl::Time now,
                                             Durability durability);
  // What `request`, planned as `plan`, needs of DaysElsewhere: nothing unless it is a visit
  // whose home site sets an allowance, else its home's count for the months of its days
  // (the count the home forwarded the request with, or asked of it).
  absl::StatusOr<DaysElsewhere> CountDaysElsewhere(const domain::BookingRequest& request,
                                                   const domain::BookingPlan& plan) const;
  // A new booking id naming no booking yet (domain::NewUnusedId). The read takes no lock: a
  // generator never repeats its own ids, so only a committed booking can hold one.
  absl::StatusOr<std::string> NewBookingId(storage::Transaction& txn) const;
  // Writes `booking` and its receipt, queued for replication, in `txn`: a booking never
  // changes without its receipt.
  absl::Status StoreBooking(storage::Transaction& txn, const domain::Booking& booking) const;
  // FAILED_PRECONDITION when `booking`, a visit, would take its member past the home site's
  // monthly allowance of visit days: those it holds here (this venue's receipts, locked)
  // and `elsewhere` (nothing when the home could not be asked).
  absl::Status CheckVisitAllowance(storage::Transaction& txn, const domain::Booking& booking,
                                   const DaysElsewhere& elsewhere) const;
  absl::StatusOr<Page> ListIndex(storage::Table table, const std::string& prefix, int page_size,
                                 absl::string_view page_token) const;

  storage::Store* const store_;
  const storage::Clock* const clock_;
  domain::IdGenerator* const ids_;
  const site::SiteCatalog* const catalog_;
  const domain::MemberDirectory* const members_;
  ReceiptBook* const receipts_;
  const domain::VisitAllowances* const allowances_;
  domain::VisitDaysElsewhere* const elsewhere_;
  const logging::Logger log_{"ledger"};
};

}  // namespace cantine::booking
