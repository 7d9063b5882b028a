#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/admin.pb.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/common.pb.h"
#include "cantine/v1/event.pb.h"
#include "cantine/v1/member.pb.h"
#include "cantine/v1/site.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace cantine::cantinectl {

// The two ways cantinectl prints an answer: tables for people, in human units (prices in
// major units, times of day as HH:MM, instants in the site's time zone, durations as 2h,
// venue times as the node sent them, never converted, with the venue's zone named);
// or the response message itself as JSON, for scripts. Each result ends with a newline.

// `message` in the proto3 JSON mapping, indented, with fields at their default values too,
// so scripts find every key. INTERNAL if protobuf cannot convert it.
absl::StatusOr<std::string> FormatJson(const google::protobuf::Message& message);

// The site's profile and policy, one field per line.
std::string FormatSite(const v1::Site& site);
// One line per site.
std::string FormatSites(const v1::ListSitesResponse& response);
// One line per space. `site` gives the room block its prices are per.
std::string FormatSpaces(const v1::ListSpacesResponse& response, const v1::Site& site);
// One space, one field per line; `site` gives the room block and the time zone.
std::string FormatSpace(const v1::Space& space, const v1::Site& site);
// One member, one field per line; `site` gives the time zone of its creation time. An
// erased member says so.
std::string FormatMember(const v1::Member& member, const v1::Site& site);
// What 'login' got: the member, when its token expires (in `time_zone`) and `token_file`,
// where it is kept; never the token itself.
std::string FormatLogin(const std::string& member_id, const v1::IssueTokenResponse& response,
                        const std::string& time_zone, const std::string& token_file);
// One line per slot: its day, name, times at the venue (the zone named in the header) and
// free of total seats.
std::string FormatAvailability(const v1::GetAvailabilityResponse& response);
// One booking, one field per line, its slots one per line; its member's home site when the
// member is a visitor.
std::string FormatBooking(const v1::Booking& booking);
// One line per booking: id, venue (site), space, seats, start-end at the venue with the
// venue's zone named on each line (a member's itinerary spans venues of several zones),
// slots, price, state. A last line says when more pages follow.
std::string FormatBookings(const v1::ListBookingsResponse& response);
// The visitors of `site` on `day` (a venue day): a title naming them, then one line per
// booking: id, member, home site, space, start-end at the venue with its zone named, state.
// A last line says when more pages follow.
std::string FormatVisitors(const v1::ListBookingsResponse& response, const v1::Site& site,
                           const v1::CivilDate& day);
// A title naming the month, then one line per host, home site and currency: visits, venue
// days, amount with its currency. A month without visits between sites says so.
std::string FormatSettlement(const v1::Settlement& settlement);
// "12 days a month at other sites", "no limit": what the policy allows the site's members.
std::string VisitAllowanceText(const v1::SitePolicy& policy);
// One event, one field per line, its times at its venue with the venue's zone named.
std::string FormatEvent(const v1::Event& event);
// One line per event: id, host site, title, start-end at its venue with the venue's zone
// named (events of several zones share a listing), capacity, state, tags. A last line says
// when more pages follow.
std::string FormatEvents(const v1::ListEventsResponse& response);
// The node's site; a table of every site (the directory's and any other it holds entries
// of): city, status, how this node reaches it (this node, a peer connected or not, relayed
// by peers, refused while suspended or removed),
// the peer's last contact (UTC), the entries behind and held of those known; then a table of
// the origins it holds (site, incarnation, highest sequence number held), then a table of its
// peer links; their last contact in UTC.
std::string FormatNetworkStatus(const v1::NetworkStatus& status);
// A site's listing after `change`, one field per line: its identity, status, the change's
// version, action and sign time (UTC), its endpoints, its keys by key id (auth::KeyId), the
// token keys still listed as retired with their expiry, and its certificate's SHA-256 in hex.
std::string FormatDirectoryChange(const v1::DirectoryChange& change);
// One line per site of the directory, as the network admin signed it: site, name, city,
// status, version, action, sign time (UTC), public endpoint. A change that does not parse is
// shown as such.
std::string FormatDirectory(const v1::ListDirectoryChangesResponse& response);

// A backup the node took: its id, site, time (UTC), size, files and the folder on the node's
// machine, then how to restore it.
std::string FormatBackup(const v1::BackupInfo& backup);
// One line per backup the node keeps, oldest first: id, time (UTC), size, files; then the
// folder and how many are kept.
std::string FormatBackups(const v1::ListBackupsResponse& response);

// The latest change of each site of the directory, newest first: sign time (UTC), site,
// city, action, version and the status it left; then who signed them (the node's admin key
// id). Changes that do not parse are counted, not shown.
std::string FormatDirectoryEvents(const v1::ListDirectoryChangesResponse& response);

// Building blocks, exposed for tests.

// "1.5 MiB", "812 KiB", "96 B".
std::string FormatBytes(uint64_t bytes);

// "09:00"; "24:00" for the end of the day.
std::string FormatTimeOfDay(const v1::TimeOfDay& time);
// "2h", "24h", "1h30m", "0"; "invalid" for a malformed duration.
std::string FormatDuration(const google::protobuf::Duration& duration);
// "2024-05-02 14:30 Europe/Paris": the instant in `time_zone`, named. In UTC, named so,
// when the zone cannot be loaded.
std::string FormatInstant(const google::protobuf::Timestamp& time, const std::string& time_zone);
// "2027-01-11".
std::string FormatCivilDate(const v1::CivilDate& date);
// "2027-01-11 09:00", the fields as sent: the end of a day may read 24:00.
std::string FormatCivilDateTime(const v1::CivilDateTime& time);
// "2027-01-11 09:00 Europe/Paris": a time at the venue, with the venue's zone named.
std::string FormatVenueTime(const v1::CivilDateTime& time, const std::string& time_zone);
// "09:00-13:00" within a day (an end at 00:00 of the next day reads 24:00);
// "2027-01-11 09:00-2027-01-12 13:00" across days.
std::string FormatVenueTimeRange(const v1::CivilDateTime& start, const v1::CivilDateTime& end);
// "2027-01-11 18:00-20:00 Europe/Paris" within a day (an end at 00:00 of the next day
// reads 24:00); "2027-01-11 22:00-2027-01-12 02:00 Europe/Paris" across days.
std::string FormatVenueSpan(const v1::CivilDateTime& start, const v1::CivilDateTime& end,
                            const std::string& time_zone);
// "confirmed", "checked in", "cancelled", "no-show".
std::string BookingStateText(v1::BookingState state);
// "scheduled", "cancelled".
std::string EventStateText(v1::EventState state);
// "unknown site" for HOLD_REASON_UNKNOWN_SITE.
std::string HoldReasonText(v1::HoldReason reason);

}  // namespace cantine::cantinectl
