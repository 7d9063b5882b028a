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
  // Hosts asked at the same time, each on its own thread.
  inline static constexpr size_t kHostsAtOnce = 8;

  // None owned; all outlive this. `site_id` is this site. `local_rsvps` answers this host's
  // RSVPs, `remote_rsvps` another host's, each as for a forwarded call.
  Calendars(std::string site_id, const site::SiteDirectory* directory,
            const event::EventBoard* events, const booking::ReceiptBook* receipts,
            const event::ForwardedRsvps* local_rsvps, event::RemoteHosts* remote_rsvps,
            const storage::Clock* clock);

  // `site_id`'s events, cancelled ones too. NOT_FOUND when the directory lists no such site.
  absl::StatusOr<std::string> SiteProgramme(absl::string_view site_id) const;

  // The bookings and RSVPs of `member_id`, a member of this site, whose token of BOOKING
  // scope alone (`member_token`, never one of ACCOUNT scope) is shown to each host that
  // is active in the directory, kHostsAtOnce at a time, by `deadline`. UNAVAILABLE naming a host
  // that does not answer: a calendar without its RSVPs would read as their cancellation.
  absl::StatusOr<std::string> MemberCalendar(absl::string_view member_id,
                                             absl::string_view member_token,
                                             absl::Time deadline) const;

 private:
  // `member_id`'s RSVPs at `host`, page after page, up to about kMaxRsvpsPerHost.
  absl::StatusOr<std::vector<v1::Rsvp>> RsvpsAt(absl::string_view host, absl::string_view member_id,
                                                absl::string_view member_token,
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
