#include "services/domain/site_profile.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/currency.h"
#include "tests/support/paris.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

using testing::ParisProfile;

void ExpectInvalid(const SiteProfile& profile, const std::string& field) {
  absl::Status status = ValidateSiteProfile(profile);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(field));
}

TEST(SiteProfileTest, ValidProfile) { EXPECT_TRUE(ValidateSiteProfile(ParisProfile()).ok()); }

TEST(SiteProfileTest, UnknownTimeZoneIsNamed) {
  SiteProfile profile = ParisProfile();
  profile.time_zone = "Europe/Atlantis";
  ExpectInvalid(profile, "Europe/Atlantis");
  profile.time_zone = "";
  ExpectInvalid(profile, "time_zone");
}

TEST(SiteProfileTest, CurrencyMustBeAnActiveIsoCode) {
  SiteProfile profile = ParisProfile();
  for (const char* bad : {"eur", "EURO", "XYZ", ""}) {
    profile.currency_code = bad;
    ExpectInvalid(profile, "currency_code");
  }
  EXPECT_EQ(CurrencyMinorDigits("c", "EUR").value(), 2);
  EXPECT_EQ(CurrencyMinorDigits("c", "JPY").value(), 0);
  EXPECT_EQ(CurrencyMinorDigits("c", "KWD").value(), 3);
}

TEST(SiteProfileTest, CountryAndIdsChecked) {
  SiteProfile profile = ParisProfile();
  profile.country_code = "France";
  ExpectInvalid(profile, "country_code");
  profile = ParisProfile();
  profile.site_id = "Paris!";
  ExpectInvalid(profile, "site_id");
  profile = ParisProfile();
  profile.city = "";
  ExpectInvalid(profile, "city");
}

}  // namespace
}  // namespace cantine::domain
