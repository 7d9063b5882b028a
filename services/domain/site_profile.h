#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cantine::domain {

// Who and where a site is. Owned by the site itself (its config).
struct SiteProfile {
  std::string site_id;
  std::string display_name;
  std::string street_address;
  std::string city;
  std::string country_code;   // ISO 3166-1 alpha-2.
  std::string time_zone;      // IANA name.
  std::string currency_code;  // ISO 4217.
};

// INVALID_ARGUMENT naming the first bad field (ids, lengths, zone, currency, country).
absl::Status ValidateSiteProfile(const SiteProfile& profile);

// The IANA zone `name`, loaded from the system's zoneinfo; INVALID_ARGUMENT naming `field`
// when no such zone exists.
absl::StatusOr<absl::TimeZone> LoadVenueTimeZone(absl::string_view field, absl::string_view name);

}  // namespace cantine::domain
