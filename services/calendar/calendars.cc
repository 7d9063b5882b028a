#include "services/calendar/calendars.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/calendar/calendar_entries.h"
#include "services/event/event_codec.h"
#include "storage/status_macros.h"

namespace cantine::calendar {
namespace {

// The LOCATION of each venue named, read from the directory once per calendar. A site no
// longer listed is named by its id.
class VenueLocations {
 public:
  explicit VenueLocations(const site::SiteDirectory* directory) : directory_(directory) {}

  const std::string& Of(const std::string& site_id) {
    auto [it, inserted] = locations_.try_emplace(site_id);
    if (inserted) {
      absl::StatusOr<v1::DirectoryEntry> entry = directory_->Get(site_id);
      it->second = entry.ok() ? VenueLocation(entry->site()) : site_id;
    }
    return it->second;
  }

 private:
  const site::SiteDirectory* const directory_;
  std::map<std::string, std::string> locations_;
};

absl::StatusOr<std::string> Write(absl::string_view name, std::vector<CalendarEntry> entries) {
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const CalendarEntry& a, const CalendarEntry& b) { return a.start < b.start; });
  return WriteCalendar(name, entries);
}

}  // namespace

Calendars::Calendars(std::string site_id, const site::SiteDirectory* directory,
                     const event::EventBoard* events, const booking::ReceiptBook* receipts,
                     const event::ForwardedRsvps* local_rsvps, event::RemoteHosts* remote_rsvps,
                     const storage::Clock* clock)
    : site_id_(std::move(site_id)),
      directory_(directory),
      events_(events),
      receipts_(receipts),
      local_rsvps_(local_rsvps),
      remote_rsvps_(remote_rsvps),
      clock_(clock) {}

absl::StatusOr<std::string> Calendars::SiteProgramme(absl::string_view site_id) const {
  ASSIGN_OR_RETURN(const v1::DirectoryEntry site, directory_->Get(site_id));
  const std::string location = VenueLocation(site.site());
  // A day early: the filter reads days in each event's own zone.
  const absl::CivilDay from = absl::ToCivilDay(clock_->Now() - kLookBack, absl::UTCTimeZone()) - 1;
  const domain::EventFilter filter = {.site_id = std::string(site_id),
                                      .from_day = from,
                                      .to_day = from + kProgrammeDays,
                                      .include_cancelled = true};
  std::vector<CalendarEntry> entries;
  std::string page_token;
  // Each page reads a bounded number of the network's events, the site's among them.
  for (int pages = 0; pages < kMaxProgrammePages; ++pages) {
    ASSIGN_OR_RETURN(event::EventBoard::Page page,
                     events_->List(filter, event::EventBoard::kPageLimits.max_size, page_token));
    for (const domain::Event& event : page.items) {
      if (entries.size() == kMaxEntries) break;
      entries.push_back(EventEntry(event, location));
    }
    page_token = std::move(page.next_page_token);
    if (page_token.empty() || entries.size() == kMaxEntries) break;
  }
  return Write(absl::StrCat(site.site().display_name(), " programme"), std::move(entries));
}

absl::StatusOr<std::vector<v1::Rsvp>> Calendars::RsvpsAt(absl::string_view host,
                                                         absl::string_view member_id,
                                                         absl::Time deadline) const {
  v1::ListRsvpsRequest request;
  request.set_site_id(std::string(host));
  request.set_member_id(std::string(member_id));
  request.set_page_size(event::EventBoard::kRsvpPageLimits.max_size);
  std::vector<v1::Rsvp> rsvps;
  do {
    absl::StatusOr<v1::ListRsvpsResponse> page =
        host == site_id_ ? local_rsvps_->ListRsvpsForHome(site_id_, request)
                         : remote_rsvps_->ListMemberRsvps(host, request, deadline);
    if (!page.ok()) {
      // Whatever the host said, the calendar is unavailable, not the feed revoked.
      return absl::UnavailableError(
          absl::StrCat("the RSVPs at ", host, " cannot be read: ", page.status().message()));
    }
    for (v1::Rsvp& rsvp : *page->mutable_rsvps()) rsvps.push_back(std::move(rsvp));
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty() && rsvps.size() < kMaxRsvpsPerHost);
  return rsvps;
}

absl::StatusOr<std::string> Calendars::MemberCalendar(absl::string_view member_id,
                                                      absl::Time deadline) const {
  const absl::Time from = clock_->Now() - kLookBack;
  VenueLocations locations(directory_);
  std::vector<CalendarEntry> entries;
  // A calendar cut short would read as deletions in the apps that hold it: refused instead.
  const absl::Status too_many = absl::ResourceExhaustedError(
      absl::StrCat("the calendar of ", member_id, " would hold more than ", kMaxEntries,
                   " entries or ", kMaxReceiptsRead, " bookings"));

  // Bookings, by start, the recent ones kept.
  std::string page_token;
  size_t read = 0;
  do {
    if (read >= kMaxReceiptsRead) return too_many;
    ASSIGN_OR_RETURN(
        booking::ReceiptBook::Page page,
        receipts_->ListByMember(member_id, booking::ReceiptBook::kPageLimits.max_size, page_token));
    read += page.items.size();
    for (const v1::Booking& receipt : page.items) {
      if (receipt.end_time().seconds() < absl::ToUnixSeconds(from)) continue;
      if (entries.size() == kMaxEntries) return too_many;
      ASSIGN_OR_RETURN(CalendarEntry entry, BookingEntry(receipt, locations.Of(receipt.site_id())));
      entries.push_back(std::move(entry));
    }
    page_token = std::move(page.next_page_token);
  } while (!page_token.empty());

  // RSVPs, host by host (this one answers here), each trusting this site as the member's
  // home: no member token leaves this node.
  ASSIGN_OR_RETURN(const std::vector<v1::DirectoryEntry> sites, directory_->List());
  for (const v1::DirectoryEntry& site : sites) {
    if (site.status() != v1::SITE_STATUS_ACTIVE) continue;
    const std::string& host = site.site().site_id();
    ASSIGN_OR_RETURN(const std::vector<v1::Rsvp> rsvps, RsvpsAt(host, member_id, deadline));
    for (const v1::Rsvp& rsvp : rsvps) {
      ASSIGN_OR_RETURN(const domain::Event event, event::EventFromProto(rsvp.event()));
      if (event.end < from) continue;
      if (entries.size() == kMaxEntries) return too_many;
      entries.push_back(RsvpEntry(event, rsvp, locations.Of(host)));
    }
  }
  return Write(absl::StrCat("Cantine: ", member_id), std::move(entries));
}

}  // namespace cantine::calendar
