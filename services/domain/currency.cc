#include "services/domain/currency.h"

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cantine::domain {
namespace {

// Active ISO 4217 codes (2024 list) grouped by their number of minor-unit digits.
constexpr absl::string_view kZeroDigits =
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
constexpr absl::string_view kThreeDigits = "BHD IQD JOD KWD LYD OMR TND";
constexpr absl::string_view kFourDigits = "CLF UYW";
constexpr absl::string_view kTwoDigits =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW "
    "KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
    "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU "
    "UZS VED VES WST XCD YER ZAR ZMW ZWL";

const absl::flat_hash_map<std::string, int>& MinorDigitsByCode() {
  static const auto* table = [] {
    auto* map = new absl::flat_hash_map<std::string, int>();
    for (auto [codes, digits] : {std::pair{kZeroDigits, 0}, std::pair{kTwoDigits, 2},
                                 std::pair{kThreeDigits, 3}, std::pair{kFourDigits, 4}}) {
      for (absl::string_view code : absl::StrSplit(codes, ' ', absl::SkipEmpty())) {
        map->emplace(code, digits);
      }
    }
    return map;
  }();
  return *table;
}

}  // namespace

absl::StatusOr<int> CurrencyMinorDigits(absl::string_view field, absl::string_view code) {
  auto it = MinorDigitsByCode().find(code);
  if (it == MinorDigitsByCode().end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " '", code, "' is not an active ISO 4217 currency code (for example EUR, USD)"));
  }
  return it->second;
}

}  // namespace cantine::domain
