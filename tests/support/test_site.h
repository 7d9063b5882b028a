#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/domain/space.h"
#include "services/node/node_options.h"
#include "tests/support/temp_dir.h"

namespace cantine::testing {

// Options of a Paris node for in-process tests: plaintext (insecure), loopback port chosen
// at run time, data and an admin credential file `admin_secret` under `dir`, one seeded
// desk pool "coworking" of 24 seats at 15 EUR a half-day, the default policy.
node::NodeOptions ParisNodeOptions(const TempDir& dir, absl::string_view admin_secret);

// A desk pool to seed a node with (NodeOptions::initial_spaces): `seats` seats at
// `price_per_slot_minor` a slot, the same price for visitors.
domain::Space SeededDeskPool(std::string space_id, std::string display_name, int seats,
                             int64_t price_per_slot_minor);

}  // namespace cantine::testing
