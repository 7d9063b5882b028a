#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/domain/booking.h"

namespace cantine::domain {

// A visit is a booking by a member of another site that is still charged: confirmed,
// checked in, or a no-show (cancelled bookings cost nothing and count for nothing).
bool IsChargedVisit(const Booking& booking);

// The venue days a booking covers, distinct and in order.
std::vector<absl::CivilDay> BookedDays(const Booking& booking);

// "2027-01".
std::string FormatMonth(absl::CivilMonth month);
// INVALID_ARGUMENT naming `field` unless `text` is "YYYY-MM".
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view field, absl::string_view text);

// How many venue days a month each home site lets its members spend at other sites.
// Implemented by the site directory, where every site publishes its allowance.
class VisitAllowances {
 public:
  virtual ~VisitAllowances() = default;
  // std::nullopt: no limit (or a site the directory does not list yet).
  virtual std::optional<int> VisitDaysPerMonth(absl::string_view home_site_id) const = 0;
};

// The visit days a member holds at venues other than the one asking, as its home site
// counts them from the receipts it holds. Implemented over the federation: the home site
// is asked.
class VisitDaysElsewhere {
 public:
  virtual ~VisitDaysElsewhere() = default;
  // The distinct venue days of charged visits `member_id` of `home_site_id` holds at venues
  // other than `venue` in each of `months` (at most three), in their order. UNAVAILABLE
  // naming the home when it cannot be asked.
  virtual absl::StatusOr<std::vector<int>> Count(absl::string_view home_site_id,
                                                 absl::string_view member_id,
                                                 absl::string_view venue,
                                                 const std::vector<absl::CivilMonth>& months) = 0;
};

// FAILED_PRECONDITION naming the allowance when `used_days` already held in `month` plus
// `new_days` this booking adds exceed `allowance`.
absl::Status CheckVisitAllowance(absl::string_view member_id, absl::string_view home_site_id,
                                 int allowance, absl::CivilMonth month, int used_days,
                                 int new_days);

// One line of the settlement between two sites for a month, in one currency: what members
// of `home_site_id` spent at `host_site_id`.
struct SettlementLine {
  std::string host_site_id;
  std::string home_site_id;
  std::string currency_code;
  int32_t visits = 0;
  int32_t visit_days = 0;
  int64_t amount_minor = 0;
};

// Sums charged visits into settlement lines, per (host, home, currency). The order bookings
// are added in does not change the result. Sums are checked: they never overflow.
class SettlementBuilder {
 public:
  // Ignores bookings that are not charged visits. OUT_OF_RANGE naming the line, which stays
  // as it was, when the booking would take its amount, visits or visit days past what their
  // integers hold.
  [[nodiscard]] absl::Status Add(const Booking& booking);
  // By host, home, currency.
  std::vector<SettlementLine> Lines() const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, SettlementLine> lines_;
};

}  // namespace cantine::domain
