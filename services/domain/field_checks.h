#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cantine::domain {

// Input checks shared by every record. Each returns INVALID_ARGUMENT naming `field`.

inline constexpr size_t kMaxSlugLength = 64;
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxDescriptionLength = 2000;

// An identifier: 1..64 of [a-z0-9-], starting with a letter or digit ("paris", "desk-pool").
absl::Status CheckSlug(absl::string_view field, absl::string_view value);

// Free text of at most `max_length` bytes of valid UTF-8 without control characters;
// `required` refuses the empty string.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_length,
                       bool required);

}  // namespace cantine::domain
