#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cantine/v1/common.pb.h"
#include "cantine/v1/site.pb.h"

namespace cantine::bench {

// The venue days and half-day slots a bench run books: the days the venue is open among
// `days` calendar days starting `lead_days` after `today`, with the policy's half-day slots.
// Immutable after Make; thread-safe.
class BookingWindow {
 public:
  // INVALID_ARGUMENT when `lead_days` < 1 or `days` < 1, when the window ends beyond the
  // policy's booking horizon, when the policy has no half-day slot, or when the venue is
  // open on none of the days.
  static absl::StatusOr<BookingWindow> Make(const v1::SitePolicy& policy, absl::CivilDay today,
                                            int lead_days, int days);
  // The window of `site`, from today in its time zone, starting kLeadDays ahead (so that
  // no booking starts in the past while the bench runs). FAILED_PRECONDITION when its
  // zone is unknown here.
  static absl::StatusOr<BookingWindow> ForSite(const v1::Site& site, int days);

  inline static constexpr int kLeadDays = 2;

  // The calendar bounds of the window, inclusive; either may be a closed day.
  absl::CivilDay first_day() const { return first_day_; }
  absl::CivilDay last_day() const { return last_day_; }
  const std::vector<absl::CivilDay>& open_days() const { return open_days_; }
  int slots_per_day() const { return static_cast<int>(slots_.size()); }

  // The position of `day` in open_days(), or -1 when it is not one of them.
  int OpenDayIndex(absl::CivilDay day) const;

  // Venue civil start and end of slot `slot` (the policy's order, which is also the slot
  // index the node answers with) on open day `day_index`. Both must be in range.
  v1::CivilDateTime SlotStart(int day_index, int slot) const;
  v1::CivilDateTime SlotEnd(int day_index, int slot) const;

 private:
  BookingWindow() = default;

  absl::CivilDay first_day_;
  absl::CivilDay last_day_;
  std::vector<absl::CivilDay> open_days_;
  std::vector<int> open_day_index_;  // By (day - first_day_); -1 for a closed day.
  std::vector<v1::HalfDaySlot> slots_;
};

}  // namespace cantine::bench
