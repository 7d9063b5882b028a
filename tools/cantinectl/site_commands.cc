// The site's commands: its profile and policy, the sites known, the spaces.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/domain/currency.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {
namespace {

using SiteStub = v1::SiteService::StubInterface;

// `price` (major units, given as `flag`) in the site's currency, in minor units. A price
// that does not fit the currency is a usage error; a currency cantinectl does not know is
// not the user's doing.
absl::StatusOr<v1::Money> PriceInSiteCurrency(absl::string_view flag, const std::string& price,
                                              const v1::Site& site) {
  absl::StatusOr<int> digits = domain::CurrencyMinorDigits("currency", site.currency_code());
  if (!digits.ok()) {
    return LocalFailure(absl::FailedPreconditionError(absl::StrCat(
        "the site's currency '", site.currency_code(), "' is not one cantinectl knows")));
  }
  ASSIGN_OR_RETURN(int64_t amount,
                   UsageError(ParsePriceMinor(flag, price, *digits, site.currency_code())));
  v1::Money money;
  money.set_currency_code(site.currency_code());
  money.set_amount_minor(amount);
  return money;
}

// The prices of a space, syntax checked; set in the site's currency once the site is known.
struct SpacePrices {
  std::optional<std::string> price;
  std::optional<std::string> visitor_price;

  static absl::StatusOr<SpacePrices> Take(CommandLine& line) {
    SpacePrices prices{line.Take("price"), line.Take("visitor-price")};
    if (prices.price.has_value()) RETURN_IF_ERROR(CheckPriceSyntax("--price", *prices.price));
    if (prices.visitor_price.has_value()) {
      RETURN_IF_ERROR(CheckPriceSyntax("--visitor-price", *prices.visitor_price));
    }
    return prices;
  }
  bool any() const { return price.has_value() || visitor_price.has_value(); }
  // Sets the given prices on `target` (a Space or an UpdateSpaceRequest).
  template <typename Target>
  absl::Status SetIn(const v1::Site& site, Target& target) const {
    if (price.has_value()) {
      ASSIGN_OR_RETURN(*target.mutable_price_per_slot(),
                       PriceInSiteCurrency("--price", *price, site));
    }
    if (visitor_price.has_value()) {
      ASSIGN_OR_RETURN(*target.mutable_visitor_price_per_slot(),
                       PriceInSiteCurrency("--visitor-price", *visitor_price, site));
    }
    return absl::OkStatus();
  }
};

absl::StatusOr<v1::SpaceKind> ParseKind(absl::string_view text) {
  if (text == "desk") return v1::SPACE_KIND_DESK_POOL;
  if (text == "room") return v1::SPACE_KIND_MEETING_ROOM;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind must be desk (a desk pool) or room (a meeting room), not '", text, "'"));
}

absl::StatusOr<Action> ReadCreateSpace(CommandLine& line) {
  RETURN_IF_ERROR(RequireFlags(line, {"name", "kind", "seats", "price"}, "space create"));
  v1::Space space;
  space.set_space_id(line.arguments()[0]);
  space.set_display_name(*line.Take("name"));
  ASSIGN_OR_RETURN(v1::SpaceKind kind, ParseKind(*line.Take("kind")));
  space.set_kind(kind);
  ASSIGN_OR_RETURN(int32_t seats, ParseCount("--seats", *line.Take("seats"), "seats"));
  space.set_seats(seats);
  ASSIGN_OR_RETURN(SpacePrices prices, SpacePrices::Take(line));
  space.set_description(line.Take("description").value_or(""));
  return [space, prices](Console& console) {
    ASSIGN_OR_RETURN(const std::string credential, console.AdminCredential());
    ASSIGN_OR_RETURN(const v1::Site site, console.GetSite());
    v1::CreateSpaceRequest request;
    *request.mutable_space() = space;
    RETURN_IF_ERROR(prices.SetIn(site, *request.mutable_space()));
    return console.Print(console.Call(&SiteStub::CreateSpace, request, &credential), FormatSpace,
                         site);
  };
}

absl::StatusOr<Action> ReadUpdateSpace(CommandLine& line) {
  v1::UpdateSpaceRequest request;
  request.set_space_id(line.arguments()[0]);
  const std::optional<std::string> name = line.Take("name");
  const std::optional<std::string> description = line.Take("description");
  if (name.has_value()) request.set_display_name(*name);
  if (description.has_value()) request.set_description(*description);
  ASSIGN_OR_RETURN(const std::optional<int32_t> seats, line.TakeCount("seats", "seats"));
  if (seats.has_value()) request.set_seats(*seats);
  ASSIGN_OR_RETURN(SpacePrices prices, SpacePrices::Take(line));
  RETURN_IF_ERROR(
      RequireAnyOf(name.has_value() || description.has_value() || seats.has_value() || prices.any(),
                   "space update", "--name, --seats, --price, --visitor-price, --description"));
  return [request, prices](Console& console) mutable {
    ASSIGN_OR_RETURN(const std::string credential, console.AdminCredential());
    // The site gives the prices their currency, and the table its room block and time zone;
    // fetched before the write, so that a write that succeeds is never reported as failed.
    std::optional<v1::Site> site;
    if (prices.any() || !console.options().json) {
      ASSIGN_OR_RETURN(site, console.GetSite());
      RETURN_IF_ERROR(prices.SetIn(*site, request));
    }
    return console.Print(console.Call(&SiteStub::UpdateSpace, request, &credential), FormatSpace,
                         site);
  };
}

// UpdatePolicy replaces the whole policy: the site's current one, with the visit allowance
// set to `days` (cleared when nullopt), only if no other manager changed it in between
// (ABORTED: run the command again).
Action SetVisitAllowance(std::optional<int32_t> days) {
  return [days](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const std::string credential, console.AdminCredential());
    ASSIGN_OR_RETURN(v1::Site site, console.GetSite());
    if (!site.has_policy()) {
      return absl::InternalError("the node sent its site without a policy; nothing to change");
    }
    v1::UpdatePolicyRequest request;
    *request.mutable_policy() = site.policy();
    *request.mutable_expected_policy() = site.policy();
    if (days.has_value()) {
      request.mutable_policy()->set_member_visit_days_per_month(*days);
    } else {
      request.mutable_policy()->clear_member_visit_days_per_month();
    }
    return console.Print(console.Call(&SiteStub::UpdatePolicy, request, &credential),
                         [&site](const v1::SitePolicy& policy) {
                           *site.mutable_policy() = policy;
                           return FormatSite(site);
                         });
  };
}

}  // namespace

void AddSiteCommands(CommandTable& table) {
  table.Add(
      {.words = "site",
       .help =
           R"(  site              The node's site: address, time zone, currency and booking policy.
)",
       .read = Runs(Send(Caller::kAnyone, &SiteStub::GetSite, v1::GetSiteRequest(), FormatSite))});
  table.Add({.words = "sites",
             .help = R"(  sites             The sites this node knows of.
)",
             .read = Runs(Send(Caller::kAnyone, &SiteStub::ListSites, v1::ListSitesRequest(),
                               FormatSites))});
  table.Add({.words = "spaces",
             .help = R"(  spaces [--all]    The site's spaces; --all includes retired ones.
)",
             .flags = {{"all", FlagKind::kSwitch}},
             .read = [](CommandLine& line) -> absl::StatusOr<Action> {
               v1::ListSpacesRequest request;
               request.set_include_retired(line.TakeBool("all"));
               return Send(Caller::kAnyone, &SiteStub::ListSpaces, request, FormatSpaces);
             }});
  table.Add({.words = "space",
             .arguments = 1,
             .name = "space ID",
             .usage = "space ID | space create|update|retire ID [flags]",
             .help = R"(  space ID          One space.
)",
             .read = SendWithId(&v1::GetSpaceRequest::mutable_space_id, Caller::kAnyone,
                                &SiteStub::GetSpace, FormatSpace)});
  table.Add({.words = "space create",
             .arguments = 1,
             .help = R"(  space create ID --name NAME --kind desk|room --seats N --price AMOUNT
                  [--visitor-price AMOUNT] [--description TEXT]
                    Creates a space (manager). desk: a desk pool of N seats, priced per
                    half-day seat; room: a meeting room for N people, priced per room block.
                    --visitor-price: what members of other sites pay per slot; without
                    it they pay --price.
)",
             .flags = {"name", "kind", "seats", "price", "visitor-price", "description"},
             .read = ReadCreateSpace});
  table.Add(
      {.words = "space update",
       .arguments = 1,
       .help =
           R"(  space update ID [--name NAME] [--seats N] [--price AMOUNT] [--visitor-price AMOUNT]
                  [--description TEXT]
                    Changes the given fields of a space (manager).
)",
       .flags = {"name", "seats", "price", "visitor-price", "description"},
       .read = ReadUpdateSpace});
  table.Add(
      {.words = "space retire",
       .arguments = 1,
       .help = R"(  space retire ID   Retires a space: it is kept but no longer bookable (manager).
)",
       .read = SendWithId(&v1::RetireSpaceRequest::mutable_space_id, Caller::kManager,
                          &SiteStub::RetireSpace, FormatSpace)});
  table.AddGroup("policy",
                 "policy set-visit-days N | policy clear-visit-days ('site' shows the policy)");
  table.Add({.words = "policy set-visit-days",
             .arguments = 1,
             .help = R"(  policy set-visit-days N
                    How many venue days a month this site's members may spend at other
                    sites (0 to 31); the rest of the policy is kept (manager). 'site'
                    shows it as the visit allowance.
)",
             .read = [](CommandLine& line) -> absl::StatusOr<Action> {
               ASSIGN_OR_RETURN(int32_t days,
                                ParseCount("set-visit-days", line.arguments()[0], "days"));
               return SetVisitAllowance(days);
             }});
  table.Add({.words = "policy clear-visit-days",
             .help = R"(  policy clear-visit-days
                    No limit on this site's members' days at other sites (manager).
)",
             .read = Runs(SetVisitAllowance(std::nullopt))});
}

}  // namespace cantine::cantinectl
