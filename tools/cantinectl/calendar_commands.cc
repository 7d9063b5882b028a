// The calendar commands: iCalendar files of a member's plans or a site's programme, and the
// member's secret feed address for calendar apps.

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/files/atomic_file.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"

namespace cantine::cantinectl {
namespace {

using CalendarStub = v1::CalendarService::StubInterface;

std::string FormatFeed(const v1::CalendarFeed& feed) {
  return feed.url().empty() ? absl::StrCat("feed key: ", feed.feed_key(),
                                           "\n(the home site has no web port to serve it)\n")
                            : absl::StrCat(feed.url(), "\n");
}

std::string FormatRevoked(const v1::RevokeCalendarFeedResponse&) {
  return "revoked: the old feed address reads nothing from now on\n";
}

// Writes the calendar to --out (only its owner may read a member's), and says where.
absl::StatusOr<Action> ReadCalendar(CommandLine& line) {
  ASSIGN_OR_RETURN(const std::optional<std::string> out, line.TakeNonEmpty("out"));
  if (!out.has_value()) {
    return absl::InvalidArgumentError("calendar needs --out FILE, the .ics file to write");
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> site, line.TakeNonEmpty("site"));
  const std::optional<std::string> member = line.Take("member");
  if (site.has_value() && member.has_value()) {
    return absl::InvalidArgumentError("calendar writes a site's (--site) or a member's calendar");
  }
  return [=](Console& console) -> absl::Status {
    absl::StatusOr<v1::HttpBody> calendar;
    if (site.has_value()) {
      v1::GetSiteCalendarRequest request;
      request.set_site_id(*site);
      calendar = console.Call(&CalendarStub::GetSiteCalendar, request);
    } else {
      v1::GetMemberCalendarRequest request;
      request.set_member_id(member.value_or(""));
      ASSIGN_OR_RETURN(const std::string credential, console.CredentialOf(Caller::kMember));
      calendar = console.Call(&CalendarStub::GetMemberCalendar, request, BearerOrNone(credential));
    }
    RETURN_IF_ERROR(calendar.status());
    RETURN_IF_ERROR(LocalFailure(
        files::WriteFileAtomically(*out, calendar->data(), site.has_value() ? 0644 : 0600)));
    console.out() << "wrote " << *out << " (" << calendar->data().size() << " bytes)\n";
    return absl::OkStatus();
  };
}

template <typename Request, typename Method, typename Format>
absl::StatusOr<Action> ReadFeedCall(CommandLine& line, Method method, Format format) {
  Request request;
  request.set_member_id(line.Take("member").value_or(""));
  return Send(Caller::kAccount, method, std::move(request), format);
}

}  // namespace

void AddCalendarCommands(CommandTable& table) {
  table.Add({.words = "calendar",
             .help = R"(  calendar --out FILE [--member MEMBER | --site SITE]
                    Writes an iCalendar file: the member's bookings and RSVPs across
                    the network (at the member's home node; the token's member unless
                    the desk names one), or a site's public programme (--site, any
                    node). Times carry each venue's time zone; cancelled entries stay,
                    marked cancelled.
)",
             .flags = {"out", "member", "site"},
             .read = ReadCalendar});
  table.Add({.words = "calendar feed",
             .help = R"(  calendar feed [--member MEMBER]
                    Prints the member's secret calendar address for a calendar app
                    (made once, the same until revoked); needs an account token.
)",
             .flags = {"member"},
             .read = [](CommandLine& line) {
               return ReadFeedCall<v1::GetCalendarFeedRequest>(line, &CalendarStub::GetCalendarFeed,
                                                               FormatFeed);
             }});
  table.Add({.words = "calendar revoke",
             .help = R"(  calendar revoke [--member MEMBER]
                    Revokes the member's calendar address; 'calendar feed' makes a new one.
)",
             .flags = {"member"},
             .read = [](CommandLine& line) {
               return ReadFeedCall<v1::RevokeCalendarFeedRequest>(
                   line, &CalendarStub::RevokeCalendarFeed, FormatRevoked);
             }});
}

}  // namespace cantine::cantinectl
