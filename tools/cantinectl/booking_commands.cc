// The booking commands: availability, the member's sign-in whose token they present,
// bookings at any venue, and the manager's reads of visitors and settlements.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {
namespace {

using BookingStub = v1::BookingService::StubInterface;
using MemberStub = v1::MemberService::StubInterface;

constexpr FlagSpec kAll{"all", FlagKind::kSwitch};

absl::Status NoTokenFileError() {
  return absl::FailedPreconditionError(
      "no token file: give --token_file FILE, or set CANTINE_TOKEN_FILE or HOME");
}

absl::StatusOr<Action> ReadAvailability(CommandLine& line) {
  v1::GetAvailabilityRequest request;
  request.set_space_id(line.arguments()[0]);
  ASSIGN_OR_RETURN(*request.mutable_site_id(), TakeVenue(line));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> from, line.TakeDay("from"));
  if (!from.has_value()) return absl::InvalidArgumentError("availability needs --from DAY");
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> to, line.TakeDay("to"));
  *request.mutable_first_day() = *from;
  *request.mutable_last_day() = to.value_or(*from);
  return Send(Caller::kAnyone, &BookingStub::GetAvailability, request, FormatAvailability);
}

// One sign-in, two tokens: the desk (admin credential) or the stored account token (a
// refresh) gets the account token, which then gets the booking token.
absl::StatusOr<Action> ReadLogin(CommandLine& line) {
  ASSIGN_OR_RETURN(const std::optional<std::string> member,
                   line.TakeNonEmpty("member", "; give a member id"));
  if (!member.has_value()) return absl::InvalidArgumentError("login needs --member ID");
  v1::IssueTokenRequest request;
  request.set_member_id(*member);
  ASSIGN_OR_RETURN(const std::optional<absl::Duration> ttl, line.TakeDuration("ttl", "12h or 30m"));
  *request.mutable_ttl() = rpc::DurationToProto(ttl.value_or(kDefaultTokenTtl));
  request.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  return [request](Console& console) mutable -> absl::Status {
    const GlobalOptions& options = console.options();
    if (options.token_file.empty()) return UsageError(NoTokenFileError());
    std::string credential;
    if (!options.admin_credential_file.empty()) {
      ASSIGN_OR_RETURN(credential, ReadAdminCredential(options.admin_credential_file));
    } else {
      ASSIGN_OR_RETURN(const std::optional<StoredTokens> stored,
                       UsageError(ReadTokenFile(options.token_file)));
      if (!stored.has_value()) {
        return UsageError(absl::FailedPreconditionError(absl::StrCat(
            "login needs the admin credential (the desk issues the first token): give "
            "--admin_credential_file FILE or set CANTINE_ADMIN_CREDENTIAL_FILE; no token to "
            "refresh in '",
            options.token_file, "'")));
      }
      credential = stored->account;
    }
    // Fetched before the calls, so that tokens issued are never reported as failed.
    ASSIGN_OR_RETURN(const std::optional<v1::Site> site, console.SiteForTable());
    ASSIGN_OR_RETURN(const v1::IssueTokenResponse account,
                     console.Call(&MemberStub::IssueToken, request, &credential));
    request.set_scopes(0, v1::TOKEN_SCOPE_BOOKING);
    ASSIGN_OR_RETURN(const v1::IssueTokenResponse booking,
                     console.Call(&MemberStub::IssueToken, request, &account.token()));
    RETURN_IF_ERROR(
        LocalFailure(WriteTokenFile(options.token_file, {.member_id = request.member_id(),
                                                         .booking = booking.token(),
                                                         .account = account.token()})));
    // The booking token only: the account token stays in the file.
    if (options.json) return console.PrintJson(booking);
    // Never a token itself: a table may end up in a terminal's scrollback or a log.
    console.out() << FormatLogin(request.member_id(), booking, site->time_zone(),
                                 options.token_file);
    return absl::OkStatus();
  };
}

// Revokes the member's tokens at its home site, then deletes the token file. A revocation
// that fails keeps the file, to log out again; tokens already expired or revoked
// (UNAUTHENTICATED) have nothing left to revoke.
absl::Status Logout(Console& console) {
  const GlobalOptions& options = console.options();
  if (options.token_file.empty()) return UsageError(NoTokenFileError());
  ASSIGN_OR_RETURN(const std::optional<StoredTokens> stored,
                   UsageError(ReadTokenFile(options.token_file)));
  if (!stored.has_value()) {
    if (!options.json) {
      console.out() << "Not logged in: no token file " << options.token_file << "\n";
    }
    return absl::OkStatus();
  }
  v1::UpdateMemberRequest request;
  request.set_member_id(stored->member_id);
  request.set_revoke_tokens(true);
  const absl::StatusOr<v1::Member> revoked =
      console.Call(&MemberStub::UpdateMember, request, &stored->account);
  if (!revoked.ok() && !absl::IsUnauthenticated(revoked.status())) {
    return absl::Status(
        revoked.status().code(),
        absl::StrCat(revoked.status().message(), "; not logged out: the tokens in ",
                     options.token_file,
                     " are kept (log out again, from the member's home site's node)"));
  }
  RETURN_IF_ERROR(LocalFailure(RemoveTokenFile(options.token_file).status()));
  if (!options.json) {
    console.out() << "Logged out: "
                  << (revoked.ok() ? "revoked the tokens of "
                                   : "the tokens had expired or were revoked, ")
                  << stored->member_id << "; deleted " << options.token_file << "\n";
  }
  return absl::OkStatus();
}

absl::StatusOr<Action> ReadBook(CommandLine& line) {
  v1::CreateBookingRequest request;
  request.set_space_id(line.arguments()[0]);
  ASSIGN_OR_RETURN(*request.mutable_site_id(), TakeVenue(line));
  RETURN_IF_ERROR(RequireFlags(line, {"start", "end"}, "book"));
  // Empty when --member is omitted: the node then takes the member from its token.
  ASSIGN_OR_RETURN(const std::optional<std::string> member,
                   line.TakeNonEmpty(
                       "member", "; give a member id, or omit it to book as the member logged in"));
  request.set_member_id(member.value_or(""));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> start, line.TakeTime("start"));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> end, line.TakeTime("end"));
  *request.mutable_start() = *start;
  *request.mutable_end() = *end;
  ASSIGN_OR_RETURN(const std::optional<int32_t> seats, line.TakeCount("seats", "seats"));
  request.set_seats(seats.value_or(1));
  // A generated key is shown, so that the user can retry with it.
  bool key_generated = false;
  ASSIGN_OR_RETURN(const std::optional<std::string> key,
                   line.TakeNonEmpty("key", "; omit it to have one generated"));
  if (key.has_value()) {
    request.set_idempotency_key(*key);
  } else if (!line.env().new_idempotency_key.empty()) {
    request.set_idempotency_key(line.env().new_idempotency_key);
    key_generated = true;
  } else {
    return absl::InvalidArgumentError("book needs --key (no key could be generated)");
  }
  return [request, key_generated](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const Console::Credential credential, console.MemberCredential());
    if (request.member_id().empty() && credential.desk) {
      return UsageError(absl::InvalidArgumentError(
          "book needs --member ID when booking as the desk (with the admin credential)"));
    }
    if (key_generated) {
      // Before the call, so that the key is known whatever becomes of the call.
      console.err() << "cantinectl: booking with the generated idempotency key "
                    << request.idempotency_key() << "; to retry this booking, add --key "
                    << request.idempotency_key() << "\n";
    }
    return console.Print(console.Call(&BookingStub::CreateBooking, request, &credential.value),
                         FormatBooking);
  };
}

// A command that takes one booking id and calls `method` with the member's credential.
template <typename Request>
CommandSpec BookingIdCommand(absl::string_view words, absl::string_view usage,
                             absl::string_view help,
                             grpc::Status (BookingStub::*method)(grpc::ClientContext*,
                                                                 const Request&, v1::Booking*)) {
  return {.words = words,
          .arguments = 1,
          .usage = usage,
          .help = help,
          // A booking's table needs no site: it carries its time zone and currency.
          .read = SendWithId(&Request::mutable_booking_id, Caller::kMember, method, FormatBooking)};
}

// Exactly one of --member (the member's itinerary: its bookings at every venue of the
// network) or --space and --day; the latter is a manager read.
absl::StatusOr<Action> ReadBookings(CommandLine& line) {
  const std::optional<std::string> member = line.Take("member");
  const std::optional<std::string> space = line.Take("space");
  const std::optional<std::string> day = line.Take("day");
  const bool all_pages = line.TakeBool("all");
  v1::ListBookingsRequest request;
  if (member.has_value()) {
    if (space.has_value() || day.has_value()) {
      return absl::InvalidArgumentError(
          "bookings takes either --member ID or --space SPACE --day DAY, not both");
    }
    if (member->empty()) return absl::InvalidArgumentError("--member is empty; give a member id");
    request.set_member_id(*member);
  } else {
    if (!space.has_value() || !day.has_value()) {
      return absl::InvalidArgumentError(
          space.has_value() ? "bookings --space needs --day DAY"
          : day.has_value() ? "bookings --day needs --space SPACE"
                            : "bookings needs --member ID, or --space SPACE --day DAY");
    }
    if (space->empty()) return absl::InvalidArgumentError("--space is empty; give a space id");
    request.mutable_space_day()->set_space_id(*space);
    ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> parsed_day, line.TakeDay("day"));
    *request.mutable_space_day()->mutable_day() = *parsed_day;
  }
  return Send(request.member_id().empty() ? Caller::kManager : Caller::kMember,
              &BookingStub::ListBookings, request, FormatBookings, all_pages);
}

// Members of other sites booked at this node's venue on one venue day: a manager read.
absl::StatusOr<Action> ReadVisitors(CommandLine& line) {
  const bool all_pages = line.TakeBool("all");
  // nullopt: today at the venue, the venue day at `now` in the site's time zone.
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> day, line.TakeDay("day"));
  return [day, all_pages, now = line.env().now](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const std::string credential, console.AdminCredential());
    // The site names the table and, without --day, gives today its time zone.
    std::optional<v1::Site> site;
    if (!day.has_value() || !console.options().json) {
      ASSIGN_OR_RETURN(site, console.GetSite());
    }
    absl::TimeZone zone;
    if (!day.has_value() && !absl::LoadTimeZone(site->time_zone(), &zone)) {
      return LocalFailure(absl::FailedPreconditionError(
          absl::StrCat("cannot load the site's time zone '", site->time_zone(),
                       "' to know today's date at the venue; give --day YYYY-MM-DD")));
    }
    v1::ListBookingsRequest request;
    *request.mutable_visitors_on() =
        day.has_value() ? *day : rpc::CivilDayToProto(absl::ToCivilDay(now, zone));
    return console.Print(
        console.CallPages(&BookingStub::ListBookings, request, all_pages, &credential),
        [&](const v1::ListBookingsResponse& listed) {
          return FormatVisitors(listed, *site, request.visitors_on());
        });
  };
}

// What members of each site spent at each other site in one month: a manager read. The
// month is written YYYY-MM (month 01-12); which months have a settlement is the node's call.
absl::StatusOr<Action> ReadSettlement(CommandLine& line) {
  const std::optional<std::string> month = line.Take("month");
  if (!month.has_value()) return absl::InvalidArgumentError("settlement needs --month YYYY-MM");
  absl::CivilMonth parsed;
  if (!absl::ParseCivilTime(*month, &parsed) || absl::FormatCivilTime(parsed) != *month) {
    return absl::InvalidArgumentError(
        absl::StrCat("--month '", *month, "' is not a month; write YYYY-MM, such as 2027-01"));
  }
  v1::GetSettlementRequest request;
  request.set_month(*month);
  return Send(Caller::kManager, &BookingStub::GetSettlement, request, FormatSettlement);
}

}  // namespace

void AddBookingCommands(CommandTable& table) {
  table.Add({.words = "availability",
             .arguments = 1,
             .help = R"(  availability SPACE [--site SITE] --from DAY [--to DAY]
                    Free and total seats of each slot of SPACE, from DAY to DAY (--to
                    defaults to --from). --site: the venue that owns SPACE, by default
                    the node's own site; the node asks that venue's node.
)",
             .flags = {"site", "from", "to"},
             .read = ReadAvailability});
  table.Add({.words = "login",
             .help = R"(  login --member ID [--ttl DURATION]
                    Gets the member's two tokens at its home site (--ttl: how long they
                    live, default 12h, at most 24h) and stores them in the token file: a
                    booking token, the only one the booking commands send and the only
                    one a node forwards to another venue, and an account token, for the
                    member's profile, refreshes and logout at its home site. Prints the
                    member and when the tokens expire. The desk signs the member in with
                    the admin credential, if given; otherwise the stored account token is
                    refreshed, at most until 7 days after the desk's sign-in.
)",
             .flags = {"member", "ttl"},
             .read = ReadLogin});
  table.Add(
      {.words = "logout",
       .help =
           R"(  logout            Revokes the member's tokens at its home site (every node refuses
                    them within seconds), then deletes the token file.
)",
       .read = Runs(Logout)});
  table.Add(
      {.words = "book",
       .arguments = 1,
       .help =
           R"(  book SPACE [--site SITE] [--member ID] --start TIME --end TIME [--seats N] [--key KEY]
                    Books SPACE for a member, from the start of a slot to the end of a
                    slot (desk pools: half-days; meeting rooms: blocks). --site: the
                    venue that owns SPACE, by default the node's own site; the node
                    forwards the booking to that venue's node, and TIME is a time at
                    that venue. --seats defaults to 1; a room is booked whole. The same
                    KEY returns the same booking, so a retry never books twice. Without
                    --key, a key is generated and printed (on stderr): retry a failed or
                    timed-out booking with it.
                    Logged in, --member may be omitted: the node takes the member from
                    the token.
)",
       .flags = {"site", "member", "start", "end", "seats", "key"},
       .read = ReadBook});
  table.Add(BookingIdCommand(
      "booking", "booking BOOKING_ID",
      R"(  booking ID        One booking, at any venue (a booking id starts with its venue's site).
)",
      &BookingStub::GetBooking));
  table.Add({.words = "bookings",
             .usage = "bookings --member ID | bookings --space SPACE --day DAY  [--all]",
             .help = R"(  bookings --member ID [--all]
                    A member's itinerary: its bookings at every venue of the network, by
                    start, each with its venue (SITE) and its times in that venue's zone.
  bookings --space SPACE --day DAY [--all]
                    The bookings of SPACE that touch DAY (manager).
                    Both print one page; --all follows the pages to the end.
)",
             .flags = {"member", "space", "day", kAll},
             .read = ReadBookings});
  table.Add(BookingIdCommand(
      "cancel", "cancel BOOKING_ID",
      R"(  cancel ID         Cancels a booking, at any venue; allowed until the venue's
                    cancellation window before the start.
)",
      &BookingStub::CancelBooking));
  table.Add(BookingIdCommand(
      "checkin", "checkin BOOKING_ID",
      R"(  checkin ID        Checks a booking in; allowed from its start day until its end.
)",
      &BookingStub::CheckIn));
  table.Add({.words = "visitors",
             .help = R"(  visitors [--day DAY] [--all]
                    Members of other sites booked at this site on DAY, by default today
                    at the venue (in the site's time zone): booking, member, home site,
                    space, times at the venue, state (manager). Prints one page; --all
                    follows the pages to the end.
)",
             .flags = {"day", kAll},
             .read = ReadVisitors});
  table.Add({.words = "settlement",
             .help = R"(  settlement --month YYYY-MM
                    What members of each site spent at each other site that month, from
                    the network's replicated bookings: one line per host, home site and
                    currency, the home site owing the host the amount (manager). A
                    booking counts in the month of its first venue day.
)",
             .flags = {"month"},
             .read = ReadSettlement});
}

}  // namespace cantine::cantinectl
