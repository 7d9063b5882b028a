#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace cantine::storage {

// One page of an index listing: the rows, and the token that resumes after the last one
// (empty on the last page).
struct PagedRows {
  std::vector<KeyValue> rows;
  std::string next_page_token;
};

struct PageLimits {
  int default_size = 100;
  int max_size = 1000;
};

// The rows of `table` under `prefix` after `page_token` (one this function returned for the
// same prefix, or empty for the first page), at most `page_size` (0: the default).
// INVALID_ARGUMENT naming the field for a page size out of range or a foreign token.
absl::StatusOr<PagedRows> ScanPage(Store& store, Table table, const std::string& prefix,
                                   int page_size, absl::string_view page_token,
                                   PageLimits limits = {});

}  // namespace cantine::storage
