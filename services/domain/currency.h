#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::domain {

// The number of minor-unit digits of an active ISO 4217 currency (2 for EUR, 0 for JPY).
// An unknown or malformed code is INVALID_ARGUMENT naming `field`.
absl::StatusOr<int> CurrencyMinorDigits(absl::string_view field, absl::string_view code);

}  // namespace cantine::domain
