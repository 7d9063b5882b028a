#include "services/domain/site_profile.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/currency.h"
#include "tests/support/bad_input.h"
#include "tests/support/paris.h"

namespace cantine::domain {
namespace {

using testing::ParisProfile;
using BadProfile = testing::BadInput<SiteProfile>;

// Each of `cases`, an edit of Paris's profile, is refused naming its field.
void ExpectEachInvalid(const std::vector<BadProfile>& cases) {
  testing::ExpectEachInvalidNamingTheField(ParisProfile(), cases, ValidateSiteProfile);
}

TEST(SiteProfileTest, ValidProfile) { EXPECT_TRUE(ValidateSiteProfile(ParisProfile()).ok()); }

TEST(SiteProfileTest, UnknownTimeZoneIsNamed) {
  ExpectEachInvalid({
      {"Europe/Atlantis", [](SiteProfile& p) { p.time_zone = "Europe/Atlantis"; }},
      {"time_zone", [](SiteProfile& p) { p.time_zone = ""; }},
  });
}

TEST(SiteProfileTest, CurrencyMustBeAnActiveIsoCode) {
  std::vector<BadProfile> cases;
  for (const char* bad : {"eur", "EURO", "XYZ", ""}) {
    cases.push_back({"currency_code", [bad](SiteProfile& p) { p.currency_code = bad; }});
  }
  ExpectEachInvalid(cases);
  EXPECT_EQ(CurrencyMinorDigits("c", "EUR").value(), 2);
  EXPECT_EQ(CurrencyMinorDigits("c", "JPY").value(), 0);
  EXPECT_EQ(CurrencyMinorDigits("c", "KWD").value(), 3);
}

TEST(SiteProfileTest, CountryAndIdsChecked) {
  ExpectEachInvalid({
      {"country_code", [](SiteProfile& p) { p.country_code = "France"; }},
      {"site_id", [](SiteProfile& p) { p.site_id = "Paris!"; }},
      {"city", [](SiteProfile& p) { p.city = ""; }},
  });
}

}  // namespace
}  // namespace cantine::domain
