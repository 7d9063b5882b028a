#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "cantine/v1/event.pb.h"
#include "services/domain/event.h"
#include "services/domain/rsvp.h"

namespace cantine::event {

// Between the domain Event and cantine.v1.Event, its wire, replicated and stored form.
// FromProto checks what the message shape alone can get wrong (civil times, timestamps, the
// state enum) with INVALID_ARGUMENT naming the field; domain::ValidateEvent checks the rules.
v1::Event EventToProto(const domain::Event& event);
absl::StatusOr<domain::Event> EventFromProto(const v1::Event& proto);

// A member's RSVP on the wire, with `event` as its host holds it now.
v1::Rsvp RsvpToProto(const domain::Rsvp& rsvp, const domain::Event& event);
v1::RsvpState RsvpStateToProto(domain::RsvpState state);
// nullopt for a value that names no state.
std::optional<domain::RsvpState> RsvpStateFromProto(int state);

}  // namespace cantine::event
