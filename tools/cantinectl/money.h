#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cantine::cantinectl {

// Prices are typed in major units ("15", "15.5", "15.50") and sent in integer minor units.
// Whether an amount is allowed (range, currency) is the node's call; these only read syntax.

// OK when `text` is a non-negative decimal in major units: digits, then optionally a point
// and more digits. INVALID_ARGUMENT naming `flag` otherwise ("15,00", "-3", "15 EUR", "1e3").
absl::Status CheckPriceSyntax(absl::string_view flag, absl::string_view text);

// `text` in minor units of `currency_code`, which has `minor_digits` minor-unit digits:
// ("15.5", 2) is 1550, ("1500", 0) is 1500. Trailing zeros past the currency's precision
// are accepted ("1500.00" JPY); other digits there are INVALID_ARGUMENT ("15.005" EUR), as
// are bad syntax and an amount that does not fit in int64.
absl::StatusOr<int64_t> ParsePriceMinor(absl::string_view flag, absl::string_view text,
                                        int minor_digits, absl::string_view currency_code);

// "15.00 EUR" for (1500, "EUR"), "1500 JPY" for (1500, "JPY"). A currency the table of
// ISO 4217 codes does not know is shown as it came: "1500 XYZ (minor units)".
std::string FormatMoney(int64_t amount_minor, absl::string_view currency_code);

}  // namespace cantine::cantinectl
