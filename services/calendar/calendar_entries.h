#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/event.pb.h"
#include "cantine/v1/site.pb.h"
#include "services/calendar/ical_writer.h"
#include "services/domain/event.h"

namespace cantine::calendar {

// What the calendar entries of the network's bookings, events and RSVPs hold: plain
// translations, each UID made from the id that names the thing for its whole life.

// Where a venue is, for LOCATION: "La Cantine Paris, 151 rue Montmartre, Paris".
std::string VenueLocation(const v1::Site& site);

// An event of a site's programme; cancelled when the host cancelled it.
CalendarEntry EventEntry(const domain::Event& event, absl::string_view location);

// A member's booking, from its receipt; cancelled when the booking was. INVALID_ARGUMENT
// for a receipt whose times do not read.
absl::StatusOr<CalendarEntry> BookingEntry(const v1::Booking& receipt, absl::string_view location);

// A member's RSVP to `event` (its host's copy, in the RSVP): its own UID, not the event's,
// for the member's place may be cancelled while the event is not; cancelled when either is.
// A waiter's summary says so, with the place in line.
CalendarEntry RsvpEntry(const domain::Event& event, const v1::Rsvp& rsvp,
                        absl::string_view location);

}  // namespace cantine::calendar
