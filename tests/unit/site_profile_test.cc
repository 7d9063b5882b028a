#include "services/domain/site_profile.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/currency.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

SiteProfile Paris() {
  return {.site_id = "paris",
          .display_name = "La Cantine",
          .street_address = "151 rue Montmartre",
          .city = "Paris",
          .country_code = "FR",
          .time_zone = "Europe/Paris",
          .currency_code = "EUR"};
}

void ExpectInvalid(const SiteProfile& profile, const std::string& field) {
  absl::Status status = ValidateSiteProfile(profile);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(field));
}

TEST(SiteProfileTest, ValidProfile) { EXPECT_TRUE(ValidateSiteProfile(Paris()).ok()); }

TEST(SiteProfileTest, UnknownTimeZoneIsNamed) {
  SiteProfile profile = Paris();
  profile.time_zone = "Europe/Atlantis";
  ExpectInvalid(profile, "Europe/Atlantis");
  profile.time_zone = "";
  ExpectInvalid(profile, "time_zone");
}

TEST(SiteProfileTest, CurrencyMustBeAnActiveIsoCode) {
  SiteProfile profile = Paris();
  for (const char* bad : {"eur", "EURO", "XYZ", ""}) {
    profile.currency_code = bad;
    ExpectInvalid(profile, "currency_code");
  }
  EXPECT_EQ(CurrencyMinorDigits("c", "EUR").value(), 2);
  EXPECT_EQ(CurrencyMinorDigits("c", "JPY").value(), 0);
  EXPECT_EQ(CurrencyMinorDigits("c", "KWD").value(), 3);
}

TEST(SiteProfileTest, CountryAndIdsChecked) {
  SiteProfile profile = Paris();
  profile.country_code = "France";
  ExpectInvalid(profile, "country_code");
  profile = Paris();
  profile.site_id = "Paris!";
  ExpectInvalid(profile, "site_id");
  profile = Paris();
  profile.city = "";
  ExpectInvalid(profile, "city");
}

}  // namespace
}  // namespace cantine::domain
