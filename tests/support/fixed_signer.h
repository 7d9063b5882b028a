#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "storage/oplog.h"

namespace cantine::testing {

// Signs every entry "test-signature": for tests where signing is not what they check.
class FixedSigner final : public storage::EntrySigner {
 public:
  std::string Sign(absl::string_view) const override { return "test-signature"; }
};

}  // namespace cantine::testing
