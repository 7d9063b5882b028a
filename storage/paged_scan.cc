#include "storage/paged_scan.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace cantine::storage {

absl::StatusOr<size_t> PageSizeLimit(int page_size, PageLimits limits) {
  if (page_size < 0 || page_size > limits.max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size is ", page_size, "; it must be between 0 and ", limits.max_size));
  }
  return page_size == 0 ? limits.default_size : page_size;
}

absl::StatusOr<PagedRows> ScanPage(Store& store, Table table, const std::string& prefix,
                                   int page_size, absl::string_view page_token, PageLimits limits) {
  ASSIGN_OR_RETURN(const size_t limit, PageSizeLimit(page_size, limits));
  std::string start_after;
  if (!page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(page_token, &start_after) ||
        !absl::StartsWith(start_after, prefix)) {
      return absl::InvalidArgumentError(
          "page_token is not one this listing returned; start again without it");
    }
  }
  ASSIGN_OR_RETURN(std::vector<KeyValue> rows, store.Scan(table, prefix, limit, start_after));
  PagedRows page;
  if (rows.size() == limit) page.next_page_token = absl::WebSafeBase64Escape(rows.back().key);
  page.rows = std::move(rows);
  return page;
}

}  // namespace cantine::storage
