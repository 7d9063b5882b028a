#include "services/domain/visits.h"

#include <limits>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cantine::domain {

bool IsChargedVisit(const Booking& booking) {
  return !booking.home_site_id.empty() && booking.home_site_id != booking.site_id &&
         booking.state != BookingState::kCancelled;
}

std::vector<absl::CivilDay> BookedDays(const Booking& booking) {
  std::set<absl::CivilDay> days;
  for (const BookedSlot& slot : booking.slots) days.insert(slot.id.day);
  return {days.begin(), days.end()};
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view field, absl::string_view text) {
  int year = 0;
  int month = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || month < 1 || month > 12 || year < 1970) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is '", text, "'; give a month as YYYY-MM, for example 2027-01"));
  }
  return absl::CivilMonth(year, month);
}

absl::Status CheckVisitAllowance(absl::string_view member_id, absl::string_view home_site_id,
                                 int allowance, absl::CivilMonth month, int used_days,
                                 int new_days) {
  if (used_days + new_days <= allowance) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("member ", member_id, " of ", home_site_id, " has used ", used_days, " of the ",
                   allowance, " visit days a month ", home_site_id, " allows at other sites in ",
                   FormatMonth(month), "; this booking needs ", new_days, " more"));
}

absl::Status SettlementBuilder::Add(const Booking& booking) {
  if (!IsChargedVisit(booking)) return absl::OkStatus();
  const std::tuple<std::string, std::string, std::string> key{booking.site_id, booking.home_site_id,
                                                              booking.currency_code};
  auto it = lines_.find(key);
  SettlementLine line;
  if (it != lines_.end()) {
    line = it->second;
  } else {
    line.host_site_id = booking.site_id;
    line.home_site_id = booking.home_site_id;
    line.currency_code = booking.currency_code;
  }
  const int64_t days = static_cast<int64_t>(BookedDays(booking).size());
  // On the copy: an overflow leaves the stored line as it was.
  if (__builtin_add_overflow(line.amount_minor, booking.price_minor, &line.amount_minor) ||
      __builtin_add_overflow(line.visits, 1, &line.visits) ||
      __builtin_add_overflow(line.visit_days, days, &line.visit_days)) {
    return absl::OutOfRangeError(absl::StrCat(
        "the settlement of visits by members of ", booking.home_site_id, " at ", booking.site_id,
        " in ", booking.currency_code, " is past what it can count (at most ",
        std::numeric_limits<int64_t>::max(), " minor units) with booking ", booking.booking_id));
  }
  lines_.insert_or_assign(key, std::move(line));
  return absl::OkStatus();
}

std::vector<SettlementLine> SettlementBuilder::Lines() const {
  std::vector<SettlementLine> lines;
  for (const auto& [key, line] : lines_) lines.push_back(line);
  return lines;
}

}  // namespace cantine::domain
