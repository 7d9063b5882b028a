#include "services/domain/booking.h"

namespace cantine::domain {

absl::string_view BookingStateName(BookingState state) {
  switch (state) {
    case BookingState::kConfirmed:
      return "confirmed";
    case BookingState::kCheckedIn:
      return "checked in";
    case BookingState::kCancelled:
      return "cancelled";
    case BookingState::kNoShow:
      return "no-show";
  }
  return "unknown";
}

bool HoldsSeats(BookingState state) {
  return state == BookingState::kConfirmed || state == BookingState::kCheckedIn;
}

}  // namespace cantine::domain
