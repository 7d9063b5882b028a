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
#include "services/domain/site_profile.h"
#include "services/replication/record_applier.h"
#include "storage/clock.h"
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

  inline static constexpr storage::PageLimits kPageLimits = {.default_size = 100, .max_size = 1000};

  // None owned; all outlive the board. `host` is this site: its id names the events it
  // announces, its city and time zone are theirs.
  EventBoard(storage::Store* store, storage::Oplog* oplog, const storage::Clock* clock,
             domain::IdGenerator* ids, domain::SiteProfile host);

  // Announces a new event at this site. INVALID_ARGUMENT naming the field,
  // FAILED_PRECONDITION for a start in the past.
  absl::StatusOr<domain::Event> Announce(const domain::EventDraft& draft);

  // Changes a scheduled event of this site. NOT_FOUND for an unknown event;
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

  // One event, local or replicated. NOT_FOUND naming it.
  absl::StatusOr<domain::Event> Get(absl::string_view event_id) const;

  // The events matching `filter`, by start time then id. `page_size` 0 means
  // kPageLimits.default_size; beyond kPageLimits.max_size, a bad filter, or a `page_token` that is
  // not one this listing returned is INVALID_ARGUMENT. A page reads a bounded number of
  // events: one that few match may come back short, or empty, with a token to go on.
  absl::StatusOr<Page> List(const domain::EventFilter& filter, int page_size,
                            absl::string_view page_token) const;

 private:
  // Computes the event that replaces `current`, or nullopt when nothing changes.
  using Change =
      std::function<absl::StatusOr<std::optional<domain::Event>>(const domain::Event& current)>;

  // Reads the event of this host `event_id`, applies `change` and commits the result with a
  // new oplog entry; writes nothing when `change` leaves it as is.
  absl::StatusOr<domain::Event> ChangeLocal(absl::string_view event_id, const Change& change);
  // FAILED_PRECONDITION naming the host when `event` is not hosted here.
  absl::Status CheckHostedHere(const domain::Event& event) const;

  storage::Store* const store_;
  storage::Oplog* const oplog_;
  const storage::Clock* const clock_;
  domain::IdGenerator* const ids_;
  const domain::SiteProfile host_;
};

}  // namespace cantine::event
