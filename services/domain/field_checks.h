#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::domain {

// Input checks shared by every record. Each returns INVALID_ARGUMENT naming `field`.

inline constexpr size_t kMaxSlugLength = 64;
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxDescriptionLength = 2000;

// An identifier: 1..64 of [a-z0-9-], starting with a letter or digit ("paris", "desk-pool").
absl::Status CheckSlug(absl::string_view field, absl::string_view value);

// The site a record id names: a booking's or an event's id is its site's id, '-', and 16
// hex digits. INVALID_ARGUMENT naming `field` (and `kind`, "booking" or "event") otherwise.
absl::StatusOr<std::string> SiteOfRecordId(absl::string_view field, absl::string_view id,
                                           absl::string_view kind);

// Free text of at most `max_length` bytes of valid UTF-8 without control characters;
// `required` refuses the empty string.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_length,
                       bool required);

// A list of at most `max_count` values ("<field> has N entries; at most M" otherwise), each
// passing `item_check(item_field, index)`, called in order with item_field
// "<field>[index]"; the first error is returned as it is.
absl::Status CheckList(
    absl::string_view field, const std::vector<std::string>& values, size_t max_count,
    absl::FunctionRef<absl::Status(absl::string_view item_field, size_t index)> item_check);

// Whether values[index] is also one of the values before it.
bool RepeatsEarlier(const std::vector<std::string>& values, size_t index);

}  // namespace cantine::domain
