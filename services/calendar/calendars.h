#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/booking/receipt_book.h"
#include "services/event/event_board.h"
#include "services/event/remote_hosts.h"
#include "services/site/site_directory.h"
#include "storage/clock.h"

namespace cantine::calendar {

// The network's calendars, as iCalendar files (ical_writer.h), from what this node holds:
// a site's programme from the replicated events; a member of this home site's bookings
// from their receipts (which reach the home from every venue) and RSVPs from each host,
// which alone knows who attends. Each covers from kLookBack ago on, at most kMaxEntries
// entries. Thread-safe.
class Calendars {
 public:
  inline static constexpr absl::Duration kLookBack = absl::Hours(30 * 24);
  inline static constexpr size_t kMaxEntries = 2000;
  // The most receipts read for one member's calendar, past ones included.
  inline static constexpr size_t kMaxReceiptsRead = 20'000;
  // The most RSVPs asked of one host for one member.
  inline static constexpr size_t kMaxRsvpsPerHost = 1000;
  // A programme covers the days from kLookBack ago to this many days after, and reads at
  // most this many pages of the network's events.
  inline static constexpr int kProgrammeDays = 400;
  inline static constexpr int kMaxProgrammePages = 20;

  // None owned; all outlive this. `site_id` is this site. `local_rsvps` answers this host's
  // RSVPs, `remote_rsvps` another host's, each to this site as the member's home.
  Calendars(std::string site_id, const site::SiteDirectory* directory,
            const event::EventBoard* events, const booking::ReceiptBook* receipts,
            const event::ForwardedRsvps* local_rsvps, event::RemoteHosts* remote_rsvps,
            const storage::Clock* clock);

  // `site_id`'s events, cancelled ones too, up to kProgrammeDays ahead. NOT_FOUND when the
  // directory lists no such site.
  absl::StatusOr<std::string> SiteProgramme(absl::string_view site_id) const;

  // The bookings and RSVPs of `member_id`, a member of this site, asking each host active in
  // the directory in turn, by `deadline`, on this site's authority as the member's home
  // (ListMemberRsvps): no member token travels. UNAVAILABLE naming a host that does not
  // answer, whatever it said: a calendar without its RSVPs would read as their
  // cancellation. RESOURCE_EXHAUSTED rather than a calendar cut short past kMaxEntries
  // entries or kMaxReceiptsRead bookings.
  absl::StatusOr<std::string> MemberCalendar(absl::string_view member_id,
                                             absl::Time deadline) const;

 private:
  // `member_id`'s RSVPs at `host`, page after page, up to about kMaxRsvpsPerHost.
  absl::StatusOr<std::vector<v1::Rsvp>> RsvpsAt(absl::string_view host, absl::string_view member_id,
                                                absl::Time deadline) const;

  const std::string site_id_;
  const site::SiteDirectory* const directory_;
  const event::EventBoard* const events_;
  const booking::ReceiptBook* const receipts_;
  const event::ForwardedRsvps* const local_rsvps_;
  event::RemoteHosts* const remote_rsvps_;
  const storage::Clock* const clock_;
};

}  // namespace cantine::calendar
