#pragma once

#include "services/domain/site_profile.h"

namespace cantine::testing {

// La Cantine, the founding venue, as tests use it.
inline domain::SiteProfile ParisProfile() {
  return {.site_id = "paris",
          .display_name = "La Cantine",
          .street_address = "151 rue Montmartre",
          .city = "Paris",
          .country_code = "FR",
          .time_zone = "Europe/Paris",
          .currency_code = "EUR"};
}

}  // namespace cantine::testing
