#include "services/event/event_board.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/event/event_codec.h"
#include "services/event/rsvp_roll.h"
#include "services/replication/record_stamp.h"
#include "storage/hybrid_clock.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::event {
namespace {

using storage::KeyBuilder;
using storage::Table;
using storage::Transaction;

// Rows read per store scan while listing, and the most one page reads: a filter that few
// events match ends a page short, with a token to go on from, rather than read them all.
constexpr size_t kScanBatch = 1000;
constexpr size_t kMaxRowsReadPerPage = 20 * kScanBatch;

std::string EventKey(absl::string_view event_id) {
  return KeyBuilder().AddString(event_id).Build();
}

absl::Status EventNotFound(absl::string_view event_id) {
  return absl::NotFoundError(absl::StrCat("no event '", event_id, "' is known at this site"));
}

constexpr absl::string_view kRecordName = "stored event";

// The record a point read of Table::kEvents returned; nullopt when there is none.
absl::StatusOr<std::optional<v1::StoredEvent>> ParseStored(
    const absl::StatusOr<std::optional<std::string>>& read) {
  return storage::ParseOptionalRecord<v1::StoredEvent>(read, kRecordName);
}

absl::StatusOr<domain::Event> DecodeStored(const v1::StoredEvent& stored) {
  absl::StatusOr<domain::Event> event = EventFromProto(stored.event());
  if (!event.ok()) {
    return absl::DataLossError(absl::StrCat("stored event '", stored.event().event_id(),
                                            "' does not decode: ", event.status().message()));
  }
  return event;
}

// A place in the listing order (Table::kEventsByStart's), as a page token names it.
struct Position {
  int64_t start_micros = 0;
  std::string event_id;
};

Position PositionOf(const domain::Event& event) {
  return {absl::ToUnixMicros(event.start), event.event_id};
}

// Table::kEventsByStart's key of an event at `position`.
std::string StartKey(const Position& position) {
  return KeyBuilder().AddInt64(position.start_micros).AddString(position.event_id).Build();
}
// Stores `event`, replacing `previous` (the record held, if any) and its place in the
// listing order.
absl::Status PutStored(Transaction& txn, const domain::Event& event, v1::RecordStamp stamp,
                       const std::optional<v1::StoredEvent>& previous) {
  if (previous.has_value()) {
    ASSIGN_OR_RETURN(const domain::Event earlier, DecodeStored(*previous));
    RETURN_IF_ERROR(txn.Delete(Table::kEventsByStart, StartKey(PositionOf(earlier))));
  }
  RETURN_IF_ERROR(txn.Put(Table::kEventsByStart, StartKey(PositionOf(event)), ""));
  v1::StoredEvent stored;
  const std::string key = EventKey(event.event_id);
  *stored.mutable_event() = EventToProto(event);
  *stored.mutable_stamp() = std::move(stamp);
  return storage::PutRecord(txn, Table::kEvents, key, stored);
}

// Stores a local write of `event` over `previous`, stamped with the entry's `hlc`, and
// returns the entry's kind and payload.
absl::StatusOr<storage::LocalEntry> WriteLocal(Transaction& txn, const domain::Event& event,
                                               const std::optional<v1::StoredEvent>& previous,
                                               storage::HybridTime hlc,
                                               const std::string& site_id) {
  v1::EventChange change;
  *change.mutable_event() = EventToProto(event);
  RETURN_IF_ERROR(PutStored(
      txn, event, replication::MakeStamp(hlc.wall_micros, hlc.logical, site_id), previous));
  return storage::LocalEntry(v1::ENTRY_KIND_EVENT, change.SerializeAsString());
}

// Where the events of venue days from `from_day` may start, whatever their venue's zone:
// UTC offsets run from -12 h to +14 h.
int64_t EarliestStartMicros(absl::CivilDay from_day) {
  return absl::ToUnixMicros(absl::FromCivil(from_day, absl::UTCTimeZone()) - absl::Hours(14));
}
// And where those of venue days up to `to_day` start before.
int64_t StartBoundMicros(absl::CivilDay to_day) {
  return absl::ToUnixMicros(absl::FromCivil(to_day + 1, absl::UTCTimeZone()) + absl::Hours(12));
}

std::string EncodePageToken(const Position& position) {
  return absl::WebSafeBase64Escape(
      KeyBuilder().AddInt64(position.start_micros).AddString(position.event_id).Build());
}

absl::StatusOr<Position> DecodePageToken(absl::string_view token) {
  const absl::Status bad = absl::InvalidArgumentError(
      "page_token is not one this listing returned; start again without it");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes)) return bad;
  storage::KeyReader reader(bytes);
  absl::StatusOr<int64_t> start = reader.ReadInt64();
  if (!start.ok()) return bad;
  absl::StatusOr<std::string> event_id = reader.ReadString();
  if (!event_id.ok() || !reader.done()) return bad;
  return Position{*start, *std::move(event_id)};
}

}  // namespace

EventBoard::EventBoard(storage::Store* store, storage::Oplog* oplog, const storage::Clock* clock,
                       domain::IdGenerator* ids, domain::SiteProfile host)
    : store_(store), oplog_(oplog), clock_(clock), ids_(ids), host_(std::move(host)) {}

absl::Status EventBoard::CheckHostedHere(const domain::Event& event) const {
  if (event.host_site_id != host_.site_id) {
    return absl::FailedPreconditionError(absl::StrCat("event ", event.event_id, " is hosted by ",
                                                      event.host_site_id, "; change it there"));
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::Event> EventBoard::Announce(const domain::EventDraft& draft) {
  const auto make_id = [&](absl::string_view unique_part) {
    return absl::StrCat(host_.site_id, "-", unique_part);
  };
  ASSIGN_OR_RETURN(domain::Event event,
                   domain::NewEvent(draft, host_, make_id(ids_->NewId()), clock_->Now()));
  absl::StatusOr<v1::OplogEntry> entry = oplog_->CommitLocal(
      [&](Transaction& txn, storage::HybridTime hlc) -> absl::StatusOr<storage::LocalEntry> {
        const auto is_used = [&](const std::string& event_id) {
          return storage::HoldsKey(txn, Table::kEvents, EventKey(event_id));
        };
        // Ids may repeat one made before a restart (domain::NewUnusedId).
        ASSIGN_OR_RETURN(const bool used, is_used(event.event_id));
        if (used) {
          ASSIGN_OR_RETURN(event.event_id, domain::NewUnusedId(*ids_, "event", make_id, is_used));
        }
        return WriteLocal(txn, event, std::nullopt, hlc, host_.site_id);
      });
  if (!entry.ok()) return entry.status();
  return event;
}

absl::StatusOr<domain::Event> EventBoard::ChangeLocal(absl::string_view event_id,
                                                      const Change& change) {
  // Checked first outside the log: a change to another host's event, a bad one, or one that
  // leaves the event as it is never takes a sequence number.
  ASSIGN_OR_RETURN(domain::Event current, Get(event_id));
  RETURN_IF_ERROR(CheckHostedHere(current));
  ASSIGN_OR_RETURN(std::optional<domain::Event> next, change(current));
  if (!next.has_value()) return current;
  // Then again on the locked record, since another write may have committed in between.
  const absl::Time now = clock_->Now();
  return CommitChange(
      event_id,
      [&](Transaction& txn, storage::HybridTime,
          const domain::Event& locked) -> absl::StatusOr<std::optional<domain::Event>> {
        ASSIGN_OR_RETURN(std::optional<domain::Event> changed, change(locked));
        if (!changed.has_value()) return std::nullopt;
        RETURN_IF_ERROR(PromoteWaiters(txn, *changed, now));
        return changed;
      });
}

absl::StatusOr<domain::Event> EventBoard::CommitChange(absl::string_view event_id,
                                                       const LockedChange& change) {
  std::optional<domain::Event> result;
  bool unchanged = false;
  absl::StatusOr<v1::OplogEntry> entry = oplog_->CommitLocal(
      [&](Transaction& txn, storage::HybridTime hlc) -> absl::StatusOr<storage::LocalEntry> {
        ASSIGN_OR_RETURN(std::optional<v1::StoredEvent> stored,
                         ParseStored(txn.GetForUpdate(Table::kEvents, EventKey(event_id))));
        if (!stored.has_value()) return EventNotFound(event_id);
        ASSIGN_OR_RETURN(domain::Event locked, DecodeStored(*stored));
        RETURN_IF_ERROR(CheckHostedHere(locked));
        ASSIGN_OR_RETURN(std::optional<domain::Event> changed, change(txn, hlc, locked));
        if (!changed.has_value()) {
          unchanged = true;
          result = std::move(locked);
          return absl::CancelledError("no change to commit");  // Rolls back; no entry.
        }
        result = *changed;
        return WriteLocal(txn, *result, stored, hlc, host_.site_id);
      });
  if (!entry.ok() && !unchanged) return entry.status();
  return *std::move(result);
}

absl::Status EventBoard::PromoteWaiters(Transaction& txn, domain::Event& event,
                                        absl::Time now) const {
  ASSIGN_OR_RETURN(std::vector<RsvpRow> waiters,
                   FirstWaiters(txn, event.event_id, domain::WaitersToPromote(event, now)));
  for (const RsvpRow& waiter : waiters) {
    RsvpRow promoted = waiter;
    promoted.rsvp.state = domain::RsvpState::kGoing;
    promoted.rsvp.update_time = now;
    promoted.waitlisted_at.reset();
    RETURN_IF_ERROR(WriteRsvp(txn, promoted, waiter));
    ++event.going_count;
    --event.waitlist_count;
  }
  return absl::OkStatus();
}

absl::StatusOr<EventBoard::RsvpAtEvent> EventBoard::PlaceRsvp(absl::string_view event_id,
                                                              absl::string_view member_id,
                                                              absl::string_view idempotency_key) {
  RETURN_IF_ERROR(domain::ValidateRsvpRequest(event_id, member_id, idempotency_key));
  const absl::Time now = clock_->Now();
  RsvpAtEvent result;
  ASSIGN_OR_RETURN(
      result.event,
      CommitChange(
          event_id,
          [&](Transaction& txn, storage::HybridTime hlc,
              const domain::Event& locked) -> absl::StatusOr<std::optional<domain::Event>> {
            ASSIGN_OR_RETURN(std::optional<RsvpRow> previous, ReadRsvp(txn, event_id, member_id));
            if (previous.has_value() && domain::RepeatsRsvp(previous->rsvp, idempotency_key)) {
              result.rsvp = previous->rsvp;
              ASSIGN_OR_RETURN(result.rsvp.waitlist_position, WaitlistPosition(txn, *previous));
              return std::nullopt;
            }
            ASSIGN_OR_RETURN(const domain::RsvpState state, domain::AdmitRsvp(locked, now));
            RsvpRow row{
                .rsvp = {.event_id = std::string(event_id),
                         .member_id = std::string(member_id),
                         .state = state,
                         .idempotency_key = std::string(idempotency_key),
                         .create_time = previous.has_value() ? previous->rsvp.create_time : now,
                         .update_time = now,
                         .waitlist_position = 0},
                .waitlisted_at = std::nullopt};
            domain::Event next = locked;
            if (state == domain::RsvpState::kGoing) {
              ++next.going_count;
            } else {
              row.waitlisted_at = hlc;
              row.rsvp.waitlist_position = ++next.waitlist_count;  // The last.
            }
            RETURN_IF_ERROR(WriteRsvp(txn, row, previous));
            result.rsvp = row.rsvp;
            return next;
          }));
  return result;
}

absl::StatusOr<EventBoard::RsvpAtEvent> EventBoard::CancelRsvp(absl::string_view event_id,
                                                               absl::string_view member_id) {
  RETURN_IF_ERROR(domain::ValidateRsvpRequest(event_id, member_id, /*idempotency_key=*/""));
  const absl::Time now = clock_->Now();
  RsvpAtEvent result;
  ASSIGN_OR_RETURN(
      result.event,
      CommitChange(
          event_id,
          [&](Transaction& txn, storage::HybridTime,
              const domain::Event& locked) -> absl::StatusOr<std::optional<domain::Event>> {
            ASSIGN_OR_RETURN(std::optional<RsvpRow> previous, ReadRsvp(txn, event_id, member_id));
            if (!previous.has_value()) {
              return absl::NotFoundError(
                  absl::StrCat("member ", member_id, " has no RSVP to event ", event_id));
            }
            result.rsvp = previous->rsvp;
            if (previous->rsvp.state == domain::RsvpState::kCancelled) return std::nullopt;
            domain::Event next = locked;
            if (previous->rsvp.state == domain::RsvpState::kGoing) {
              --next.going_count;
            } else {
              --next.waitlist_count;
            }
            RsvpRow cancelled = *previous;
            cancelled.rsvp.state = domain::RsvpState::kCancelled;
            cancelled.rsvp.update_time = now;
            cancelled.waitlisted_at.reset();
            RETURN_IF_ERROR(WriteRsvp(txn, cancelled, previous));
            RETURN_IF_ERROR(PromoteWaiters(txn, next, now));
            result.rsvp = cancelled.rsvp;
            return next;
          }));
  return result;
}

absl::StatusOr<EventBoard::RsvpPage> EventBoard::ListRsvps(absl::string_view member_id,
                                                           int page_size,
                                                           absl::string_view page_token) const {
  RETURN_IF_ERROR(domain::CheckSlug("member_id", member_id));
  ASSIGN_OR_RETURN(storage::PagedRows rows,
                   storage::ScanPage(*store_, Table::kRsvpsByMember, MemberRsvpsPrefix(member_id),
                                     page_size, page_token, kRsvpPageLimits));
  RsvpPage page;
  page.next_page_token = std::move(rows.next_page_token);
  // One read-only transaction: each RSVP, its place and its event as of one moment.
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  for (const storage::KeyValue& row : rows.rows) {
    ASSIGN_OR_RETURN(const std::string event_id, EventOfMemberRsvpKey(row.key));
    ASSIGN_OR_RETURN(std::optional<RsvpRow> rsvp, ReadRsvp(*txn, event_id, member_id));
    ASSIGN_OR_RETURN(std::optional<v1::StoredEvent> stored,
                     ParseStored(txn->Get(Table::kEvents, EventKey(event_id))));
    if (!rsvp.has_value() || !stored.has_value()) {
      return absl::DataLossError(absl::StrCat("the RSVP of ", member_id, " to ", event_id,
                                              " is indexed but not stored with its event"));
    }
    RsvpAtEvent& item = page.items.emplace_back();
    item.rsvp = rsvp->rsvp;
    ASSIGN_OR_RETURN(item.rsvp.waitlist_position, WaitlistPosition(*txn, *rsvp));
    ASSIGN_OR_RETURN(item.event, DecodeStored(*stored));
  }
  return page;
}

absl::StatusOr<EventBoard::Goers> EventBoard::GoingAfter(absl::string_view event_id,
                                                         absl::string_view after_member_id,
                                                         size_t max_rows) const {
  ASSIGN_OR_RETURN(const domain::Event event, Get(event_id));
  if (event.host_site_id != site_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event_id, " is hosted by ", event.host_site_id, ", which alone knows who goes"));
  }
  ASSIGN_OR_RETURN(
      const std::vector<storage::KeyValue> rows,
      store_->Scan(Table::kRsvps, EventPrefix(event_id), max_rows,
                   after_member_id.empty() ? "" : EventRsvpKey(event_id, after_member_id)));
  Goers goers;
  goers.end = rows.size() < max_rows;
  for (const storage::KeyValue& row : rows) {
    ASSIGN_OR_RETURN(RsvpRow rsvp, RsvpOfEventRow(row));
    goers.last_read = rsvp.rsvp.member_id;
    if (rsvp.rsvp.state == domain::RsvpState::kGoing) {
      goers.member_ids.push_back(std::move(rsvp.rsvp.member_id));
    }
  }
  return goers;
}

absl::StatusOr<domain::Event> EventBoard::Update(absl::string_view event_id,
                                                 const domain::EventUpdate& update) {
  const absl::Time now = clock_->Now();
  return ChangeLocal(
      event_id, [&](const domain::Event& current) -> absl::StatusOr<std::optional<domain::Event>> {
        ASSIGN_OR_RETURN(domain::Event updated, domain::ApplyEventUpdate(current, update, now));
        domain::Event same = updated;
        same.update_time = current.update_time;
        if (same == current) return std::nullopt;
        return updated;
      });
}

absl::StatusOr<domain::Event> EventBoard::Cancel(absl::string_view event_id) {
  const absl::Time now = clock_->Now();
  return ChangeLocal(
      event_id, [&](const domain::Event& current) -> absl::StatusOr<std::optional<domain::Event>> {
        if (current.state == domain::EventState::kCancelled) return std::nullopt;
        domain::Event cancelled = current;
        cancelled.state = domain::EventState::kCancelled;
        cancelled.update_time = now;
        return cancelled;
      });
}

absl::Status EventBoard::ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry) const {
  const std::string name = absl::StrCat("entry ", entry.seq(), " of ", entry.origin().site_id());
  if (entry.kind() != v1::ENTRY_KIND_EVENT) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " is of kind ", v1::EntryKind_Name(entry.kind()), ", not ENTRY_KIND_EVENT"));
  }
  v1::EventChange change;
  if (!change.ParseFromString(entry.payload())) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": payload is not an EventChange"));
  }
  if (!change.has_event()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": EventChange carries no event"));
  }
  absl::StatusOr<domain::Event> event = EventFromProto(change.event());
  if (!event.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": event ", change.event().event_id(), ": ", event.status().message()));
  }
  if (absl::Status s = domain::ValidateEvent(*event); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": event ", event->event_id, ": ", s.message()));
  }
  if (event->host_site_id != entry.origin().site_id()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": event ", event->event_id,
                                                   " is hosted by ", event->host_site_id,
                                                   "; only its host writes it"));
  }

  v1::RecordStamp stamp = replication::StampOf(entry);
  ASSIGN_OR_RETURN(std::optional<v1::StoredEvent> stored,
                   ParseStored(txn.GetForUpdate(Table::kEvents, EventKey(event->event_id))));
  if (stored.has_value() && !replication::IsNewer(stamp, stored->stamp())) {
    return absl::OkStatus();  // Equal or older.
  }
  // Stored re-encoded from the validated event, so every node keeps the same bytes.
  return PutStored(txn, *event, std::move(stamp), stored);
}

absl::Status EventBoard::IndexStoredEvents() {
  constexpr absl::string_view kIndexedKey = "events_by_start_indexed";
  ASSIGN_OR_RETURN(std::optional<std::string> indexed, store_->Get(Table::kMeta, kIndexedKey));
  if (indexed.has_value()) return absl::OkStatus();
  // A batch a transaction; a crash part way indexes again from the start (the same keys).
  std::string start_after;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                     store_->Scan(Table::kEvents, /*prefix=*/"", kScanBatch, start_after));
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    for (const storage::KeyValue& row : rows) {
      ASSIGN_OR_RETURN(v1::StoredEvent stored,
                       storage::ParseRecord<v1::StoredEvent>(row.value, kRecordName));
      ASSIGN_OR_RETURN(const domain::Event event, DecodeStored(stored));
      RETURN_IF_ERROR(txn->Put(Table::kEventsByStart, StartKey(PositionOf(event)), ""));
    }
    if (rows.size() < kScanBatch) {
      RETURN_IF_ERROR(txn->Put(Table::kMeta, kIndexedKey, ""));
      return txn->Commit();
    }
    RETURN_IF_ERROR(txn->Commit());
    start_after = rows.back().key;
  }
}

absl::StatusOr<domain::Event> EventBoard::Get(absl::string_view event_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::StoredEvent> stored,
                   ParseStored(store_->Get(Table::kEvents, EventKey(event_id))));
  if (!stored.has_value()) return EventNotFound(event_id);
  return DecodeStored(*stored);
}

absl::StatusOr<EventBoard::Page> EventBoard::List(const domain::EventFilter& filter, int page_size,
                                                  absl::string_view page_token) const {
  RETURN_IF_ERROR(domain::ValidateEventFilter(filter));
  ASSIGN_OR_RETURN(const size_t limit, storage::PageSizeLimit(page_size, kPageLimits));
  std::optional<Position> after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(after, DecodePageToken(page_token));
  }

  // In start order from the page's position (or the earliest start of from_day), an event
  // read for each row, until the page is full, the last start to_day allows, or the bound
  // of rows read.
  std::string start_after;
  if (after.has_value()) {
    start_after = StartKey(*after);
  } else if (filter.from_day.has_value()) {
    // Just before every key of that start.
    start_after = KeyBuilder().AddInt64(EarliestStartMicros(*filter.from_day) - 1).Build();
  }
  const int64_t bound = filter.to_day.has_value() ? StartBoundMicros(*filter.to_day)
                                                  : std::numeric_limits<int64_t>::max();
  Page page;
  size_t read = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                     store_->Scan(Table::kEventsByStart, /*prefix=*/"", kScanBatch, start_after));
    for (const storage::KeyValue& row : rows) {
      storage::KeyReader key(row.key);
      ASSIGN_OR_RETURN(const int64_t start_micros, key.ReadInt64());
      if (start_micros >= bound) return page;
      ASSIGN_OR_RETURN(std::string event_id, key.ReadString());
      ASSIGN_OR_RETURN(std::optional<v1::StoredEvent> stored,
                       ParseStored(store_->Get(Table::kEvents, EventKey(event_id))));
      if (!stored.has_value()) {
        return absl::DataLossError(absl::StrCat("event ", event_id, " is listed but not stored"));
      }
      ASSIGN_OR_RETURN(domain::Event event, DecodeStored(*stored));
      ++read;
      if (domain::Matches(event, filter)) {
        if (page.items.size() == limit) {
          page.next_page_token = EncodePageToken(PositionOf(page.items.back()));
          return page;
        }
        page.items.push_back(std::move(event));
      }
      if (read == kMaxRowsReadPerPage) {
        // Short of a full page: the next goes on from here.
        page.next_page_token = EncodePageToken({start_micros, std::move(event_id)});
        return page;
      }
    }
    if (rows.size() < kScanBatch) return page;
    start_after = rows.back().key;
  }
}

void EventBoard::RegisterWith(replication::RecordApplier& applier) {
  applier.Register(v1::ENTRY_KIND_EVENT,
                   [this](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return ApplyRemote(txn, entry);
                   });
}

}  // namespace cantine::event
