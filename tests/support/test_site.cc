#include "tests/support/test_site.h"

#include <fstream>

namespace cantine::testing {

node::NodeOptions ParisNodeOptions(const TempDir& dir, absl::string_view admin_secret) {
  std::ofstream(dir.Sub("admin")) << admin_secret << "\n";
  node::NodeOptions options;
  options.site = {.site_id = "paris",
                  .display_name = "La Cantine",
                  .street_address = "151 rue Montmartre",
                  .city = "Paris",
                  .country_code = "FR",
                  .time_zone = "Europe/Paris",
                  .currency_code = "EUR"};
  options.listen_address = "127.0.0.1:0";
  options.data_dir = dir.Sub("data");
  options.admin_credential_file = dir.Sub("admin");
  domain::Space desks;
  desks.space_id = "coworking";
  desks.display_name = "Co-working desks";
  desks.seats = 24;
  desks.price_per_slot_minor = 1500;
  options.initial_spaces = {desks};
  return options;
}

}  // namespace cantine::testing
