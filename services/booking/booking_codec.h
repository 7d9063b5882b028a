#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/booking.pb.h"
#include "services/domain/booking.h"

namespace cantine::booking {

// Between the domain Booking and cantine.v1.Booking, its wire and stored form. Civil times
// go out with the venue's zone named.
v1::Booking BookingToProto(const domain::Booking& booking, absl::string_view time_zone);
absl::StatusOr<domain::Booking> BookingFromProto(const v1::Booking& proto);

v1::BookedSlot SlotToProto(const domain::Slot& slot);

}  // namespace cantine::booking
