#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/member.pb.h"
#include "cantine/v1/site.pb.h"

namespace cantine::cantinectl {

// The command line, read into typed values. Only syntax is checked here (a flag is known
// and has a value, a number is a number, a price is a decimal, a date is a calendar date);
// whether ids, names, seats, prices or times are acceptable is the node's call.

inline constexpr absl::string_view kDefaultNode = "127.0.0.1:7101";
inline constexpr absl::Duration kDefaultTimeout = absl::Seconds(5);
// How long a member token from 'login' lives unless --ttl says otherwise.
inline constexpr absl::Duration kDefaultTokenTtl = absl::Hours(12);

// What the process environment supplies, read by main so that parsing stays pure.
struct Environment {
  std::optional<std::string> node;                   // $CANTINE_NODE
  std::optional<std::string> admin_credential_file;  // $CANTINE_ADMIN_CREDENTIAL_FILE
  std::optional<std::string> token_file;             // $CANTINE_TOKEN_FILE
  std::optional<std::string> home;                   // $HOME
  std::optional<std::string> ca_file;                // $CANTINE_CA
  // A fresh random idempotency key, which 'book' uses when --key is absent. Drawn by main
  // (NewIdempotencyKey), like the variables above, so that parsing stays deterministic.
  std::string new_idempotency_key;
  // The current time, read by main: 'visitors' without --day lists today's, today being
  // the venue day at this instant in the site's time zone.
  absl::Time now = absl::UnixEpoch();
};

struct GlobalOptions {
  // gRPC target, host:port.
  std::string node{kDefaultNode};
  bool json = false;
  // Empty when neither the flag nor the environment names one.
  std::string admin_credential_file;
  // The deadline of each call.
  absl::Duration timeout = kDefaultTimeout;
  // Where 'login' keeps the member token: --token_file, else $CANTINE_TOKEN_FILE, else
  // $HOME/.cantine/token. Empty when none of them is set.
  std::string token_file;
  // --as_desk: booking commands present the admin credential even when a member token is
  // stored (the site's desk acting for a member).
  bool as_desk = false;
  // The node's transport: TLS trusting the CA in `ca_file` (--ca, else $CANTINE_CA), or the
  // system's roots when empty; plaintext when `insecure` (--insecure; `ca_file` is then empty).
  std::string ca_file;
  bool insecure = false;
};

struct HelpCommand {};
struct GetSiteCommand {};
struct ListSitesCommand {};
struct ListSpacesCommand {
  bool include_retired = false;
};
struct GetSpaceCommand {
  std::string space_id;
};
struct CreateSpaceCommand {
  std::string space_id;
  std::string display_name;
  v1::SpaceKind kind = v1::SPACE_KIND_UNSPECIFIED;
  int32_t seats = 0;
  std::string price;  // Major units, syntax checked ("15.00").
  // What members of other sites pay per slot, major units, syntax checked; unset: `price`.
  std::optional<std::string> visitor_price;
  std::string description;
};
struct UpdateSpaceCommand {
  std::string space_id;
  std::optional<std::string> display_name;
  std::optional<int32_t> seats;
  std::optional<std::string> price;          // Major units, syntax checked.
  std::optional<std::string> visitor_price;  // Major units, syntax checked.
  std::optional<std::string> description;
};
struct RetireSpaceCommand {
  std::string space_id;
};

// Without the admin credential, a registration request: the node answers it pending, the
// same whether or not the email is taken, and the site's desk completes it. With it, the
// desk registers the member; given --email alone, it completes the request made with it.
struct RegisterMemberCommand {
  std::string display_name;  // Empty only for the desk completing a request.
  std::string email;
  std::string bio;
  std::vector<std::string> skills;
  std::string city;
  std::vector<std::string> links;
  // --show: the profile fields shown network-wide; none by default.
  std::vector<v1::ProfileField> shown;
};
struct GetMemberCommand {
  std::string member_id;
};
// Manager writes, at the member's home site.
struct UpdateMemberCommand {
  std::string member_id;
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> bio;
  std::optional<std::vector<std::string>> skills;  // Replaces them all; empty clears.
  std::optional<std::string> city;
  std::optional<std::vector<std::string>> links;       // Replaces them all; empty clears.
  std::optional<std::vector<v1::ProfileField>> shown;  // Replaces the choice; empty: none.
  // Revokes every token of the member (--revoke-tokens).
  bool revoke_tokens = false;
};
struct EraseMemberCommand {
  std::string member_id;
};
// Venue days and times: civil times in the venue's time zone, whatever the caller's.
struct AvailabilityCommand {
  std::string space_id;
  // The venue that owns the space (--site); empty: the node's own site.
  std::string site_id;
  absl::CivilDay first_day;
  absl::CivilDay last_day;  // --to, else first_day.
};
struct BookCommand {
  std::string space_id;
  // The venue that owns the space (--site); empty: the node's own site. The node forwards
  // a booking at another venue to that venue's node.
  std::string site_id;
  // Empty when --member is omitted: the node then takes the member from its token.
  std::string member_id;
  absl::CivilMinute start;
  absl::CivilMinute end;  // "24:00" is read as 00:00 of the next day.
  int32_t seats = 1;
  std::string idempotency_key;
  // True when the key is Environment::new_idempotency_key, not --key: it is then shown, so
  // that the user can retry with it.
  bool idempotency_key_generated = false;
};
struct CancelBookingCommand {
  std::string booking_id;
};
struct CheckInCommand {
  std::string booking_id;
};
struct GetBookingCommand {
  std::string booking_id;
};
// Exactly one of member_id (the member's itinerary: its bookings at every venue of the
// network) or (space_id, day); the latter is a manager read.
struct ListBookingsCommand {
  std::string member_id;
  std::string space_id;
  absl::CivilDay day;
  bool all_pages = false;
};

// Members of other sites booked at this node's venue on one venue day: a manager read.
struct ListVisitorsCommand {
  // --day; nullopt: today at the venue, the venue day at `now` in the site's time zone.
  std::optional<absl::CivilDay> day;
  absl::Time now = absl::UnixEpoch();
  bool all_pages = false;
};
// What members of each site spent at each other site in one month: a manager read.
struct SettlementCommand {
  std::string month;  // "YYYY-MM", syntax checked.
};
// Sets (a number of days) or clears (nullopt: no limit) the site policy's
// member_visit_days_per_month, keeping the rest of the policy: a manager write.
struct SetVisitAllowanceCommand {
  std::optional<int32_t> visit_days_per_month;
};

// The network's events, at any node. Each filter is optional (empty or nullopt); days are
// at each event's own venue.
struct ListEventsCommand {
  std::string city;
  std::string site_id;
  std::optional<absl::CivilDay> from_day;
  std::optional<absl::CivilDay> to_day;
  std::string tag;
  bool include_cancelled = false;
  bool all_pages = false;
};
// Manager writes, at the event's host site; times are civil times at the host venue.
struct AnnounceEventCommand {
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  absl::CivilMinute start;
  absl::CivilMinute end;  // "24:00" is read as 00:00 of the next day.
  int32_t capacity = 0;
};
struct UpdateEventCommand {
  std::string event_id;
  std::optional<std::string> title;
  std::optional<std::string> description;
  // Both or neither.
  std::optional<absl::CivilMinute> start;
  std::optional<absl::CivilMinute> end;
  std::optional<int32_t> capacity;
  // Replaces every tag; an empty list clears them.
  std::optional<std::vector<std::string>> tags;
};
struct CancelEventCommand {
  std::string event_id;
};
// A manager read of the node's replication state.
struct NetworkStatusCommand {};

// Gets a member token at the member's home site and stores it in the token file.
struct LoginCommand {
  std::string member_id;
  absl::Duration ttl = kDefaultTokenTtl;
};
// Deletes the token file.
struct LogoutCommand {};

using Command =
    std::variant<HelpCommand, GetSiteCommand, ListSitesCommand, ListSpacesCommand, GetSpaceCommand,
                 CreateSpaceCommand, UpdateSpaceCommand, RetireSpaceCommand, RegisterMemberCommand,
                 GetMemberCommand, UpdateMemberCommand, EraseMemberCommand, AvailabilityCommand,
                 BookCommand, CancelBookingCommand, CheckInCommand, GetBookingCommand,
                 ListBookingsCommand, ListVisitorsCommand, SettlementCommand,
                 SetVisitAllowanceCommand, ListEventsCommand, AnnounceEventCommand,
                 UpdateEventCommand, CancelEventCommand, NetworkStatusCommand, LoginCommand,
                 LogoutCommand>;

struct Invocation {
  GlobalOptions options;
  Command command;
};

// Parses the arguments after the program name. Global flags may come before or after the
// command; "--flag value" and "--flag=value" are both accepted; "--" ends the flags. A flag
// is given at most once, except --tag (event announce), which may be repeated.
// --help or -h anywhere, or the command "help", is HelpCommand. INVALID_ARGUMENT with a
// message a person can act on for anything else that does not parse.
absl::StatusOr<Invocation> ParseArguments(const std::vector<std::string>& args,
                                          const Environment& env);

// The --help text: commands, flags, environment and exit codes.
std::string UsageText();

// A random idempotency key for a booking: "ctl-" and 32 hex digits (128 bits from `gen`).
std::string NewIdempotencyKey(absl::BitGenRef gen);

}  // namespace cantine::cantinectl
