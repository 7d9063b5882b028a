#pragma once

#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace cantine::storage {

// SHA-256 over every key and value of `tables`, in key order: two stores have equal digests
// exactly when those tables hold the same records. For convergence checks and tests.
absl::StatusOr<std::string> DigestTables(Store& store, std::initializer_list<Table> tables);

}  // namespace cantine::storage
