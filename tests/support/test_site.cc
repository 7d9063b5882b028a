#include "tests/support/test_site.h"

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
  domain::Space desks;
  desks.space_id = "coworking";
  desks.display_name = "Co-working desks";
  desks.seats = 24;
  desks.price_per_slot_minor = 1500;
  options.initial_spaces = {desks};
  return options;
}

}  // namespace cantine::testing
