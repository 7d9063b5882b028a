#pragma once

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/federation.pb.h"
#include "services/domain/booking.h"
#include "services/domain/member.h"
#include "services/domain/visits.h"
#include "services/replication/record_applier.h"
#include "services/site/site_directory.h"
#include "storage/oplog.h"
#include "storage/paged_scan.h"
#include "storage/store.h"

namespace cantine::booking {

// Booking receipts of every venue of the network: the latest state of each booking, as its
// venue wrote it. A venue records its own bookings' receipts in the booking's transaction
// and queues them in an outbox for replication; other venues' receipts arrive as oplog
// entries. From them: a member's itinerary at any node, a venue's visitors, the visit days
// a member holds per month (for allowances), and the settlement between sites. Thread-safe.
class ReceiptBook {
 public:
  using Page = storage::Page<v1::Booking>;

  inline static constexpr storage::PageLimits kPageLimits = {.default_size = 100, .max_size = 1000};

  // None owned; all outlive the book. Receipts from other venues are checked against
  // `members` (the member's home, where this node holds its record) and `directory` (the
  // venue's currency).
  ReceiptBook(storage::Store* store, const domain::MemberDirectory* members,
              const site::SiteDirectory* directory)
      : store_(store), members_(members), directory_(directory) {}

  // Records `booking` (with its venue's `time_zone`) as the latest receipt of its booking,
  // in `txn`: indexes on first sight, and the visit days it holds when it is a charged
  // visit. `publish` also queues it for replication (this venue's own bookings).
  absl::Status Record(storage::Transaction& txn, const domain::Booking& booking,
                      absl::string_view time_zone, bool publish);
  // Tells the publisher that a transaction queueing `booking_id`'s receipt committed.
  void NotifyQueued(absl::string_view booking_id) ABSL_LOCKS_EXCLUDED(mu_);
  // Wakes a publisher waiting in WaitForQueued.
  void Wake() ABSL_LOCKS_EXCLUDED(mu_);

  // Merges a replicated ENTRY_KIND_BOOKING_RECEIPT entry. INVALID_ARGUMENT when it does not
  // parse or breaks domain::CheckReceipt (not from the booking's venue; a home site other
  // than its member's; another currency than the venue's directory entry lists; seats,
  // slots, price or times out of bounds); FAILED_PRECONDITION when the directory does not
  // list the venue (its entry comes before its receipts in its log). Either rejects the
  // entry, and nothing changes.
  absl::Status ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry);
  // Has `applier` route remote ENTRY_KIND_BOOKING_RECEIPT entries to ApplyRemote, at assembly;
  // this outlives the applier's use.
  void RegisterWith(replication::RecordApplier& applier);

  // The distinct venue days of charged visits `member_id` holds in `month` at any venue,
  // read with a lock, so that two bookings of one member at this venue check in turn.
  absl::StatusOr<int> LockVisitDays(storage::Transaction& txn, absl::string_view member_id,
                                    absl::CivilMonth month) const;
  // Whether `member_id` already holds a charged visit at `site_id` on `day`.
  absl::StatusOr<bool> HoldsVisitDay(storage::Transaction& txn, absl::string_view member_id,
                                     absl::string_view site_id, absl::CivilDay day) const;

  absl::StatusOr<v1::Booking> Get(absl::string_view booking_id) const;
  // A member's bookings at every venue, by start.
  absl::StatusOr<Page> ListByMember(absl::string_view member_id, int page_size,
                                    absl::string_view page_token) const;
  // Members of other sites with a booking at `site_id` touching venue day `day`.
  absl::StatusOr<Page> ListVisitors(absl::string_view site_id, absl::CivilDay day, int page_size,
                                    absl::string_view page_token) const;
  // The charged visits of bookings whose first venue day is in `month`, per host, home and
  // currency. OUT_OF_RANGE naming the line whose sum would overflow.
  absl::StatusOr<std::vector<domain::SettlementLine>> Settlement(absl::CivilMonth month) const;

  // Moves the receipts notified since the last call (up to `limit`) into the oplog as
  // entries, each removed from the outbox in the entries' transaction, by point lookups.
  // Returns how many moved.
  absl::StatusOr<int> PublishNotified(storage::Oplog& oplog, size_t limit) ABSL_LOCKS_EXCLUDED(mu_);
  // The same for whatever the outbox holds, by a scan: after a restart, and now and then
  // for anything a notification missed. A scan walks the deletions of published rows too,
  // so it is not the path under load.
  absl::StatusOr<int> PublishQueued(storage::Oplog& oplog, size_t limit);
  // Blocks until NotifyQueued was called since `seen` (a value this returned, or 0) or
  // `timeout` passes; returns the current count.
  uint64_t WaitForQueued(uint64_t seen, absl::Duration timeout) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Status Merge(storage::Transaction& txn, const v1::Booking& receipt);
  // Moves the outbox rows of `keys` that are still there into the oplog.
  absl::StatusOr<int> Publish(storage::Oplog& oplog, const std::vector<std::string>& keys);
  absl::StatusOr<Page> ListIndex(storage::Table table, const std::string& prefix, int page_size,
                                 absl::string_view page_token,
                                 absl::string_view skip_home_site) const;

  storage::Store* const store_;
  const domain::MemberDirectory* const members_;
  const site::SiteDirectory* const directory_;
  mutable absl::Mutex mu_;
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<std::string> notified_ ABSL_GUARDED_BY(mu_);  // Outbox keys.
};

}  // namespace cantine::booking
