#include "services/booking/receipt_book.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/booking/booking_codec.h"
#include "storage/key_codec.h"
#include "storage/paged_scan.h"
#include "storage/records.h"
#include "storage/status_macros.h"
#include "storage/transaction_retry.h"

namespace cantine::booking {
namespace {

using storage::KeyBuilder;
using storage::Table;
using storage::Transaction;

constexpr absl::string_view kReceiptName = "stored booking receipt";
constexpr absl::string_view kCountName = "visit-day count";

std::string ReceiptKey(absl::string_view booking_id) {
  return KeyBuilder().AddString(booking_id).Build();
}
std::string MemberPrefix(absl::string_view member_id) {
  return KeyBuilder().AddString(member_id).Build();
}
std::string SiteDayPrefix(absl::string_view site_id, absl::CivilDay day) {
  return KeyBuilder().AddString(site_id).AddDay(day).Build();
}
std::string MonthPrefix(absl::CivilMonth month) {
  return KeyBuilder().AddString(domain::FormatMonth(month)).Build();
}
std::string VisitMonthKey(absl::string_view member_id, absl::CivilMonth month) {
  return KeyBuilder().AddString(member_id).AddString(domain::FormatMonth(month)).Build();
}
std::string VisitDayKey(absl::string_view member_id, absl::string_view site_id,
                        absl::CivilDay day) {
  return KeyBuilder(VisitMonthKey(member_id, absl::CivilMonth(day)))
      .AddString(site_id)
      .AddDay(day)
      .Build();
}

// The feed of receipts for `home_site_id`, and one row of it.
std::string FeedPrefix(absl::string_view home_site_id) {
  return KeyBuilder().AddString(home_site_id).Build();
}
std::string FeedKey(absl::string_view home_site_id, uint64_t seq) {
  return KeyBuilder(FeedPrefix(home_site_id)).AddUint64(seq).Build();
}
// Table::kMeta: the last feed row's sequence number (a count), and a home's cursor per venue.
constexpr absl::string_view kFeedSeqKey = "receipt_feed_seq";
constexpr absl::string_view kFeedSeqName = "receipt feed sequence";
constexpr absl::string_view kCursorName = "receipt feed cursor";
std::string CursorKey(absl::string_view venue) {
  return absl::StrCat("receipt_feed_cursor/", venue);
}

absl::StatusOr<int64_t> ReadCount(Transaction& txn, const std::string& key) {
  return storage::LockCount<int64_t>(txn, Table::kVisitDays, key, kCountName);
}

// Adds `delta` to a count, dropping it at zero; returns the new count.
absl::StatusOr<int64_t> AddToCount(Transaction& txn, const std::string& key, int64_t delta) {
  ASSIGN_OR_RETURN(int64_t count, ReadCount(txn, key));
  const int64_t updated = count + delta;
  // Only an entry that contradicts what this node holds can get here: refuse it.
  if (updated < 0) return absl::InvalidArgumentError("a visit-day count would go below zero");
  RETURN_IF_ERROR(storage::PutCount(txn, Table::kVisitDays, key, updated));
  return updated;
}

// Takes (`delta` = +1) or gives back (-1) the visit days a charged visit holds. Each
// month's total is locked before its days, the order the allowance check locks in.
absl::Status CountVisitDays(Transaction& txn, const domain::Booking& visit, int delta) {
  std::map<absl::CivilMonth, std::vector<absl::CivilDay>> months;
  for (absl::CivilDay day : domain::BookedDays(visit)) months[absl::CivilMonth(day)].push_back(day);
  for (const auto& [month, days] : months) {
    const std::string month_key = VisitMonthKey(visit.member_id, month);
    RETURN_IF_ERROR(ReadCount(txn, month_key));  // locks the month's total before its days
    int64_t changed_days = 0;
    for (absl::CivilDay day : days) {
      ASSIGN_OR_RETURN(int64_t covering,
                       AddToCount(txn, VisitDayKey(visit.member_id, visit.site_id, day), delta));
      // A day counts once, however many bookings of the member cover it at that venue.
      if (delta > 0 ? covering == 1 : covering == 0) ++changed_days;
    }
    if (changed_days == 0) continue;
    RETURN_IF_ERROR(AddToCount(txn, month_key, delta * changed_days));
  }
  return absl::OkStatus();
}

// A member's booking at its home venue: its receipt is needed there only, in no feed and in
// neither the visitor nor the settlement index (which list visits).
bool AtItsHome(const domain::Booking& booking) { return booking.home_site_id == booking.site_id; }

}  // namespace

absl::Status ReceiptBook::Record(Transaction& txn, const domain::Booking& booking,
                                 absl::string_view time_zone, bool publish) {
  const v1::Booking receipt = BookingToProto(booking, time_zone);
  RETURN_IF_ERROR(Merge(txn, receipt));
  if (!publish || AtItsHome(booking)) return absl::OkStatus();
  return storage::PutRecord(txn, Table::kReceiptOutbox, ReceiptKey(booking.booking_id), receipt);
}

void ReceiptBook::NotifyQueued(const domain::Booking& booking) {
  if (AtItsHome(booking)) return;
  absl::MutexLock lock(&mu_);
  notified_.insert(ReceiptKey(booking.booking_id));
  ++queued_;
}

void ReceiptBook::Wake() {
  absl::MutexLock lock(&mu_);
  ++queued_;
  ++feed_notices_;
}

std::vector<std::string> ReceiptBook::TakeHomesToNotify() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> homes(homes_to_notify_.begin(), homes_to_notify_.end());
  homes_to_notify_.clear();
  return homes;
}

absl::StatusOr<std::vector<std::string>> ReceiptBook::HomesInFeed() const {
  std::vector<std::string> homes;
  std::string after;  // The last possible key of the home found before.
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> first,
                     store_->Scan(Table::kReceiptFeed, /*prefix=*/"", 1, after));
    if (first.empty()) return homes;
    storage::KeyReader key(first[0].key);
    ASSIGN_OR_RETURN(std::string home, key.ReadString());
    after = FeedKey(home, std::numeric_limits<uint64_t>::max());
    homes.push_back(std::move(home));
  }
}

void ReceiptBook::NoteFeedWaiting(absl::string_view venue) {
  absl::MutexLock lock(&mu_);
  // Bounded by the sites a federation port admits; a venue noted twice is pulled once.
  waiting_feeds_.insert(std::string(venue));
  ++feed_notices_;
}

std::vector<std::string> ReceiptBook::TakeWaitingFeeds() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> venues(waiting_feeds_.begin(), waiting_feeds_.end());
  waiting_feeds_.clear();
  return venues;
}

uint64_t ReceiptBook::WaitForFeedNotice(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return feed_notices_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return feed_notices_;
}

uint64_t ReceiptBook::WaitForQueued(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return queued_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return queued_;
}

absl::Status ReceiptBook::CheckFromVenue(Transaction& txn, absl::string_view venue,
                                         const v1::Booking& receipt) const {
  absl::StatusOr<domain::Booking> booking = BookingFromProto(receipt);
  if (!booking.ok()) return absl::InvalidArgumentError(booking.status().message());
  // Read in the caller's transaction: the venue's entry may have come in the same batch.
  absl::StatusOr<v1::DirectoryEntry> listed = directory_->Get(txn, venue);
  if (absl::IsNotFound(listed.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("receipt of booking ", receipt.booking_id(), " from ", venue,
                     ", which the directory does not list: its currency cannot be checked"));
  }
  if (!listed.ok()) return listed.status();
  domain::ReceiptContext context{.origin_site_id = std::string(venue),
                                 .venue_currency_code = listed->site().currency_code()};
  absl::StatusOr<std::string> member_home = members_->HomeSiteOf(booking->member_id);
  if (member_home.ok()) {
    context.member_home_site_id = *member_home;
  } else if (!absl::IsNotFound(member_home.status())) {
    return member_home.status();
  }
  return domain::CheckReceipt(*booking, context);
}

absl::StatusOr<v1::PullReceiptsResponse> ReceiptBook::ReadFeed(
    absl::string_view home_site_id, uint64_t incarnation,
    const v1::PullReceiptsRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > kFeedPageMax) {
    return absl::InvalidArgumentError(absl::StrCat("page_size is ", request.page_size(),
                                                   "; it must be 0 (the default, ",
                                                   kFeedPageDefault, ") to ", kFeedPageMax));
  }
  const size_t limit = request.page_size() == 0 ? kFeedPageDefault : request.page_size();
  // Sequence numbers of another incarnation's feed mean nothing in this one.
  const uint64_t after = request.feed_incarnation() == incarnation ? request.after_seq() : 0;
  v1::PullReceiptsResponse response;
  response.set_feed_incarnation(incarnation);
  // Read in small scans, so that a page of large receipts never reads far past its bytes.
  constexpr size_t kScan = 32;
  std::string start_after = after == 0 ? "" : FeedKey(home_site_id, after);
  size_t bytes = 0;
  while (static_cast<size_t>(response.receipts_size()) < limit && bytes < kFeedPageBytes) {
    const size_t want = std::min(kScan, limit - response.receipts_size());
    ASSIGN_OR_RETURN(
        std::vector<storage::KeyValue> rows,
        store_->Scan(Table::kReceiptFeed, FeedPrefix(home_site_id), want, start_after));
    size_t taken = 0;
    for (const storage::KeyValue& row : rows) {
      ++taken;
      storage::KeyReader key(row.key);
      RETURN_IF_ERROR(key.ReadString().status());
      ASSIGN_OR_RETURN(uint64_t seq, key.ReadUint64());
      v1::FeedReceipt* out = response.add_receipts();
      out->set_seq(seq);
      ASSIGN_OR_RETURN(*out->mutable_receipt(),
                       storage::ParseRecord<v1::Booking>(row.value, "receipt feed row"));
      bytes += row.value.size();
      if (bytes >= kFeedPageBytes) break;
    }
    if (taken == rows.size() && rows.size() < want) {  // The feed's end, all taken.
      response.set_more(false);
      return response;
    }
    start_after = rows.back().key;
  }
  response.set_more(true);
  return response;
}

absl::StatusOr<v1::ReceiptFeedCursor> ReceiptBook::FeedCursor(absl::string_view venue) const {
  ASSIGN_OR_RETURN(std::optional<v1::ReceiptFeedCursor> cursor,
                   storage::ParseOptionalRecord<v1::ReceiptFeedCursor>(
                       store_->Get(Table::kMeta, CursorKey(venue)), kCursorName));
  return cursor.value_or(v1::ReceiptFeedCursor());
}

absl::StatusOr<int> ReceiptBook::AcceptFeed(absl::string_view venue,
                                            const v1::PullReceiptsResponse& page) {
  return storage::RetryAborted([&]() -> absl::StatusOr<int> {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    ASSIGN_OR_RETURN(std::optional<v1::ReceiptFeedCursor> held,
                     storage::ParseOptionalRecord<v1::ReceiptFeedCursor>(
                         txn->GetForUpdate(Table::kMeta, CursorKey(venue)), kCursorName));
    v1::ReceiptFeedCursor cursor = held.value_or(v1::ReceiptFeedCursor());
    if (cursor.feed_incarnation() != page.feed_incarnation()) {
      cursor.set_feed_incarnation(page.feed_incarnation());
      cursor.set_seq(0);
    }
    int skipped = 0;
    for (const v1::FeedReceipt& row : page.receipts()) {
      if (row.seq() <= cursor.seq()) continue;  // Kept already (an answer read twice).
      cursor.set_seq(row.seq());
      const v1::Booking& receipt = row.receipt();
      absl::Status checked =
          receipt.home_site_id() == site_id_
              ? CheckFromVenue(*txn, venue, receipt)
              : absl::InvalidArgumentError(absl::StrCat(
                    "its member's home is ", receipt.home_site_id(), ", not ", site_id_));
      if (checked.ok()) checked = Merge(*txn, receipt);
      if (absl::IsAborted(checked)) return checked;
      if (!checked.ok()) {
        ++skipped;
        log_.Warning("skipped receipt ", row.seq(), " of ", venue, "'s feed (booking ",
                     receipt.booking_id(), "): ", checked.message());
      }
    }
    RETURN_IF_ERROR(storage::PutRecord(*txn, Table::kMeta, CursorKey(venue), cursor));
    RETURN_IF_ERROR(txn->Commit());
    return skipped;
  });
}

absl::Status ReceiptBook::Merge(Transaction& txn, const v1::Booking& receipt) {
  absl::StatusOr<domain::Booking> booking = BookingFromProto(receipt);
  if (!booking.ok()) return absl::InvalidArgumentError(booking.status().message());
  if (booking->booking_id.empty() || booking->slots.empty()) {
    return absl::InvalidArgumentError("booking receipt has no id or no slots");
  }
  const std::string key = ReceiptKey(booking->booking_id);
  ASSIGN_OR_RETURN(std::optional<v1::Booking> stored,
                   storage::ParseOptionalRecord<v1::Booking>(
                       txn.GetForUpdate(Table::kReceipts, key), kReceiptName));
  std::optional<domain::Booking> earlier;
  if (stored.has_value()) {
    ASSIGN_OR_RETURN(earlier, BookingFromProto(*stored));
    if (booking->update_time < earlier->update_time) return absl::OkStatus();  // Older.
    // A booking's venue, member, home, time and days never change: the indexes and the
    // visit days rest on them.
    if (earlier->site_id != booking->site_id || earlier->member_id != booking->member_id ||
        earlier->home_site_id != booking->home_site_id || earlier->start != booking->start ||
        domain::BookedDays(*earlier) != domain::BookedDays(*booking)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "receipt of booking ", booking->booking_id,
          " changes what a booking never changes (venue, member, home site, time, days)"));
    }
  }
  RETURN_IF_ERROR(storage::PutRecord(txn, Table::kReceipts, key, receipt));

  // Index keys use fields a booking never changes: written once, on first sight.
  const std::vector<absl::CivilDay> days = domain::BookedDays(*booking);
  if (!earlier.has_value()) {
    const std::string& id = booking->booking_id;
    const std::string by_member = KeyBuilder(MemberPrefix(booking->member_id))
                                      .AddInt64(absl::ToUnixMicros(booking->start))
                                      .AddString(id)
                                      .Build();
    RETURN_IF_ERROR(txn.Put(Table::kReceiptsByMember, by_member, id));
    // Most of a venue's bookings are its own members': listings of visits skip none of them.
    if (!AtItsHome(*booking)) {
      for (absl::CivilDay day : days) {
        const std::string by_day =
            KeyBuilder(SiteDayPrefix(booking->site_id, day)).AddString(id).Build();
        RETURN_IF_ERROR(txn.Put(Table::kReceiptsBySiteDay, by_day, id));
      }
      const std::string by_month =
          KeyBuilder(MonthPrefix(absl::CivilMonth(days.front()))).AddString(id).Build();
      RETURN_IF_ERROR(txn.Put(Table::kReceiptsByMonth, by_month, id));
    }
  }

  const bool was_visit = earlier.has_value() && domain::IsChargedVisit(*earlier);
  const bool is_visit = domain::IsChargedVisit(*booking);
  if (was_visit == is_visit) return absl::OkStatus();
  return CountVisitDays(txn, is_visit ? *booking : *earlier, is_visit ? +1 : -1);
}

absl::StatusOr<int> ReceiptBook::LockVisitDays(Transaction& txn, absl::string_view member_id,
                                               absl::CivilMonth month) const {
  ASSIGN_OR_RETURN(int64_t days, ReadCount(txn, VisitMonthKey(member_id, month)));
  return static_cast<int>(days);
}

absl::StatusOr<bool> ReceiptBook::HoldsVisitDay(Transaction& txn, absl::string_view member_id,
                                                absl::string_view site_id,
                                                absl::CivilDay day) const {
  return storage::HoldsKey(txn, Table::kVisitDays, VisitDayKey(member_id, site_id, day));
}

absl::StatusOr<v1::Booking> ReceiptBook::Get(absl::string_view booking_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::Booking> receipt,
                   storage::ParseOptionalRecord<v1::Booking>(
                       store_->Get(Table::kReceipts, ReceiptKey(booking_id)), kReceiptName));
  if (!receipt.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no receipt of booking '", booking_id, "' has reached this node"));
  }
  return *std::move(receipt);
}

absl::StatusOr<ReceiptBook::Page> ReceiptBook::ListIndex(storage::Table table,
                                                         const std::string& prefix, int page_size,
                                                         absl::string_view page_token,
                                                         absl::string_view skip_home_site) const {
  return storage::ListIndexPage<v1::Booking>(
      *store_, table, prefix, page_size, page_token, kPageLimits,
      [&](const storage::KeyValue& row) -> absl::StatusOr<std::optional<v1::Booking>> {
        ASSIGN_OR_RETURN(v1::Booking receipt, Get(row.value));
        if (!skip_home_site.empty() && receipt.home_site_id() == skip_home_site) {
          return std::nullopt;
        }
        return receipt;
      });
}

absl::StatusOr<ReceiptBook::Page> ReceiptBook::ListByMember(absl::string_view member_id,
                                                            int page_size,
                                                            absl::string_view page_token) const {
  return ListIndex(Table::kReceiptsByMember, MemberPrefix(member_id), page_size, page_token,
                   /*skip_home_site=*/"");
}

absl::StatusOr<ReceiptBook::Page> ReceiptBook::ListVisitors(absl::string_view site_id,
                                                            absl::CivilDay day, int page_size,
                                                            absl::string_view page_token) const {
  return ListIndex(Table::kReceiptsBySiteDay, SiteDayPrefix(site_id, day), page_size, page_token,
                   /*skip_home_site=*/site_id);
}

absl::StatusOr<std::vector<domain::SettlementLine>> ReceiptBook::Settlement(
    absl::CivilMonth month) const {
  domain::SettlementBuilder settlement;
  constexpr size_t kBatch = 1000;
  std::string start_after;
  while (true) {
    ASSIGN_OR_RETURN(
        std::vector<storage::KeyValue> rows,
        store_->Scan(Table::kReceiptsByMonth, MonthPrefix(month), kBatch, start_after));
    for (const storage::KeyValue& row : rows) {
      ASSIGN_OR_RETURN(v1::Booking receipt, Get(row.value));
      ASSIGN_OR_RETURN(domain::Booking booking, BookingFromProto(receipt));
      if (absl::Status s = settlement.Add(booking); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat(domain::FormatMonth(month), ": ", s.message()));
      }
    }
    if (rows.size() < kBatch) break;
    start_after = rows.back().key;
  }
  return settlement.Lines();
}

absl::StatusOr<int> ReceiptBook::PublishNotified(size_t limit) {
  std::vector<std::string> keys;
  {
    absl::MutexLock lock(&mu_);
    while (!notified_.empty() && keys.size() < limit) {
      keys.push_back(notified_.extract(notified_.begin()).value());
    }
  }
  absl::StatusOr<int> published = Publish(keys);
  if (!published.ok()) {
    absl::MutexLock lock(&mu_);
    notified_.insert(keys.begin(), keys.end());  // Tried again on the next pass.
  }
  return published;
}

absl::StatusOr<int> ReceiptBook::PublishQueued(size_t limit) {
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> queued,
                   store_->Scan(Table::kReceiptOutbox, /*prefix=*/"", limit));
  std::vector<std::string> keys;
  for (storage::KeyValue& row : queued) keys.push_back(std::move(row.key));
  return Publish(keys);
}

absl::StatusOr<int> ReceiptBook::Publish(const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  absl::flat_hash_set<std::string> homes;
  absl::StatusOr<int> moved = storage::RetryAborted([&]() -> absl::StatusOr<int> {
    homes.clear();  // Of this attempt only.
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    // One sequence for every home's feed: the publisher is its only writer.
    ASSIGN_OR_RETURN(int64_t seq,
                     storage::LockCount<int64_t>(*txn, Table::kMeta, kFeedSeqKey, kFeedSeqName));
    int count = 0;
    for (const std::string& key : keys) {
      // Read under a lock: a later change of the booking may have replaced the row, or an
      // earlier pass moved it already.
      ASSIGN_OR_RETURN(std::optional<std::string> latest,
                       txn->GetForUpdate(Table::kReceiptOutbox, key));
      if (!latest.has_value()) continue;
      RETURN_IF_ERROR(txn->Delete(Table::kReceiptOutbox, key));
      ASSIGN_OR_RETURN(v1::Booking receipt,
                       storage::ParseRecord<v1::Booking>(*latest, "queued booking receipt"));
      RETURN_IF_ERROR(
          txn->Put(Table::kReceiptFeed, FeedKey(receipt.home_site_id(), ++seq), *latest));
      homes.insert(receipt.home_site_id());
      ++count;
    }
    if (count == 0) return 0;  // An earlier pass moved them all: nothing to commit.
    RETURN_IF_ERROR(storage::PutCount(*txn, Table::kMeta, kFeedSeqKey, seq));
    RETURN_IF_ERROR(txn->Commit());
    return count;
  });
  if (moved.ok() && !homes.empty()) {
    absl::MutexLock lock(&mu_);
    homes_to_notify_.insert(homes.begin(), homes.end());
  }
  return moved;
}

absl::StatusOr<int> ReceiptBook::VisitDaysExcept(absl::string_view member_id,
                                                 absl::CivilMonth month,
                                                 absl::string_view venue) const {
  ASSIGN_OR_RETURN(std::optional<std::string> total,
                   store_->Get(Table::kVisitDays, VisitMonthKey(member_id, month)));
  ASSIGN_OR_RETURN(int64_t days, storage::DecodeCount<int64_t>(total, kCountName));
  // The venue's own days: at most one row a day of the month.
  ASSIGN_OR_RETURN(
      std::vector<storage::KeyValue> at_venue,
      store_->Scan(Table::kVisitDays,
                   KeyBuilder(VisitMonthKey(member_id, month)).AddString(venue).Build(),
                   /*limit=*/32));
  return static_cast<int>(days - static_cast<int64_t>(at_venue.size()));
}

}  // namespace cantine::booking
