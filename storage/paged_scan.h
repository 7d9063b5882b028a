#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
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

// How many items a page of `page_size` holds at most: `limits.default_size` for 0.
// INVALID_ARGUMENT naming page_size when it is below 0 or above `limits.max_size`.
absl::StatusOr<size_t> PageSizeLimit(int page_size, PageLimits limits);

// The rows of `table` under `prefix` after `page_token` (one this function returned for the
// same prefix, or empty for the first page), at most `page_size` (0: the default).
// INVALID_ARGUMENT naming the field for a page size out of range or a foreign token.
absl::StatusOr<PagedRows> ScanPage(Store& store, Table table, const std::string& prefix,
                                   int page_size, absl::string_view page_token,
                                   PageLimits limits = {});

// One page of a listing: the items, and the token that resumes after the last one (empty
// on the last page).
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

// A page of the records an index lists: the rows of ScanPage (same arguments, same errors),
// each turned into its item by `resolve` (typically reading the record the row's value
// names), in row order. `resolve` returns std::nullopt to leave a row out; the token still
// resumes after it, so a page may hold fewer than `page_size` items before the last. The
// first error of `resolve` is returned as it is.
template <typename T>
absl::StatusOr<Page<T>> ListIndexPage(
    Store& store, Table table, const std::string& prefix, int page_size,
    absl::string_view page_token, PageLimits limits,
    absl::FunctionRef<absl::StatusOr<std::optional<T>>(const KeyValue& row)> resolve) {
  absl::StatusOr<PagedRows> rows = ScanPage(store, table, prefix, page_size, page_token, limits);
  if (!rows.ok()) return rows.status();
  Page<T> page;
  for (const KeyValue& row : rows->rows) {
    absl::StatusOr<std::optional<T>> item = resolve(row);
    if (!item.ok()) return item.status();
    if (item->has_value()) page.items.push_back(**std::move(item));
  }
  page.next_page_token = std::move(rows->next_page_token);
  return page;
}

}  // namespace cantine::storage
