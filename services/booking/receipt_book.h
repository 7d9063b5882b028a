#pragma once

#include <string>
#include <utility>
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
#include "services/logging/logger.h"
#include "services/site/site_directory.h"
#include "storage/paged_scan.h"
#include "storage/store.h"

namespace cantine::booking {

// Booking receipts: the latest state of each booking, as its venue wrote it, held where
// it is needed and nowhere else. A venue records its own bookings' receipts in the booking's
// transaction; a visitor's receipt is also queued in an outbox, moved by the publisher to
// the feed of the member's home site (Table::kReceiptFeed), which the home pulls
// (ReadFeed, AcceptFeed). So a home holds its members' receipts at every venue and a venue
// those of its own bookings: from them a member's itinerary (at the home), a venue's
// visitors, the visit days a member holds per month (for allowances), and the settlement
// lines a site is party to. Thread-safe.
class ReceiptBook {
 public:
  using Page = storage::Page<v1::Booking>;

  inline static constexpr storage::PageLimits kPageLimits = {.default_size = 100, .max_size = 1000};

  // The most receipts one PullReceipts answer carries, and its default.
  inline static constexpr int kFeedPageDefault = 256;
  inline static constexpr int kFeedPageMax = 1000;
  // An answer stops growing past this many bytes of receipts (a receipt is at most a few
  // kilobytes): well under the federation port's message limit.
  inline static constexpr size_t kFeedPageBytes = 1 << 20;

  // None owned; all outlive the book. `site_id` is this node's site. Receipts from other
  // venues are checked against `members` (the member's home, where this node holds its
  // record) and `directory` (the venue's currency).
  ReceiptBook(std::string site_id, storage::Store* store, const domain::MemberDirectory* members,
              const site::SiteDirectory* directory)
      : site_id_(std::move(site_id)), store_(store), members_(members), directory_(directory) {}

  // Records `booking` (with its venue's `time_zone`) as the latest receipt of its booking,
  // in `txn`: indexes on first sight, and the visit days it holds when it is a charged
  // visit. `publish` also queues a visitor's receipt for its home site's feed (this venue's
  // own bookings).
  absl::Status Record(storage::Transaction& txn, const domain::Booking& booking,
                      absl::string_view time_zone, bool publish);
  // Tells the publisher that a transaction that recorded `booking` with `publish`
  // committed. A local member's receipt is not queued, so its booking wakes no publisher.
  void NotifyQueued(const domain::Booking& booking) ABSL_LOCKS_EXCLUDED(mu_);
  // Wakes a publisher waiting in WaitForQueued and a puller in WaitForFeedNotice.
  void Wake() ABSL_LOCKS_EXCLUDED(mu_);
  // The home sites whose feeds gained receipts since the last call (venue side), to notify.
  std::vector<std::string> TakeHomesToNotify() ABSL_LOCKS_EXCLUDED(mu_);
  // Every home site whose feed here holds rows, by a seek per home.
  absl::StatusOr<std::vector<std::string>> HomesInFeed() const;
  // Notes that `venue` said its feed holds new receipts for this site (home side).
  void NoteFeedWaiting(absl::string_view venue) ABSL_LOCKS_EXCLUDED(mu_);
  // The venues noted since the last call.
  std::vector<std::string> TakeWaitingFeeds() ABSL_LOCKS_EXCLUDED(mu_);
  // Blocks until a venue was noted or Wake was called since `seen` (a value this returned,
  // or 0), or `timeout` passes; returns the current count.
  uint64_t WaitForFeedNotice(uint64_t seen, absl::Duration timeout) const ABSL_LOCKS_EXCLUDED(mu_);

  // The venue's side of PullReceipts: the receipts of `home_site_id`'s members' bookings at
  // this venue after `request`'s position, from the feed of this venue's `incarnation` (from
  // its start when the request names another).
  absl::StatusOr<v1::PullReceiptsResponse> ReadFeed(absl::string_view home_site_id,
                                                    uint64_t incarnation,
                                                    const v1::PullReceiptsRequest& request) const;
  // The home's side: where this site stopped reading `venue`'s feed (zeros at first).
  absl::StatusOr<v1::ReceiptFeedCursor> FeedCursor(absl::string_view venue) const;
  // Keeps, in one transaction with the new cursor, the receipts of `page` read from
  // `venue`'s feed. A receipt that is not this site's member's booking at `venue`, or that
  // breaks domain::CheckReceipt, is skipped and counted: a venue cannot write another's
  // bookings, nor wedge its own feed. Returns how many were skipped.
  absl::StatusOr<int> AcceptFeed(absl::string_view venue, const v1::PullReceiptsResponse& page);

  // The distinct venue days of charged visits `member_id` holds in `month` at any venue,
  // read with a lock, so that two bookings of one member at this venue check in turn.
  absl::StatusOr<int> LockVisitDays(storage::Transaction& txn, absl::string_view member_id,
                                    absl::CivilMonth month) const;
  // The distinct venue days of charged visits `member_id` holds in `month` at venues other
  // than `venue` (at a home site: its members' visits everywhere).
  absl::StatusOr<int> VisitDaysExcept(absl::string_view member_id, absl::CivilMonth month,
                                      absl::string_view venue) const;
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

  // Moves the receipts notified since the last call (up to `limit`) from the outbox to
  // their home sites' feeds, in one transaction, by point lookups. Returns how many moved.
  absl::StatusOr<int> PublishNotified(size_t limit) ABSL_LOCKS_EXCLUDED(mu_);
  // The same for whatever the outbox holds, by a scan: after a restart, and now and then
  // for anything a notification missed. A scan walks the deletions of published rows too,
  // so it is not the path under load.
  absl::StatusOr<int> PublishQueued(size_t limit);
  // Blocks until NotifyQueued was called since `seen` (a value this returned, or 0) or
  // `timeout` passes; returns the current count.
  uint64_t WaitForQueued(uint64_t seen, absl::Duration timeout) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The checks of a receipt from another venue, `venue`, read in `txn`: INVALID_ARGUMENT
  // when it does not decode or breaks domain::CheckReceipt (not from the booking's venue; a
  // home site other than its member's; another currency than the venue's directory entry
  // lists; seats, slots, price or times out of bounds); FAILED_PRECONDITION when the
  // directory does not list the venue.
  absl::Status CheckFromVenue(storage::Transaction& txn, absl::string_view venue,
                              const v1::Booking& receipt) const;
  // Keeps `receipt` as its booking's latest, unless the receipt held is newer (a later
  // update_time): receipts of one booking may come by two paths.
  absl::Status Merge(storage::Transaction& txn, const v1::Booking& receipt);
  // Moves the outbox rows of `keys` that are still there into the feeds.
  absl::StatusOr<int> Publish(const std::vector<std::string>& keys);
  absl::StatusOr<Page> ListIndex(storage::Table table, const std::string& prefix, int page_size,
                                 absl::string_view page_token,
                                 absl::string_view skip_home_site) const;

  const std::string site_id_;
  storage::Store* const store_;
  const domain::MemberDirectory* const members_;
  const site::SiteDirectory* const directory_;
  const logging::Logger log_{"receipts"};
  mutable absl::Mutex mu_;
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<std::string> notified_ ABSL_GUARDED_BY(mu_);  // Outbox keys.
  absl::flat_hash_set<std::string> homes_to_notify_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> waiting_feeds_ ABSL_GUARDED_BY(mu_);  // Venues.
  uint64_t feed_notices_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cantine::booking
