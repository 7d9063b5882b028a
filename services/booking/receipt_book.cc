#include "services/booking/receipt_book.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/booking/booking_codec.h"
#include "storage/key_codec.h"
#include "storage/paged_scan.h"
#include "storage/records.h"
#include "storage/status_macros.h"

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

}  // namespace

absl::Status ReceiptBook::Record(Transaction& txn, const domain::Booking& booking,
                                 absl::string_view time_zone, bool publish) {
  const v1::Booking receipt = BookingToProto(booking, time_zone);
  RETURN_IF_ERROR(Merge(txn, receipt));
  if (!publish) return absl::OkStatus();
  return storage::PutRecord(txn, Table::kReceiptOutbox, ReceiptKey(booking.booking_id), receipt);
}

void ReceiptBook::NotifyQueued(absl::string_view booking_id) {
  absl::MutexLock lock(&mu_);
  notified_.insert(ReceiptKey(booking_id));
  ++queued_;
}

void ReceiptBook::Wake() {
  absl::MutexLock lock(&mu_);
  ++queued_;
}

uint64_t ReceiptBook::WaitForQueued(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return queued_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return queued_;
}

absl::Status ReceiptBook::ApplyRemote(Transaction& txn, const v1::OplogEntry& entry) {
  v1::Booking receipt;
  if (!receipt.ParseFromString(entry.payload())) {
    return absl::InvalidArgumentError("booking receipt does not parse");
  }
  absl::StatusOr<domain::Booking> booking = BookingFromProto(receipt);
  if (!booking.ok()) return absl::InvalidArgumentError(booking.status().message());
  const std::string& origin = entry.origin().site_id();
  // Read in the apply transaction: the venue's entry may have come in the same batch.
  absl::StatusOr<v1::DirectoryEntry> venue = directory_->Get(txn, origin);
  if (absl::IsNotFound(venue.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("receipt of booking ", receipt.booking_id(), " from ", origin,
                     ", which the directory does not list: its currency cannot be checked"));
  }
  if (!venue.ok()) return venue.status();
  domain::ReceiptContext context{.origin_site_id = origin,
                                 .venue_currency_code = venue->site().currency_code()};
  absl::StatusOr<std::string> member_home = members_->HomeSiteOf(booking->member_id);
  if (member_home.ok()) {
    context.member_home_site_id = *member_home;
  } else if (!absl::IsNotFound(member_home.status())) {
    return member_home.status();
  }
  RETURN_IF_ERROR(domain::CheckReceipt(*booking, context));
  return Merge(txn, receipt);
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
    for (absl::CivilDay day : days) {
      const std::string by_day =
          KeyBuilder(SiteDayPrefix(booking->site_id, day)).AddString(id).Build();
      RETURN_IF_ERROR(txn.Put(Table::kReceiptsBySiteDay, by_day, id));
    }
    const std::string by_month =
        KeyBuilder(MonthPrefix(absl::CivilMonth(days.front()))).AddString(id).Build();
    RETURN_IF_ERROR(txn.Put(Table::kReceiptsByMonth, by_month, id));
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
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   txn.Get(Table::kVisitDays, VisitDayKey(member_id, site_id, day)));
  return value.has_value();
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

absl::StatusOr<int> ReceiptBook::PublishNotified(storage::Oplog& oplog, size_t limit) {
  std::vector<std::string> keys;
  {
    absl::MutexLock lock(&mu_);
    while (!notified_.empty() && keys.size() < limit) {
      keys.push_back(notified_.extract(notified_.begin()).value());
    }
  }
  absl::StatusOr<int> published = Publish(oplog, keys);
  if (!published.ok()) {
    absl::MutexLock lock(&mu_);
    notified_.insert(keys.begin(), keys.end());  // Tried again on the next pass.
  }
  return published;
}

absl::StatusOr<int> ReceiptBook::PublishQueued(storage::Oplog& oplog, size_t limit) {
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> queued,
                   store_->Scan(Table::kReceiptOutbox, /*prefix=*/"", limit));
  std::vector<std::string> keys;
  for (storage::KeyValue& row : queued) keys.push_back(std::move(row.key));
  return Publish(oplog, keys);
}

absl::StatusOr<int> ReceiptBook::Publish(storage::Oplog& oplog,
                                         const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  absl::StatusOr<std::vector<v1::OplogEntry>> entries = oplog.CommitLocalBatch(
      [&](Transaction& txn) -> absl::StatusOr<std::vector<storage::LocalEntry>> {
        std::vector<storage::LocalEntry> changes;
        for (const std::string& key : keys) {
          // Read under a lock: a later change of the booking may have replaced the row, or
          // an earlier pass published it already.
          ASSIGN_OR_RETURN(std::optional<std::string> latest,
                           txn.GetForUpdate(Table::kReceiptOutbox, key));
          if (!latest.has_value()) continue;
          RETURN_IF_ERROR(txn.Delete(Table::kReceiptOutbox, key));
          changes.emplace_back(v1::ENTRY_KIND_BOOKING_RECEIPT, *std::move(latest));
        }
        return changes;
      });
  if (!entries.ok()) return entries.status();
  return static_cast<int>(entries->size());
}

void ReceiptBook::RegisterWith(replication::RecordApplier& applier) {
  applier.Register(v1::ENTRY_KIND_BOOKING_RECEIPT,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemote(txn, entry);
                   });
}

}  // namespace cantine::booking
