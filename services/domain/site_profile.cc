#include "services/domain/site_profile.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/domain/currency.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {

absl::StatusOr<absl::TimeZone> LoadVenueTimeZone(absl::string_view field, absl::string_view name) {
  absl::TimeZone zone;
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", name,
                     "' is not a known IANA time zone (for example Europe/Paris); is the "
                     "tzdata package installed?"));
  }
  return zone;
}

absl::Status ValidateSiteProfile(const SiteProfile& profile) {
  RETURN_IF_ERROR(CheckSlug("site_id", profile.site_id));
  RETURN_IF_ERROR(CheckText("display_name", profile.display_name, kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText("street_address", profile.street_address, kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText("city", profile.city, kMaxNameLength, true));
  const std::string& country = profile.country_code;
  if (country.size() != 2 || !absl::ascii_isupper(country[0]) || !absl::ascii_isupper(country[1])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "country_code '", country, "' must be an ISO 3166-1 alpha-2 code such as FR or US"));
  }
  if (absl::StatusOr<absl::TimeZone> zone = LoadVenueTimeZone("time_zone", profile.time_zone);
      !zone.ok()) {
    return zone.status();
  }
  return CurrencyMinorDigits("currency_code", profile.currency_code).status();
}

}  // namespace cantine::domain
