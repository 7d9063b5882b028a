#include "tests/support/test_site.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/support/paris.h"

namespace cantine::testing {

node::NodeOptions ParisNodeOptions(const TempDir& dir, absl::string_view admin_secret) {
  WritePrivateFile(dir.Sub("admin"), absl::StrCat(admin_secret, "\n"));
  node::NodeOptions options;
  options.site = testing::ParisProfile();
  options.listen_address = "127.0.0.1:0";
  options.data_dir = dir.Sub("data");
  options.admin_credential_file = dir.Sub("admin");
  options.insecure = true;  // Plaintext on loopback; transport_security_test covers TLS.
  options.initial_spaces = {SeededDeskPool("coworking", "Co-working desks", 24, 1500)};
  return options;
}

domain::Space SeededDeskPool(std::string space_id, std::string display_name, int seats,
                             int64_t price_per_slot_minor) {
  domain::Space desks;
  desks.space_id = std::move(space_id);
  desks.display_name = std::move(display_name);
  desks.kind = domain::SpaceKind::kDeskPool;
  desks.seats = seats;
  desks.price_per_slot_minor = price_per_slot_minor;
  return desks;
}

}  // namespace cantine::testing
