#include "services/domain/space.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {

absl::string_view SpaceKindName(SpaceKind kind) {
  switch (kind) {
    case SpaceKind::kDeskPool:
      return "desk pool";
    case SpaceKind::kMeetingRoom:
      return "meeting room";
  }
  return "unknown";
}

absl::Status ValidateSpace(const Space& space) {
  RETURN_IF_ERROR(CheckSlug("space.space_id", space.space_id));
  RETURN_IF_ERROR(CheckText("space.display_name", space.display_name, kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText("space.description", space.description, kMaxDescriptionLength, false));
  const int32_t max_seats = space.kind == SpaceKind::kDeskPool ? kMaxDeskPoolSeats : kMaxRoomPeople;
  if (space.seats < 1 || space.seats > max_seats) {
    return absl::InvalidArgumentError(absl::StrCat("space.seats is ", space.seats, "; a ",
                                                   SpaceKindName(space.kind),
                                                   " needs between 1 and ", max_seats));
  }
  if (space.price_per_slot_minor < 0 || space.price_per_slot_minor > kMaxPricePerSlotMinor) {
    return absl::InvalidArgumentError(
        absl::StrCat("space.price_per_slot.amount_minor is ", space.price_per_slot_minor,
                     "; it must be between 0 and ", kMaxPricePerSlotMinor, " (minor units)"));
  }
  if (space.visitor_price_per_slot_minor &&
      (*space.visitor_price_per_slot_minor < 0 ||
       *space.visitor_price_per_slot_minor > kMaxPricePerSlotMinor)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "space.visitor_price_per_slot.amount_minor is ", *space.visitor_price_per_slot_minor,
        "; it must be between 0 and ", kMaxPricePerSlotMinor, " (minor units)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Space> ApplySpaceUpdate(Space space, const SpaceUpdate& update, absl::Time now) {
  if (update.display_name) space.display_name = *update.display_name;
  if (update.description) space.description = *update.description;
  if (update.seats) space.seats = *update.seats;
  if (update.price_per_slot_minor) space.price_per_slot_minor = *update.price_per_slot_minor;
  if (update.visitor_price_per_slot_minor) {
    space.visitor_price_per_slot_minor = *update.visitor_price_per_slot_minor;
  }
  RETURN_IF_ERROR(ValidateSpace(space));
  space.update_time = now;
  return space;
}

}  // namespace cantine::domain
