#include "tools/cantinectl/money.h"

#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/domain/currency.h"
#include "storage/status_macros.h"

namespace cantine::cantinectl {
namespace {

// More minor digits than any currency has; guards the powers of ten below.
constexpr int kMaxMinorDigits = 8;

bool AllDigits(absl::string_view text) {
  return !text.empty() &&
         absl::c_all_of(text, [](unsigned char c) { return absl::ascii_isdigit(c); });
}

// The text split at its decimal point; fraction is empty when there is no point.
struct DecimalParts {
  absl::string_view units;
  absl::string_view fraction;
};

absl::StatusOr<DecimalParts> SplitDecimal(absl::string_view flag, absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits('.', 1));
  if (!AllDigits(parts[0]) || (parts.size() > 1 && !AllDigits(parts[1]))) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text,
                     "' is not a price: write it in major units with a point, such as 15 or "
                     "15.50, without currency or sign"));
  }
  return DecimalParts{parts[0], parts.size() > 1 ? parts[1] : ""};
}

}  // namespace

absl::Status CheckPriceSyntax(absl::string_view flag, absl::string_view text) {
  return SplitDecimal(flag, text).status();
}

absl::StatusOr<int64_t> ParsePriceMinor(absl::string_view flag, absl::string_view text,
                                        int minor_digits, absl::string_view currency_code) {
  ASSIGN_OR_RETURN(const DecimalParts parts, SplitDecimal(flag, text));
  if (minor_digits < 0 || minor_digits > kMaxMinorDigits) {
    return absl::InvalidArgumentError(absl::StrCat(currency_code, " has ", minor_digits,
                                                   " minor digits, which cantinectl "
                                                   "cannot handle"));
  }
  absl::string_view fraction = parts.fraction;
  if (fraction.size() > static_cast<size_t>(minor_digits)) {
    absl::string_view beyond = fraction.substr(minor_digits);
    if (beyond.find_first_not_of('0') != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " '", text, "' is more precise than ", currency_code, " allows (",
                       minor_digits, minor_digits == 1 ? " decimal)" : " decimals)"));
    }
    fraction = fraction.substr(0, minor_digits);
  }
  const std::string digits =
      absl::StrCat(parts.units, fraction, std::string(minor_digits - fraction.size(), '0'));
  // Digits only: SimpleAtoi fails only when the amount does not fit.
  int64_t amount = 0;
  if (!absl::SimpleAtoi(digits, &amount)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " '", text, "' is too large"));
  }
  return amount;
}

std::string FormatMoney(int64_t amount_minor, absl::string_view currency_code) {
  absl::StatusOr<int> digits = domain::CurrencyMinorDigits("currency_code", currency_code);
  if (!digits.ok() || *digits > kMaxMinorDigits) {
    return absl::StrCat(amount_minor, " ", currency_code, " (minor units)");
  }
  // Unsigned, so that the magnitude of INT64_MIN does not overflow.
  const bool negative = amount_minor < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(amount_minor) : static_cast<uint64_t>(amount_minor);
  const char* sign = negative ? "-" : "";
  if (*digits == 0) return absl::StrCat(sign, magnitude, " ", currency_code);
  uint64_t scale = 1;
  for (int i = 0; i < *digits; ++i) scale *= 10;
  return absl::StrFormat("%s%d.%0*d %s", sign, magnitude / scale, *digits, magnitude % scale,
                         currency_code);
}

}  // namespace cantine::cantinectl
