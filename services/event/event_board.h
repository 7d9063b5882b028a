#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/federation.pb.h"
#include "services/domain/event.h"
#include "services/domain/id_generator.h"
#include "services/domain/rsvp.h"
#include "services/domain/site_profile.h"
#include "services/replication/record_applier.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/paged_scan.h"
#include "storage/store.h"

namespace cantine::event {

// The network's events as this node knows them: the events this site hosts, which only it
// writes, and the replicated announcements of every other host. A local write is one oplog
// entry (ENTRY_KIND_EVENT, payload v1::EventChange with the whole event) committed with the
// stored record in one transaction; remote entries merge last-writer-wins by (entry hlc,
// origin site id), so every node converges whatever the delivery order. Stored in
// Table::kEvents as event_id -> v1::StoredEvent. Plain C++, no gRPC. Thread-safe.
class EventBoard {
 public:
  using Page = storage::Page<domain::Event>;

  // A member's RSVP with the event as its host holds it now.
  struct RsvpAtEvent {
    domain::Rsvp rsvp;
    domain::Event event;
  };
  using RsvpPage = storage::Page<RsvpAtEvent>;
  inline static constexpr storage::PageLimits kRsvpPageLimits = {.default_size = 50,
                                                                 .max_size = 200};

  inline static constexpr storage::PageLimits kPageLimits = {.default_size = 100, .max_size = 1000};

  // None owned; all outlive the board. `host` is this site: its id names the events it
  // announces, its city and time zone are theirs.
  EventBoard(storage::Store* store, storage::Oplog* oplog, const storage::Clock* clock,
             domain::IdGenerator* ids, domain::SiteProfile host);

  // Announces a new event at this site. INVALID_ARGUMENT naming the field,
  // FAILED_PRECONDITION for a start in the past.
  absl::StatusOr<domain::Event> Announce(const domain::EventDraft& draft);

  // Changes a scheduled event of this site; a capacity raised lets the first waiters in.
  // NOT_FOUND for an unknown event;
  // FAILED_PRECONDITION for another host's event (naming the host), a cancelled event, or a
  // start moved into the past; INVALID_ARGUMENT naming the field. An update that changes
  // nothing returns the event as it is and writes no entry.
  absl::StatusOr<domain::Event> Update(absl::string_view event_id,
                                       const domain::EventUpdate& update);

  // Cancels an event of this site. Cancelling a cancelled event returns it unchanged and
  // writes no entry. NOT_FOUND; FAILED_PRECONDITION for another host's event.
  absl::StatusOr<domain::Event> Cancel(absl::string_view event_id);

  // Applies a remote ENTRY_KIND_EVENT entry inside the oplog's apply transaction: the event
  // replaces the stored one only when the entry's stamp (hlc, origin site id) is greater
  // than the stored stamp; an equal or older entry changes nothing and is OK. Applying a set
  // of entries in any order gives the same state. INVALID_ARGUMENT when the payload does not
  // parse, the event is invalid, or its host is not the entry's origin (only the host
  // writes its events); storage errors otherwise.
  absl::Status ApplyRemote(storage::Transaction& txn, const v1::OplogEntry& entry) const;
  // Has `applier` route remote ENTRY_KIND_EVENT entries to ApplyRemote, at assembly;
  // this outlives the applier's use.
  void RegisterWith(replication::RecordApplier& applier);

  // Lists in Table::kEventsByStart the events a database written before that table held,
  // once: a node calls it as it starts, before any write.
  absl::Status IndexStoredEvents();

  // This site, the host of the events it announces.
  const std::string& site_id() const { return host_.site_id; }

  // One event, local or replicated. NOT_FOUND naming it.
  absl::StatusOr<domain::Event> Get(absl::string_view event_id) const;

  // The events matching `filter`, by start time then id. `page_size` 0 means
  // kPageLimits.default_size; beyond kPageLimits.max_size, a bad filter, or a `page_token` that is
  // not one this listing returned is INVALID_ARGUMENT. A page reads a bounded number of
  // events: one that few match may come back short, or empty, with a token to go on.
  absl::StatusOr<Page> List(const domain::EventFilter& filter, int page_size,
                            absl::string_view page_token) const;

  // RSVPs, to this site's events only (rsvp_roll.h). Each write commits the RSVP rows with
  // the event and its new counts, in the event's transaction and one oplog entry: the
  // event's lock serializes them, so places are never given beyond the capacity, and the
  // counts replicate with the event while who attends stays here.

  // A place at `event_id` for `member_id` (domain::AdmitRsvp); a repeat
  // (domain::RepeatsRsvp) returns the RSVP as it is and writes nothing. INVALID_ARGUMENT
  // naming the field; NOT_FOUND for an unknown event; FAILED_PRECONDITION for another
  // host's, a cancelled or a started event; RESOURCE_EXHAUSTED for a full waitlist.
  absl::StatusOr<RsvpAtEvent> PlaceRsvp(absl::string_view event_id, absl::string_view member_id,
                                        absl::string_view idempotency_key);
  // Gives the member's place up, and the first waiters take the places freed. NOT_FOUND when
  // the member has no RSVP to the event; a cancelled one is returned as it is.
  absl::StatusOr<RsvpAtEvent> CancelRsvp(absl::string_view event_id, absl::string_view member_id);
  // The member's RSVPs to this site's events, by event id. INVALID_ARGUMENT for a bad page
  // size or token.
  absl::StatusOr<RsvpPage> ListRsvps(absl::string_view member_id, int page_size,
                                     absl::string_view page_token) const;
  // The members going to `event_id`, a host's event, by member id, after `after_member_id`
  // ("": from the first), among at most `max_rows` of its RSVPs read: `last_read` is the
  // member of the last one read, and `end` says whether it was the event's last. NOT_FOUND
  // for an unknown event; FAILED_PRECONDITION naming the host of another's.
  struct Goers {
    std::vector<std::string> member_ids;
    std::string last_read;
    bool end = false;
  };
  absl::StatusOr<Goers> GoingAfter(absl::string_view event_id, absl::string_view after_member_id,
                                   size_t max_rows) const;

 private:
  // Computes the event that replaces `current`, or nullopt when nothing changes.
  using Change =
      std::function<absl::StatusOr<std::optional<domain::Event>>(const domain::Event& current)>;

  // Reads the event of this host `event_id`, applies `change`, lets waiters into the places
  // it frees, and commits the result with a new oplog entry; writes nothing when `change`
  // leaves it as is.
  absl::StatusOr<domain::Event> ChangeLocal(absl::string_view event_id, const Change& change);
  // The event that replaces `locked` (read and locked in `txn`, whose entry will carry
  // `hlc`) with the rows it writes in `txn`, or nullopt to write nothing.
  using LockedChange = std::function<absl::StatusOr<std::optional<domain::Event>>(
      storage::Transaction& txn, storage::HybridTime hlc, const domain::Event& locked)>;
  // ChangeLocal's commit: `change` applied to the locked event, inside the oplog's
  // transaction.
  absl::StatusOr<domain::Event> CommitChange(absl::string_view event_id,
                                             const LockedChange& change);
  // Moves the first waiters of `event` into the places it has free at `now`
  // (domain::WaitersToPromote), counting them in `event`.
  absl::Status PromoteWaiters(storage::Transaction& txn, domain::Event& event,
                              absl::Time now) const;
  // FAILED_PRECONDITION naming the host when `event` is not hosted here.
  absl::Status CheckHostedHere(const domain::Event& event) const;

  storage::Store* const store_;
  storage::Oplog* const oplog_;
  const storage::Clock* const clock_;
  domain::IdGenerator* const ids_;
  const domain::SiteProfile host_;
};

}  // namespace cantine::event
