#include "services/event/rsvp_roll.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cantine/v1/federation.pb.h"
#include "services/event/event_codec.h"
#include "services/rpc/proto_time.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::event {
namespace {

using storage::KeyBuilder;
using storage::Table;
using storage::Transaction;

std::string WaitlistKey(absl::string_view event_id, storage::HybridTime at) {
  return KeyBuilder().AddString(event_id).AddInt64(at.wall_micros).AddUint64(at.logical).Build();
}

std::string MemberKey(absl::string_view member_id, absl::string_view event_id) {
  return KeyBuilder().AddString(member_id).AddString(event_id).Build();
}

absl::Status Corrupt(absl::string_view what, absl::string_view detail) {
  return absl::DataLossError(absl::StrCat(what, " does not decode: ", detail));
}

v1::StoredRsvp ToStored(const RsvpRow& row) {
  v1::StoredRsvp stored;
  stored.set_state(RsvpStateToProto(row.rsvp.state));
  stored.set_idempotency_key(row.rsvp.idempotency_key);
  *stored.mutable_create_time() = rpc::TimeToProto(row.rsvp.create_time);
  *stored.mutable_update_time() = rpc::TimeToProto(row.rsvp.update_time);
  if (row.waitlisted_at.has_value()) {
    stored.mutable_waitlisted_at()->set_wall_micros(row.waitlisted_at->wall_micros);
    stored.mutable_waitlisted_at()->set_logical(row.waitlisted_at->logical);
  }
  return stored;
}

absl::StatusOr<RsvpRow> FromStored(absl::string_view event_id, absl::string_view member_id,
                                   const v1::StoredRsvp& stored) {
  const std::string what = absl::StrCat("the RSVP of ", member_id, " to ", event_id);
  RsvpRow row;
  row.rsvp.event_id = std::string(event_id);
  row.rsvp.member_id = std::string(member_id);
  std::optional<domain::RsvpState> state = RsvpStateFromProto(stored.state());
  if (!state.has_value()) return Corrupt(what, "no known state");
  row.rsvp.state = *state;
  row.rsvp.idempotency_key = stored.idempotency_key();
  absl::StatusOr<absl::Time> created = rpc::TimeFromProto("create_time", stored.create_time());
  absl::StatusOr<absl::Time> updated = rpc::TimeFromProto("update_time", stored.update_time());
  if (!created.ok()) return Corrupt(what, created.status().message());
  if (!updated.ok()) return Corrupt(what, updated.status().message());
  row.rsvp.create_time = *created;
  row.rsvp.update_time = *updated;
  if (stored.has_waitlisted_at()) {
    row.waitlisted_at =
        storage::HybridTime{.wall_micros = stored.waitlisted_at().wall_micros(),
                            .logical = static_cast<uint32_t>(stored.waitlisted_at().logical())};
  }
  if (row.waitlisted_at.has_value() != (row.rsvp.state == domain::RsvpState::kWaitlisted)) {
    return Corrupt(what, "a waitlist place only while waitlisted");
  }
  return row;
}

}  // namespace

absl::StatusOr<std::optional<RsvpRow>> ReadRsvp(Transaction& txn, absl::string_view event_id,
                                                absl::string_view member_id) {
  ASSIGN_OR_RETURN(std::optional<v1::StoredRsvp> stored,
                   storage::ParseOptionalRecord<v1::StoredRsvp>(
                       txn.Get(Table::kRsvps, EventRsvpKey(event_id, member_id)), "stored RSVP"));
  if (!stored.has_value()) return std::nullopt;
  return FromStored(event_id, member_id, *stored);
}

absl::Status WriteRsvp(Transaction& txn, const RsvpRow& row,
                       const std::optional<RsvpRow>& previous) {
  const domain::Rsvp& rsvp = row.rsvp;
  if (previous.has_value() && previous->waitlisted_at.has_value() &&
      previous->waitlisted_at != row.waitlisted_at) {
    RETURN_IF_ERROR(
        txn.Delete(Table::kRsvpWaitlist, WaitlistKey(rsvp.event_id, *previous->waitlisted_at)));
  }
  if (row.waitlisted_at.has_value()) {
    RETURN_IF_ERROR(txn.Put(Table::kRsvpWaitlist, WaitlistKey(rsvp.event_id, *row.waitlisted_at),
                            rsvp.member_id));
  }
  if (!previous.has_value()) {
    RETURN_IF_ERROR(txn.Put(Table::kRsvpsByMember, MemberKey(rsvp.member_id, rsvp.event_id), ""));
  }
  return storage::PutRecord(txn, Table::kRsvps, EventRsvpKey(rsvp.event_id, rsvp.member_id),
                            ToStored(row));
}

absl::StatusOr<std::vector<RsvpRow>> FirstWaiters(Transaction& txn, absl::string_view event_id,
                                                  int32_t count) {
  std::vector<RsvpRow> waiters;
  if (count <= 0) return waiters;
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> rows,
                   txn.Scan(Table::kRsvpWaitlist, EventPrefix(event_id), count));
  for (const storage::KeyValue& row : rows) {
    ASSIGN_OR_RETURN(std::optional<RsvpRow> waiter, ReadRsvp(txn, event_id, row.value));
    if (!waiter.has_value() || !waiter->waitlisted_at.has_value() ||
        WaitlistKey(event_id, *waiter->waitlisted_at) != row.key) {
      return absl::DataLossError(absl::StrCat("the waitlist of ", event_id, " names ", row.value,
                                              ", whose RSVP does not wait there"));
    }
    waiters.push_back(*std::move(waiter));
  }
  return waiters;
}

absl::StatusOr<int32_t> WaitlistPosition(Transaction& txn, const RsvpRow& row) {
  if (!row.waitlisted_at.has_value()) return 0;
  ASSIGN_OR_RETURN(
      std::vector<storage::KeyValue> rows,
      txn.Scan(Table::kRsvpWaitlist, EventPrefix(row.rsvp.event_id), domain::kMaxEventWaitlist));
  const std::string key = WaitlistKey(row.rsvp.event_id, *row.waitlisted_at);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].key == key) return static_cast<int32_t>(i + 1);
  }
  return absl::DataLossError(absl::StrCat("the RSVP of ", row.rsvp.member_id, " to ",
                                          row.rsvp.event_id, " waits, but not in its waitlist"));
}

std::string EventPrefix(absl::string_view event_id) {
  return KeyBuilder().AddString(event_id).Build();
}

std::string EventRsvpKey(absl::string_view event_id, absl::string_view member_id) {
  return KeyBuilder(EventPrefix(event_id)).AddString(member_id).Build();
}

absl::StatusOr<RsvpRow> RsvpOfEventRow(const storage::KeyValue& row) {
  storage::KeyReader key(row.key);
  absl::StatusOr<std::string> event_id = key.ReadString();
  absl::StatusOr<std::string> member_id =
      event_id.ok() ? key.ReadString() : absl::StatusOr<std::string>(event_id.status());
  if (!member_id.ok()) return Corrupt("an RSVP key", member_id.status().message());
  if (!key.done()) return Corrupt("an RSVP key", "bytes after the member id");
  ASSIGN_OR_RETURN(const v1::StoredRsvp stored,
                   storage::ParseRecord<v1::StoredRsvp>(row.value, "stored RSVP"));
  return FromStored(*event_id, *member_id, stored);
}

std::string MemberRsvpsPrefix(absl::string_view member_id) {
  return KeyBuilder().AddString(member_id).Build();
}

absl::StatusOr<std::string> EventOfMemberRsvpKey(absl::string_view key) {
  storage::KeyReader reader(key);
  absl::StatusOr<std::string> member_id = reader.ReadString();
  absl::StatusOr<std::string> event_id = reader.ReadString();
  if (!member_id.ok() || !event_id.ok() || !reader.done()) {
    return absl::DataLossError("a key of the RSVPs by member does not decode");
  }
  return *std::move(event_id);
}

}  // namespace cantine::event
