#include "tools/cantinectl/site_commands.h"

#include <fstream>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/currency.h"
#include "services/rpc/proto_time.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/grpc_call.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {
namespace {

// `credential` as a call's bearer token; none when it is empty (an anonymous call).
const std::string* BearerOrNone(const std::string& credential) {
  return credential.empty() ? nullptr : &credential;
}

// The address of `value`'s content; null when it has none.
template <typename T>
const T* OrNull(const std::optional<T>& value) {
  return value.has_value() ? &*value : nullptr;
}

// One page of a listing, `list` called with `request`; with `all_pages`, every page, the
// next asked with the previous one's next_page_token, gathered into one answer, which then
// has no next_page_token. The first failed call's status; INTERNAL when the node hands out
// the same token twice.
template <typename Request, typename List>
auto ListPages(Request request, bool all_pages, List list)
    -> std::invoke_result_t<List, const Request&> {
  using Response = typename std::invoke_result_t<List, const Request&>::value_type;
  Response listed;
  while (true) {
    const auto page = list(request);
    if (!page.ok()) return page.status();
    listed.MergeFrom(*page);  // Appends the page's items.
    listed.set_next_page_token(page->next_page_token());
    if (!all_pages || page->next_page_token().empty()) return listed;
    if (page->next_page_token() == request.page_token()) {
      return absl::InternalError("the node returned the same next_page_token twice");
    }
    request.set_page_token(page->next_page_token());
  }
}

// Runs one command; a visitor over Command. Each handler returns the exit code.
class Runner {
 public:
  Runner(const GlobalOptions& options, const NodeStubs& node, std::ostream& out, std::ostream& err)
      : options_(options), node_(node), out_(out), err_(err) {}

  int operator()(const HelpCommand&) {
    out_ << UsageText();
    return kExitOk;
  }

  int operator()(const GetSiteCommand&) {
    absl::StatusOr<v1::Site> site = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
    if (!site.ok()) return CallFailed(site.status());
    return Print(*site, [&] { return FormatSite(*site); });
  }

  int operator()(const ListSitesCommand&) {
    absl::StatusOr<v1::ListSitesResponse> sites =
        Call(node_.site, &SiteStub::ListSites, v1::ListSitesRequest());
    if (!sites.ok()) return CallFailed(sites.status());
    return Print(*sites, [&] { return FormatSites(*sites); });
  }

  int operator()(const ListSpacesCommand& command) {
    v1::ListSpacesRequest request;
    request.set_include_retired(command.include_retired);
    absl::StatusOr<v1::ListSpacesResponse> spaces =
        Call(node_.site, &SiteStub::ListSpaces, request);
    if (!spaces.ok()) return CallFailed(spaces.status());
    return PrintWithSite(*spaces,
                         [&](const v1::Site& site) { return FormatSpaces(*spaces, site); });
  }

  int operator()(const GetSpaceCommand& command) {
    v1::GetSpaceRequest request;
    request.set_space_id(command.space_id);
    return PrintSpace(Call(node_.site, &SiteStub::GetSpace, request));
  }

  int operator()(const CreateSpaceCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    absl::StatusOr<v1::Site> site = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
    if (!site.ok()) return CallFailed(site.status());
    absl::StatusOr<v1::Money> price = PriceInSiteCurrency("--price", command.price, *site);
    if (!price.ok()) return PriceFailed(price.status());
    std::optional<v1::Money> visitor_price;
    if (command.visitor_price.has_value()) {
      absl::StatusOr<v1::Money> parsed =
          PriceInSiteCurrency("--visitor-price", *command.visitor_price, *site);
      if (!parsed.ok()) return PriceFailed(parsed.status());
      visitor_price = *std::move(parsed);
    }

    v1::CreateSpaceRequest request;
    v1::Space* space = request.mutable_space();
    space->set_space_id(command.space_id);
    space->set_display_name(command.display_name);
    space->set_description(command.description);
    space->set_kind(command.kind);
    space->set_seats(command.seats);
    *space->mutable_price_per_slot() = *std::move(price);
    if (visitor_price.has_value()) {
      *space->mutable_visitor_price_per_slot() = *std::move(visitor_price);
    }
    return PrintSpace(Call(node_.site, &SiteStub::CreateSpace, request, &*credential), &*site);
  }

  int operator()(const UpdateSpaceCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    // The site gives the prices their currency, and the table its room block and time zone;
    // fetched before the write, so that a write that succeeds is never reported as failed.
    std::optional<v1::Site> site;
    if (command.price.has_value() || command.visitor_price.has_value() || !options_.json) {
      absl::StatusOr<v1::Site> fetched = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
      if (!fetched.ok()) return CallFailed(fetched.status());
      site = *std::move(fetched);
    }
    v1::UpdateSpaceRequest request;
    request.set_space_id(command.space_id);
    if (command.display_name.has_value()) request.set_display_name(*command.display_name);
    if (command.description.has_value()) request.set_description(*command.description);
    if (command.seats.has_value()) request.set_seats(*command.seats);
    if (command.price.has_value()) {
      absl::StatusOr<v1::Money> price = PriceInSiteCurrency("--price", *command.price, *site);
      if (!price.ok()) return PriceFailed(price.status());
      *request.mutable_price_per_slot() = *std::move(price);
    }
    if (command.visitor_price.has_value()) {
      absl::StatusOr<v1::Money> visitor_price =
          PriceInSiteCurrency("--visitor-price", *command.visitor_price, *site);
      if (!visitor_price.ok()) return PriceFailed(visitor_price.status());
      *request.mutable_visitor_price_per_slot() = *std::move(visitor_price);
    }
    return PrintSpace(Call(node_.site, &SiteStub::UpdateSpace, request, &*credential),
                      OrNull(site));
  }

  int operator()(const RetireSpaceCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    absl::StatusOr<std::optional<v1::Site>> site = SiteForTable();
    if (!site.ok()) return CallFailed(site.status());
    v1::RetireSpaceRequest request;
    request.set_space_id(command.space_id);
    return PrintSpace(Call(node_.site, &SiteStub::RetireSpace, request, &*credential),
                      OrNull(*site));
  }

  // The desk registers with the admin credential; without it, a registration request.
  int operator()(const RegisterMemberCommand& command) {
    std::string credential;
    if (!options_.admin_credential_file.empty()) {
      absl::StatusOr<std::string> admin = ReadAdminCredential(options_.admin_credential_file);
      if (!admin.ok()) return UsageFailed(admin.status());
      credential = *std::move(admin);
    } else if (command.display_name.empty()) {
      return UsageFailed(absl::InvalidArgumentError(
          "member register needs --name: only the desk (--admin_credential_file) completes a "
          "registration request with --email alone"));
    }
    absl::StatusOr<std::optional<v1::Site>> site = SiteForTable();
    if (!site.ok()) return CallFailed(site.status());
    v1::RegisterMemberRequest request;
    request.set_display_name(command.display_name);
    request.set_email(command.email);
    request.set_bio(command.bio);
    request.mutable_skills()->Assign(command.skills.begin(), command.skills.end());
    request.set_city(command.city);
    request.mutable_links()->Assign(command.links.begin(), command.links.end());
    for (v1::ProfileField field : command.shown) request.add_network_visible_fields(field);
    return PrintMember(
        Call(node_.members, &MemberStub::RegisterMember, request, BearerOrNone(credential)),
        OrNull(*site));
  }

  // Logged in (or as the desk), at the home site, the whole profile; else what it shows.
  int operator()(const GetMemberCommand& command) {
    std::string credential;
    const bool logged_in = !options_.token_file.empty() &&
                           ReadTokenFile(options_.token_file).value_or(std::nullopt).has_value();
    if (options_.as_desk || logged_in || !options_.admin_credential_file.empty()) {
      absl::StatusOr<BookingCredential> presented = ReadBookingCredential(TokenScope::kAccount);
      if (!presented.ok()) return UsageFailed(presented.status());
      credential = std::move(presented)->value;
    }
    v1::GetMemberRequest request;
    request.set_member_id(command.member_id);
    return PrintMember(
        Call(node_.members, &MemberStub::GetMember, request, BearerOrNone(credential)));
  }

  // A member changes or erases its own profile, or revokes its tokens, with its account
  // token; the desk any of its members'.
  int operator()(const UpdateMemberCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential(TokenScope::kAccount);
    if (!credential.ok()) return UsageFailed(credential.status());
    absl::StatusOr<std::optional<v1::Site>> site = SiteForTable();
    if (!site.ok()) return CallFailed(site.status());
    v1::UpdateMemberRequest request;
    request.set_member_id(command.member_id);
    if (command.display_name.has_value()) request.set_display_name(*command.display_name);
    if (command.email.has_value()) request.set_email(*command.email);
    if (command.bio.has_value()) request.set_bio(*command.bio);
    request.set_revoke_tokens(command.revoke_tokens);
    if (command.skills.has_value()) {
      request.mutable_skills()->mutable_values()->Assign(command.skills->begin(),
                                                         command.skills->end());
    }
    if (command.city.has_value()) request.set_city(*command.city);
    if (command.links.has_value()) {
      request.mutable_links()->mutable_values()->Assign(command.links->begin(),
                                                        command.links->end());
    }
    if (command.shown.has_value()) {
      v1::ProfileFieldList* shown = request.mutable_network_visible_fields();
      for (v1::ProfileField field : *command.shown) shown->add_fields(field);
    }
    return PrintMember(Call(node_.members, &MemberStub::UpdateMember, request, &credential->value),
                       OrNull(*site));
  }

  int operator()(const EraseMemberCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential(TokenScope::kAccount);
    if (!credential.ok()) return UsageFailed(credential.status());
    absl::StatusOr<std::optional<v1::Site>> site = SiteForTable();
    if (!site.ok()) return CallFailed(site.status());
    v1::EraseMemberRequest request;
    request.set_member_id(command.member_id);
    return PrintMember(Call(node_.members, &MemberStub::EraseMember, request, &credential->value),
                       OrNull(*site));
  }

  int operator()(const AvailabilityCommand& command) {
    v1::GetAvailabilityRequest request;
    request.set_space_id(command.space_id);
    request.set_site_id(command.site_id);
    *request.mutable_first_day() = rpc::CivilDayToProto(command.first_day);
    *request.mutable_last_day() = rpc::CivilDayToProto(command.last_day);
    absl::StatusOr<v1::GetAvailabilityResponse> availability =
        Call(node_.bookings, &BookingStub::GetAvailability, request);
    if (!availability.ok()) return CallFailed(availability.status());
    return Print(*availability, [&] { return FormatAvailability(*availability); });
  }

  int operator()(const BookCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    if (command.member_id.empty() && credential->desk) {
      return UsageFailed(absl::InvalidArgumentError(
          "book needs --member ID when booking as the desk (with the admin credential)"));
    }
    if (command.idempotency_key_generated) {
      // Before the call, so that the key is known whatever becomes of the call.
      err_ << "cantinectl: booking with the generated idempotency key " << command.idempotency_key
           << "; to retry this booking, add --key " << command.idempotency_key << "\n";
    }
    v1::CreateBookingRequest request;
    request.set_space_id(command.space_id);
    request.set_site_id(command.site_id);
    request.set_member_id(command.member_id);
    *request.mutable_start() = rpc::CivilMinuteToProto(command.start);
    *request.mutable_end() = rpc::CivilMinuteToProto(command.end);
    request.set_seats(command.seats);
    request.set_idempotency_key(command.idempotency_key);
    return PrintBooking(
        Call(node_.bookings, &BookingStub::CreateBooking, request, &credential->value));
  }

  int operator()(const CancelBookingCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::CancelBookingRequest request;
    request.set_booking_id(command.booking_id);
    return PrintBooking(
        Call(node_.bookings, &BookingStub::CancelBooking, request, &credential->value));
  }

  int operator()(const CheckInCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::CheckInRequest request;
    request.set_booking_id(command.booking_id);
    return PrintBooking(Call(node_.bookings, &BookingStub::CheckIn, request, &credential->value));
  }

  int operator()(const GetBookingCommand& command) {
    absl::StatusOr<BookingCredential> credential = ReadBookingCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::GetBookingRequest request;
    request.set_booking_id(command.booking_id);
    return PrintBooking(
        Call(node_.bookings, &BookingStub::GetBooking, request, &credential->value));
  }

  int operator()(const ListBookingsCommand& command) {
    v1::ListBookingsRequest request;
    std::string credential;
    if (!command.member_id.empty()) {
      absl::StatusOr<BookingCredential> read = ReadBookingCredential();
      if (!read.ok()) return UsageFailed(read.status());
      credential = std::move(read)->value;
      request.set_member_id(command.member_id);
    } else {
      absl::StatusOr<std::string> read = AdminCredential();
      if (!read.ok()) return UsageFailed(read.status());
      credential = *std::move(read);
      request.mutable_space_day()->set_space_id(command.space_id);
      *request.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(command.day);
    }
    absl::StatusOr<v1::ListBookingsResponse> listed =
        ListPages(request, command.all_pages, [&](const v1::ListBookingsRequest& page) {
          return Call(node_.bookings, &BookingStub::ListBookings, page, &credential);
        });
    if (!listed.ok()) return CallFailed(listed.status());
    return Print(*listed, [&] { return FormatBookings(*listed); });
  }

  int operator()(const ListVisitorsCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    // The site names the table and, without --day, gives today its time zone.
    std::optional<v1::Site> site;
    if (!command.day.has_value() || !options_.json) {
      absl::StatusOr<v1::Site> fetched = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
      if (!fetched.ok()) return CallFailed(fetched.status());
      site = *std::move(fetched);
    }
    absl::CivilDay day;
    if (command.day.has_value()) {
      day = *command.day;
    } else {
      absl::TimeZone zone;
      if (!absl::LoadTimeZone(site->time_zone(), &zone)) {
        return Fail(absl::FailedPreconditionError(
                        absl::StrCat("cannot load the site's time zone '", site->time_zone(),
                                     "' to know today's date at the venue; give --day YYYY-MM-DD")),
                    kExitFailure);
      }
      day = absl::ToCivilDay(command.now, zone);
    }
    v1::ListBookingsRequest request;
    *request.mutable_visitors_on() = rpc::CivilDayToProto(day);
    absl::StatusOr<v1::ListBookingsResponse> listed =
        ListPages(request, command.all_pages, [&](const v1::ListBookingsRequest& page) {
          return Call(node_.bookings, &BookingStub::ListBookings, page, &*credential);
        });
    if (!listed.ok()) return CallFailed(listed.status());
    return Print(*listed, [&] { return FormatVisitors(*listed, *site, request.visitors_on()); });
  }

  int operator()(const SettlementCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::GetSettlementRequest request;
    request.set_month(command.month);
    absl::StatusOr<v1::Settlement> settlement =
        Call(node_.bookings, &BookingStub::GetSettlement, request, &*credential);
    if (!settlement.ok()) return CallFailed(settlement.status());
    return Print(*settlement, [&] { return FormatSettlement(*settlement); });
  }

  int operator()(const SetVisitAllowanceCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    // UpdatePolicy replaces the whole policy: the site's current one, with this field changed,
    // only if no other manager changed it in between (ABORTED: run the command again).
    absl::StatusOr<v1::Site> site = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
    if (!site.ok()) return CallFailed(site.status());
    if (!site->has_policy()) {
      return Fail(absl::InternalError("the node sent its site without a policy; nothing to change"),
                  kExitFailure);
    }
    v1::UpdatePolicyRequest request;
    *request.mutable_policy() = site->policy();
    *request.mutable_expected_policy() = site->policy();
    if (command.visit_days_per_month.has_value()) {
      request.mutable_policy()->set_member_visit_days_per_month(*command.visit_days_per_month);
    } else {
      request.mutable_policy()->clear_member_visit_days_per_month();
    }
    absl::StatusOr<v1::SitePolicy> updated =
        Call(node_.site, &SiteStub::UpdatePolicy, request, &*credential);
    if (!updated.ok()) return CallFailed(updated.status());
    *site->mutable_policy() = *std::move(updated);
    return Print(site->policy(), [&] { return FormatSite(*site); });
  }

  int operator()(const ListEventsCommand& command) {
    v1::ListEventsRequest request;
    request.set_city(command.city);
    request.set_site_id(command.site_id);
    if (command.from_day.has_value()) {
      *request.mutable_from_day() = rpc::CivilDayToProto(*command.from_day);
    }
    if (command.to_day.has_value()) {
      *request.mutable_to_day() = rpc::CivilDayToProto(*command.to_day);
    }
    request.set_tag(command.tag);
    request.set_include_cancelled(command.include_cancelled);
    absl::StatusOr<v1::ListEventsResponse> listed =
        ListPages(request, command.all_pages, [&](const v1::ListEventsRequest& page) {
          return Call(node_.events, &EventStub::ListEvents, page);
        });
    if (!listed.ok()) return CallFailed(listed.status());
    return Print(*listed, [&] { return FormatEvents(*listed); });
  }

  int operator()(const AnnounceEventCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::AnnounceEventRequest request;
    request.set_title(command.title);
    request.set_description(command.description);
    for (const std::string& tag : command.tags) request.add_tags(tag);
    *request.mutable_start() = rpc::CivilMinuteToProto(command.start);
    *request.mutable_end() = rpc::CivilMinuteToProto(command.end);
    request.set_capacity(command.capacity);
    return PrintEvent(Call(node_.events, &EventStub::AnnounceEvent, request, &*credential));
  }

  int operator()(const UpdateEventCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::UpdateEventRequest request;
    request.set_event_id(command.event_id);
    if (command.title.has_value()) request.set_title(*command.title);
    if (command.description.has_value()) request.set_description(*command.description);
    if (command.start.has_value()) {
      *request.mutable_start() = rpc::CivilMinuteToProto(*command.start);
    }
    if (command.end.has_value()) *request.mutable_end() = rpc::CivilMinuteToProto(*command.end);
    if (command.capacity.has_value()) request.set_capacity(*command.capacity);
    if (command.tags.has_value()) {
      v1::TagList* tags = request.mutable_tags();
      for (const std::string& tag : *command.tags) tags->add_tags(tag);
    }
    return PrintEvent(Call(node_.events, &EventStub::UpdateEvent, request, &*credential));
  }

  int operator()(const CancelEventCommand& command) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    v1::CancelEventRequest request;
    request.set_event_id(command.event_id);
    return PrintEvent(Call(node_.events, &EventStub::CancelEvent, request, &*credential));
  }

  int operator()(const NetworkStatusCommand&) {
    absl::StatusOr<std::string> credential = AdminCredential();
    if (!credential.ok()) return UsageFailed(credential.status());
    absl::StatusOr<v1::NetworkStatus> status = Call(node_.admin, &AdminStub::GetNetworkStatus,
                                                    v1::GetNetworkStatusRequest(), &*credential);
    if (!status.ok()) return CallFailed(status.status());
    return Print(*status, [&] { return FormatNetworkStatus(*status); });
  }

  // One sign-in, two tokens: the desk (admin credential) or the stored account token (a
  // refresh) gets the account token, which then gets the booking token.
  int operator()(const LoginCommand& command) {
    if (options_.token_file.empty()) return UsageFailed(NoTokenFileError());
    std::string credential;
    if (!options_.admin_credential_file.empty()) {
      absl::StatusOr<std::string> admin = ReadAdminCredential(options_.admin_credential_file);
      if (!admin.ok()) return UsageFailed(admin.status());
      credential = *std::move(admin);
    } else {
      absl::StatusOr<std::optional<StoredTokens>> stored = ReadTokenFile(options_.token_file);
      if (!stored.ok()) return UsageFailed(stored.status());
      if (!stored->has_value()) {
        return UsageFailed(absl::FailedPreconditionError(absl::StrCat(
            "login needs the admin credential (the desk issues the first token): give "
            "--admin_credential_file FILE or set CANTINE_ADMIN_CREDENTIAL_FILE; no token to "
            "refresh in '",
            options_.token_file, "'")));
      }
      credential = (*stored)->account;
    }
    // Fetched before the calls, so that tokens issued are never reported as failed.
    absl::StatusOr<std::optional<v1::Site>> site = SiteForTable();
    if (!site.ok()) return CallFailed(site.status());
    v1::IssueTokenRequest request;
    request.set_member_id(command.member_id);
    *request.mutable_ttl() = rpc::DurationToProto(command.ttl);
    request.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
    absl::StatusOr<v1::IssueTokenResponse> account =
        Call(node_.members, &MemberStub::IssueToken, request, &credential);
    if (!account.ok()) return CallFailed(account.status());
    request.set_scopes(0, v1::TOKEN_SCOPE_BOOKING);
    absl::StatusOr<v1::IssueTokenResponse> booking =
        Call(node_.members, &MemberStub::IssueToken, request, &account->token());
    if (!booking.ok()) return CallFailed(booking.status());
    if (absl::Status s = WriteTokenFile(options_.token_file, {.member_id = command.member_id,
                                                              .booking = booking->token(),
                                                              .account = account->token()});
        !s.ok()) {
      return Fail(s, kExitFailure);
    }
    // The booking token only: the account token stays in the file.
    if (options_.json) return PrintJson(*booking);
    // Never a token itself: a table may end up in a terminal's scrollback or a log.
    out_ << FormatLogin(command.member_id, *booking, (*site)->time_zone(), options_.token_file);
    return kExitOk;
  }

  // Revokes the member's tokens at its home site, then deletes the token file. A revocation
  // that fails keeps the file, to log out again; tokens already expired or revoked
  // (UNAUTHENTICATED) have nothing left to revoke.
  int operator()(const LogoutCommand&) {
    if (options_.token_file.empty()) return UsageFailed(NoTokenFileError());
    absl::StatusOr<std::optional<StoredTokens>> stored = ReadTokenFile(options_.token_file);
    if (!stored.ok()) return UsageFailed(stored.status());
    if (!stored->has_value()) {
      if (!options_.json) out_ << "Not logged in: no token file " << options_.token_file << "\n";
      return kExitOk;
    }
    v1::UpdateMemberRequest request;
    request.set_member_id((*stored)->member_id);
    request.set_revoke_tokens(true);
    absl::StatusOr<v1::Member> revoked =
        Call(node_.members, &MemberStub::UpdateMember, request, &(*stored)->account);
    if (!revoked.ok() && !absl::IsUnauthenticated(revoked.status())) {
      return CallFailed(absl::Status(
          revoked.status().code(),
          absl::StrCat(revoked.status().message(), "; not logged out: the tokens in ",
                       options_.token_file,
                       " are kept (log out again, from the member's home site's node)")));
    }
    absl::StatusOr<bool> removed = RemoveTokenFile(options_.token_file);
    if (!removed.ok()) return Fail(removed.status(), kExitFailure);
    if (!options_.json) {
      out_ << "Logged out: "
           << (revoked.ok() ? "revoked the tokens of " : "the tokens had expired or were revoked, ")
           << (*stored)->member_id << "; deleted " << options_.token_file << "\n";
    }
    return kExitOk;
  }

 private:
  using SiteStub = v1::SiteService::StubInterface;
  using MemberStub = v1::MemberService::StubInterface;
  using BookingStub = v1::BookingService::StubInterface;
  using EventStub = v1::EventService::StubInterface;
  using AdminStub = v1::AdminService::StubInterface;

  // One call of `method` on `stub` (CallUnary), with the deadline --timeout gives.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(Stub& stub,
                                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request, const std::string* bearer_token = nullptr) {
    return CallUnary(stub, method, request, options_.timeout, bearer_token);
  }

  // The bearer token of a booking command.
  struct BookingCredential {
    std::string value;
    // The admin credential (the site's desk), not a member token.
    bool desk = false;
  };

  int Fail(const absl::Status& status, int exit_code) {
    err_ << "cantinectl: " << absl::StatusCodeToString(status.code()) << ": " << status.message();
    if (exit_code == kExitUnreachable) err_ << " (node " << options_.node << ")";
    err_ << "\n";
    return exit_code;
  }
  int CallFailed(const absl::Status& status) {
    return Fail(status, ExitCodeForCallStatus(status.code()));
  }
  int UsageFailed(const absl::Status& status) { return Fail(status, kExitUsage); }
  // A price that does not fit the site's currency is a usage error; a currency cantinectl
  // does not know is not the user's doing.
  int PriceFailed(const absl::Status& status) {
    return Fail(status, absl::IsInvalidArgument(status) ? kExitUsage : kExitFailure);
  }

  // Prints `message` as JSON, or the table `format` makes.
  template <typename Format>
  int Print(const google::protobuf::Message& message, Format format) {
    if (options_.json) return PrintJson(message);
    out_ << format();
    return kExitOk;
  }

  // Like Print, for answers whose table needs the site (room block, time zone): the site is
  // `known_site`, or fetched when that is null, and only for a table.
  template <typename Format>
  int PrintWithSite(const google::protobuf::Message& message, Format format,
                    const v1::Site* known_site = nullptr) {
    if (options_.json) return PrintJson(message);
    if (known_site != nullptr) {
      out_ << format(*known_site);
      return kExitOk;
    }
    absl::StatusOr<v1::Site> site = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
    if (!site.ok()) return CallFailed(site.status());
    out_ << format(*site);
    return kExitOk;
  }

  int PrintJson(const google::protobuf::Message& message) {
    absl::StatusOr<std::string> json = FormatJson(message);
    if (!json.ok()) return Fail(json.status(), kExitFailure);
    out_ << *json;
    return kExitOk;
  }

  int PrintSpace(const absl::StatusOr<v1::Space>& space, const v1::Site* known_site = nullptr) {
    if (!space.ok()) return CallFailed(space.status());
    return PrintWithSite(
        *space, [&](const v1::Site& site) { return FormatSpace(*space, site); }, known_site);
  }

  int PrintMember(const absl::StatusOr<v1::Member>& member, const v1::Site* known_site = nullptr) {
    if (!member.ok()) return CallFailed(member.status());
    return PrintWithSite(
        *member, [&](const v1::Site& site) { return FormatMember(*member, site); }, known_site);
  }

  // An event's table needs no site: it carries its host's time zone.
  int PrintEvent(const absl::StatusOr<v1::Event>& event) {
    if (!event.ok()) return CallFailed(event.status());
    return Print(*event, [&] { return FormatEvent(*event); });
  }

  // The site, for a table that needs it (room block, time zone); nullopt with --json.
  // Fetched before a write, so that a write that succeeds is never reported as failed.
  absl::StatusOr<std::optional<v1::Site>> SiteForTable() {
    if (options_.json) return std::nullopt;
    absl::StatusOr<v1::Site> site = Call(node_.site, &SiteStub::GetSite, v1::GetSiteRequest());
    if (!site.ok()) return site.status();
    return *std::move(site);
  }

  // A booking's table needs no site: it carries its time zone and its price's currency.
  int PrintBooking(const absl::StatusOr<v1::Booking>& booking) {
    if (!booking.ok()) return CallFailed(booking.status());
    return Print(*booking, [&] { return FormatBooking(*booking); });
  }

  absl::StatusOr<std::string> AdminCredential() const {
    if (options_.admin_credential_file.empty()) {
      return absl::FailedPreconditionError(
          "this command needs the admin credential: give --admin_credential_file FILE or set "
          "CANTINE_ADMIN_CREDENTIAL_FILE");
    }
    return ReadAdminCredential(options_.admin_credential_file);
  }

  // Which stored member token a command presents.
  enum class TokenScope { kBooking, kAccount };

  // The member token of `scope` in the token file, if there is one and --as_desk is not
  // given; else the admin credential, if one is configured. FAILED_PRECONDITION when there
  // is neither, or when the one to present cannot be read.
  absl::StatusOr<BookingCredential> ReadBookingCredential(
      TokenScope scope = TokenScope::kBooking) const {
    if (options_.as_desk) {
      absl::StatusOr<std::string> admin = AdminCredential();
      if (!admin.ok()) return admin.status();
      return BookingCredential{*std::move(admin), true};
    }
    if (!options_.token_file.empty()) {
      absl::StatusOr<std::optional<StoredTokens>> stored = ReadTokenFile(options_.token_file);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        return BookingCredential{
            scope == TokenScope::kBooking ? (*stored)->booking : (*stored)->account, false};
      }
    }
    if (!options_.admin_credential_file.empty()) {
      absl::StatusOr<std::string> admin = ReadAdminCredential(options_.admin_credential_file);
      if (!admin.ok()) return admin.status();
      return BookingCredential{*std::move(admin), true};
    }
    return absl::FailedPreconditionError(
        "run 'cantinectl login --member ID' first (or give --admin_credential_file)");
  }

  static absl::Status NoTokenFileError() {
    return absl::FailedPreconditionError(
        "no token file: give --token_file FILE, or set CANTINE_TOKEN_FILE or HOME");
  }

  // `price` (major units, given as `flag`) in the site's currency, in minor units.
  static absl::StatusOr<v1::Money> PriceInSiteCurrency(absl::string_view flag,
                                                       const std::string& price,
                                                       const v1::Site& site) {
    absl::StatusOr<int> digits = domain::CurrencyMinorDigits("currency", site.currency_code());
    if (!digits.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the site's currency '", site.currency_code(), "' is not one cantinectl knows"));
    }
    absl::StatusOr<int64_t> amount = ParsePriceMinor(flag, price, *digits, site.currency_code());
    if (!amount.ok()) return amount.status();
    v1::Money money;
    money.set_currency_code(site.currency_code());
    money.set_amount_minor(*amount);
    return money;
  }

  const GlobalOptions& options_;
  const NodeStubs& node_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

int RunCommand(const Invocation& invocation, const NodeStubs& node, std::ostream& out,
               std::ostream& err) {
  Runner runner(invocation.options, node, out, err);
  return std::visit(runner, invocation.command);
}

absl::StatusOr<std::string> ReadAdminCredential(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the admin credential file '", path, "'"));
  }
  absl::string_view credential = absl::StripAsciiWhitespace(line);
  if (credential.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the admin credential file '", path, "' starts with an empty line"));
  }
  return std::string(credential);
}

}  // namespace cantine::cantinectl
