#include "services/booking/booking_ledger.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/booking/booking_codec.h"
#include "services/domain/booking_rules.h"
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

constexpr absl::string_view kCounterName = "slot counter";

std::string BookingKey(absl::string_view booking_id) {
  return KeyBuilder().AddString(booking_id).Build();
}
std::string SpaceDayPrefix(absl::string_view space_id, absl::CivilDay day) {
  return KeyBuilder().AddString(space_id).AddDay(day).Build();
}
std::string CounterKey(absl::string_view space_id, const domain::SlotId& slot) {
  return KeyBuilder().AddString(space_id).AddDay(slot.day).AddInt64(slot.index).Build();
}
std::string IdempotencyKey(absl::string_view member_id, absl::string_view key) {
  return KeyBuilder().AddString(member_id).AddString(key).Build();
}
std::string NoShowKey(absl::Time deadline, absl::string_view booking_id) {
  return KeyBuilder().AddInt64(absl::ToUnixMicros(deadline)).AddString(booking_id).Build();
}

// The seats held in a slot, locked until `txn` ends.
absl::StatusOr<int32_t> LockCounter(Transaction& txn, const std::string& key) {
  return storage::LockCount<int32_t>(txn, Table::kSlotCounters, key, kCounterName);
}

// Returns the seats of `slots` to the pool.
absl::Status ReleaseSlots(Transaction& txn, const domain::Booking& booking,
                          std::vector<domain::SlotId> slots) {
  std::sort(slots.begin(), slots.end());  // One lock order for every transaction.
  for (const domain::SlotId& slot : slots) {
    const std::string key = CounterKey(booking.space_id, slot);
    ASSIGN_OR_RETURN(int32_t held, LockCounter(txn, key));
    if (held < booking.seats) {
      return absl::InternalError(absl::StrCat("slot counter of booking ", booking.booking_id,
                                              " holds fewer seats than the booking"));
    }
    RETURN_IF_ERROR(storage::PutCount(txn, Table::kSlotCounters, key, held - booking.seats));
  }
  return absl::OkStatus();
}

// The booking a point read of Table::kBookings returned.
absl::StatusOr<domain::Booking> DecodeBooking(
    const absl::StatusOr<std::optional<std::string>>& read, absl::string_view booking_id) {
  ASSIGN_OR_RETURN(std::optional<v1::Booking> proto,
                   storage::ParseOptionalRecord<v1::Booking>(read, "stored booking"));
  if (!proto.has_value()) {
    return absl::NotFoundError(absl::StrCat("no booking '", booking_id, "' at this venue"));
  }
  return BookingFromProto(*proto);
}

absl::StatusOr<domain::Booking> ReadBooking(Transaction& txn, absl::string_view booking_id) {
  return DecodeBooking(txn.GetForUpdate(Table::kBookings, BookingKey(booking_id)), booking_id);
}

absl::Status WriteBooking(Transaction& txn, const domain::Booking& booking) {
  return storage::PutRecord(txn, Table::kBookings, BookingKey(booking.booking_id),
                            BookingToProto(booking, /*time_zone=*/""));
}

// The idempotency record: the booking id and the fingerprint of the request that made it.
std::string IdempotencyValue(absl::string_view booking_id, absl::string_view fingerprint) {
  return absl::StrCat(booking_id, "\n", fingerprint);
}

}  // namespace

BookingLedger::BookingLedger(storage::Store* store, const storage::Clock* clock,
                             domain::IdGenerator* ids, const site::SiteCatalog* catalog,
                             const domain::MemberDirectory* members, ReceiptBook* receipts,
                             const domain::VisitAllowances* allowances,
                             domain::VisitDaysElsewhere* elsewhere)
    : store_(store),
      clock_(clock),
      ids_(ids),
      catalog_(catalog),
      members_(members),
      receipts_(receipts),
      allowances_(allowances),
      elsewhere_(elsewhere) {}

absl::StatusOr<domain::Booking> BookingLedger::Create(const domain::BookingRequest& request,
                                                      Durability durability) {
  ASSIGN_OR_RETURN(domain::Space space, catalog_->GetSpace(request.space_id));
  ASSIGN_OR_RETURN(std::string home_site,
                   request.member_signed_in
                       ? domain::HomeSiteOfSignedInMember(*members_, request.member_id)
                       : members_->HomeSiteOf(request.member_id));
  domain::BookingRequest priced = request;
  priced.home_site_id = home_site;
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(absl::TimeZone zone,
                   domain::LoadVenueTimeZone("time_zone", catalog_->profile().time_zone));
  ASSIGN_OR_RETURN(domain::BookingPlan plan,
                   domain::PlanBooking(space, catalog_->policy(), zone, priced, now));
  const std::string fingerprint = domain::RequestFingerprint(request);
  ASSIGN_OR_RETURN(const DaysElsewhere elsewhere, CountDaysElsewhere(priced, plan));
  return storage::RetryAborted(
      [&] { return CreateOnce(priced, space, plan, elsewhere, fingerprint, now, durability); });
}

absl::StatusOr<BookingLedger::DaysElsewhere> BookingLedger::CountDaysElsewhere(
    const domain::BookingRequest& request, const domain::BookingPlan& plan) const {
  const std::string& venue = catalog_->profile().site_id;
  if (request.home_site_id == venue) return DaysElsewhere();
  if (!allowances_->VisitDaysPerMonth(request.home_site_id).has_value()) return DaysElsewhere();
  std::set<absl::CivilMonth> months;
  for (const domain::Slot& slot : plan.slots) months.insert(absl::CivilMonth(slot.id.day));
  const std::vector<absl::CivilMonth> asked(months.begin(), months.end());
  if (request.forwarded_by == request.home_site_id) {
    // The home counted them as it forwarded the request: what asking it would answer.
    DaysElsewhere told;
    for (absl::CivilMonth month : asked) {
      auto it = request.home_visit_days.find(month);
      if (it == request.home_visit_days.end()) break;
      told[month] = it->second;
    }
    if (told.size() == asked.size()) return told;
  }
  // Asked before the transaction: a call to another site never holds a lock here.
  absl::StatusOr<std::vector<int>> days =
      elsewhere_->Count(request.home_site_id, request.member_id, venue, asked);
  if (absl::IsUnavailable(days.status()) || absl::IsDeadlineExceeded(days.status())) {
    // A member is not stranded by its home's outage: the allowance is checked against the
    // days held here, and the home learns of the visit from its receipt.
    log_.Warning("visit allowance of ", request.member_id, " checked against ", venue,
                 "'s days only: ", days.status().message());
    return DaysElsewhere();
  }
  if (!days.ok()) {
    return absl::Status(days.status().code(),
                        absl::StrCat("site ", request.home_site_id, " counts the visit days its ",
                                     "members hold against its monthly allowance, and could not "
                                     "be asked: ",
                                     days.status().message()));
  }
  // Checked, for it comes from another site: a count out of bounds is no answer.
  if (days->size() != asked.size() ||
      std::any_of(days->begin(), days->end(), [](int d) { return d < 0 || d > kMaxVisitDays; })) {
    return absl::UnavailableError(absl::StrCat("site ", request.home_site_id,
                                               " gave no valid count of the visit days of ",
                                               request.member_id, " elsewhere; try again later"));
  }
  DaysElsewhere elsewhere;
  for (size_t i = 0; i < asked.size(); ++i) elsewhere[asked[i]] = (*days)[i];
  return elsewhere;
}

absl::StatusOr<domain::Booking> BookingLedger::CreateOnce(const domain::BookingRequest& request,
                                                          const domain::Space& space,
                                                          const domain::BookingPlan& plan,
                                                          const DaysElsewhere& elsewhere,
                                                          const std::string& fingerprint,
                                                          absl::Time now, Durability durability) {
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  const std::string idempotency_key = IdempotencyKey(request.member_id, request.idempotency_key);
  ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                   txn->GetForUpdate(Table::kIdempotency, idempotency_key));
  if (earlier.has_value()) {
    std::pair<std::string, std::string> record = absl::StrSplit(*earlier, absl::MaxSplits('\n', 1));
    if (record.second != fingerprint) {
      return absl::AlreadyExistsError(absl::StrCat("idempotency_key '", request.idempotency_key,
                                                   "' was already used by this member for "
                                                   "a different booking (",
                                                   record.first,
                                                   "); use a new key for a new booking"));
    }
    return ReadBooking(*txn, record.first);
  }

  // Slots come in time order from the plan, which is also their counters' key order.
  const int32_t capacity = domain::SlotCapacity(space);
  const std::string zone_name = catalog_->profile().time_zone;
  for (const domain::Slot& slot : plan.slots) {
    const std::string key = CounterKey(space.space_id, slot.id);
    ASSIGN_OR_RETURN(int32_t held, LockCounter(*txn, key));
    if (held + plan.seats > capacity) {
      return absl::FailedPreconditionError(
          absl::StrCat("'", space.space_id, "' is full for ", slot.name, " of ",
                       absl::FormatCivilTime(slot.id.day), " (",
                       domain::FormatCivilMinute(slot.local_start), " ", zone_name,
                       "): ", capacity - held, " of ", capacity, " free, ", plan.seats, " asked"));
    }
    RETURN_IF_ERROR(storage::PutCount(*txn, Table::kSlotCounters, key, held + plan.seats));
  }

  domain::Booking booking;
  ASSIGN_OR_RETURN(booking.booking_id, NewBookingId(*txn));
  booking.site_id = catalog_->profile().site_id;
  booking.space_id = space.space_id;
  booking.space_kind = space.kind;
  booking.member_id = request.member_id;
  booking.home_site_id = request.home_site_id;
  booking.idempotency_key = request.idempotency_key;
  booking.seats = plan.seats;
  booking.local_start = plan.slots.front().local_start;
  booking.local_end = plan.slots.back().local_end;
  booking.start = plan.slots.front().start;
  booking.end = plan.slots.back().end;
  for (const domain::Slot& slot : plan.slots) {
    booking.slots.push_back({slot.id, slot.name, slot.start, slot.end});
  }
  booking.price_minor = plan.price_minor;
  booking.currency_code = catalog_->profile().currency_code;
  booking.state = domain::BookingState::kConfirmed;
  booking.create_time = booking.update_time = now;

  RETURN_IF_ERROR(CheckVisitAllowance(*txn, booking, elsewhere));
  RETURN_IF_ERROR(StoreBooking(*txn, booking));
  // Index values are the booking id, so listings need not decode their keys.
  std::set<absl::CivilDay> days;
  for (const domain::Slot& slot : plan.slots) days.insert(slot.id.day);
  for (absl::CivilDay day : days) {
    const std::string key =
        KeyBuilder(SpaceDayPrefix(space.space_id, day)).AddString(booking.booking_id).Build();
    RETURN_IF_ERROR(txn->Put(Table::kBookingsBySpaceDay, key, booking.booking_id));
  }
  RETURN_IF_ERROR(txn->Put(Table::kIdempotency, idempotency_key,
                           IdempotencyValue(booking.booking_id, fingerprint)));
  const absl::Time deadline = domain::NoShowDeadline(booking, catalog_->policy());
  RETURN_IF_ERROR(txn->Put(Table::kNoShowQueue, NoShowKey(deadline, booking.booking_id), ""));
  RETURN_IF_ERROR(durability == Durability::kCallerSyncs ? txn->CommitWithoutSync()
                                                         : txn->Commit());
  receipts_->NotifyQueued(booking);
  return booking;
}

absl::StatusOr<std::string> BookingLedger::NewBookingId(Transaction& txn) const {
  const std::string& site_id = catalog_->profile().site_id;
  return domain::NewUnusedId(
      *ids_, "booking",
      [&](absl::string_view unique_part) { return domain::MakeBookingId(site_id, unique_part); },
      [&](const std::string& booking_id) {
        return storage::HoldsKey(txn, Table::kBookings, BookingKey(booking_id));
      });
}

absl::Status BookingLedger::CheckVisitAllowance(Transaction& txn, const domain::Booking& booking,
                                                const DaysElsewhere& elsewhere) const {
  if (!domain::IsChargedVisit(booking)) return absl::OkStatus();
  const std::optional<int> allowance = allowances_->VisitDaysPerMonth(booking.home_site_id);
  if (!allowance.has_value()) return absl::OkStatus();
  std::map<absl::CivilMonth, std::vector<absl::CivilDay>> months;
  for (absl::CivilDay day : domain::BookedDays(booking))
    months[absl::CivilMonth(day)].push_back(day);
  // Every month of the booking is locked first, in order (the order receipts count in),
  // then its days are read under that lock.
  std::map<absl::CivilMonth, int> used;
  for (const auto& [month, days] : months) {
    ASSIGN_OR_RETURN(used[month], receipts_->LockVisitDays(txn, booking.member_id, month));
    if (auto it = elsewhere.find(month); it != elsewhere.end()) used[month] += it->second;
  }
  for (const auto& [month, days] : months) {
    int new_days = 0;
    for (absl::CivilDay day : days) {
      ASSIGN_OR_RETURN(bool held,
                       receipts_->HoldsVisitDay(txn, booking.member_id, booking.site_id, day));
      if (!held) ++new_days;
    }
    if (new_days == 0) continue;
    RETURN_IF_ERROR(domain::CheckVisitAllowance(booking.member_id, booking.home_site_id, *allowance,
                                                month, used[month], new_days));
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::Booking> BookingLedger::Cancel(
    absl::string_view booking_id, const std::optional<std::string>& acting_member_id) {
  return Settle(booking_id, acting_member_id, domain::BookingState::kCancelled,
                [this](const domain::Booking& booking, absl::Time now) {
                  return domain::CheckCancellable(booking, catalog_->policy(), now);
                });
}

absl::StatusOr<domain::Booking> BookingLedger::CheckIn(
    absl::string_view booking_id, const std::optional<std::string>& acting_member_id) {
  return Settle(booking_id, acting_member_id, domain::BookingState::kCheckedIn,
                [this](const domain::Booking& booking, absl::Time now) {
                  ASSIGN_OR_RETURN(
                      absl::TimeZone zone,
                      domain::LoadVenueTimeZone("time_zone", catalog_->profile().time_zone));
                  return domain::CheckCheckInAllowed(booking, zone, now);
                });
}

absl::StatusOr<domain::Booking> BookingLedger::Settle(
    absl::string_view booking_id, const std::optional<std::string>& acting_member_id,
    domain::BookingState target, const SettleRule& rule) {
  return storage::RetryAborted([&]() -> absl::StatusOr<domain::Booking> {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    ASSIGN_OR_RETURN(domain::Booking booking, ReadBooking(*txn, booking_id));
    RETURN_IF_ERROR(domain::CheckActsFor(acting_member_id, booking.member_id));
    if (booking.state == target) return booking;
    const absl::Time now = clock_->Now();
    RETURN_IF_ERROR(rule(booking, now));
    if (target == domain::BookingState::kCancelled) {
      std::vector<domain::SlotId> slots;
      for (const domain::BookedSlot& slot : booking.slots) slots.push_back(slot.id);
      RETURN_IF_ERROR(ReleaseSlots(*txn, booking, slots));
    }
    const absl::Time deadline = domain::NoShowDeadline(booking, catalog_->policy());
    RETURN_IF_ERROR(txn->Delete(Table::kNoShowQueue, NoShowKey(deadline, booking.booking_id)));
    booking.state = target;
    booking.update_time = domain::ChangeTime(booking, now);
    RETURN_IF_ERROR(StoreBooking(*txn, booking));
    RETURN_IF_ERROR(txn->Commit());
    receipts_->NotifyQueued(booking);
    return booking;
  });
}

absl::Status BookingLedger::StoreBooking(Transaction& txn, const domain::Booking& booking) const {
  RETURN_IF_ERROR(WriteBooking(txn, booking));
  return receipts_->Record(txn, booking, catalog_->profile().time_zone, /*publish=*/true);
}

absl::StatusOr<int> BookingLedger::ReleaseNoShows() {
  const absl::Time now = clock_->Now();
  int released = 0;
  constexpr size_t kBatch = 100;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> due,
                     store_->Scan(Table::kNoShowQueue, /*prefix=*/"", kBatch));
    for (const storage::KeyValue& entry : due) {
      storage::KeyReader reader(entry.key);
      ASSIGN_OR_RETURN(int64_t deadline_micros, reader.ReadInt64());
      if (absl::FromUnixMicros(deadline_micros) > now) return released;
      ASSIGN_OR_RETURN(std::string booking_id, reader.ReadString());
      absl::StatusOr<bool> release = storage::RetryAborted([&]() -> absl::StatusOr<bool> {
        std::unique_ptr<Transaction> txn = store_->BeginTransaction();
        ASSIGN_OR_RETURN(domain::Booking booking, ReadBooking(*txn, booking_id));
        RETURN_IF_ERROR(txn->Delete(Table::kNoShowQueue, entry.key));
        const bool no_show = booking.state == domain::BookingState::kConfirmed;
        if (no_show) {
          RETURN_IF_ERROR(ReleaseSlots(*txn, booking, domain::SlotsToRelease(booking, now)));
          booking.state = domain::BookingState::kNoShow;
          booking.update_time = domain::ChangeTime(booking, now);
          RETURN_IF_ERROR(StoreBooking(*txn, booking));
        }
        RETURN_IF_ERROR(txn->Commit());
        if (no_show) receipts_->NotifyQueued(booking);
        return no_show;
      });
      if (!release.ok()) return release.status();
      released += *release ? 1 : 0;
    }
    if (due.size() < kBatch) return released;
  }
}

absl::StatusOr<domain::Booking> BookingLedger::Get(absl::string_view booking_id) const {
  return DecodeBooking(store_->Get(Table::kBookings, BookingKey(booking_id)), booking_id);
}

absl::StatusOr<BookingLedger::Page> BookingLedger::ListIndex(storage::Table table,
                                                             const std::string& prefix,
                                                             int page_size,
                                                             absl::string_view page_token) const {
  return storage::ListIndexPage<domain::Booking>(
      *store_, table, prefix, page_size, page_token, kPageLimits,
      [&](const storage::KeyValue& row) -> absl::StatusOr<std::optional<domain::Booking>> {
        return Get(row.value);
      });
}

absl::StatusOr<BookingLedger::Page> BookingLedger::ListBySpaceDay(
    absl::string_view space_id, absl::CivilDay day, int page_size,
    absl::string_view page_token) const {
  return ListIndex(Table::kBookingsBySpaceDay, SpaceDayPrefix(space_id, day), page_size,
                   page_token);
}

absl::StatusOr<std::vector<BookingLedger::SlotAvailability>> BookingLedger::Availability(
    absl::string_view space_id, absl::CivilDay first_day, absl::CivilDay last_day) const {
  if (last_day < first_day) {
    return absl::InvalidArgumentError("last_day must not be before first_day");
  }
  if (last_day - first_day >= kMaxAvailabilityDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxAvailabilityDays, " days of availability per request"));
  }
  ASSIGN_OR_RETURN(domain::Space space, catalog_->GetSpace(space_id));
  ASSIGN_OR_RETURN(absl::TimeZone zone,
                   domain::LoadVenueTimeZone("time_zone", catalog_->profile().time_zone));
  const domain::SitePolicy policy = catalog_->policy();
  const int32_t capacity =
      space.state == domain::SpaceState::kActive ? domain::SlotCapacity(space) : 0;
  std::vector<SlotAvailability> result;
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    for (domain::Slot& slot : domain::SlotsOnDay(space.kind, policy, zone, day)) {
      ASSIGN_OR_RETURN(std::optional<std::string> value,
                       store_->Get(Table::kSlotCounters, CounterKey(space.space_id, slot.id)));
      ASSIGN_OR_RETURN(int32_t held, storage::DecodeCount<int32_t>(value, kCounterName));
      result.push_back({std::move(slot), capacity, std::max(0, capacity - held)});
    }
  }
  return result;
}

}  // namespace cantine::booking
