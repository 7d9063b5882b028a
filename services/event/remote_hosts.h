#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/event.pb.h"

namespace cantine::event {

// A member's RSVP calls made of another site's node, the host of the events, over the
// federation channel with the member's token (never one of ACCOUNT scope). Each returns the
// host's answer unchanged, or UNAVAILABLE naming the host when its node cannot be reached
// before `deadline`; nothing is queued. Implemented by the federation forwarder.
class RemoteHosts {
 public:
  virtual ~RemoteHosts() = default;
  virtual absl::StatusOr<v1::Rsvp> CreateRsvp(absl::string_view site_id,
                                              absl::string_view member_token,
                                              const v1::CreateRsvpRequest& request,
                                              absl::Time deadline) = 0;
  virtual absl::StatusOr<v1::Rsvp> CancelRsvp(absl::string_view site_id,
                                              absl::string_view member_token,
                                              const v1::CancelRsvpRequest& request,
                                              absl::Time deadline) = 0;
  virtual absl::StatusOr<v1::ListRsvpsResponse> ListRsvps(absl::string_view site_id,
                                                          absl::string_view member_token,
                                                          const v1::ListRsvpsRequest& request,
                                                          absl::Time deadline) = 0;
  // A member's RSVPs at `site_id`, asked by the member's home site on its own authority
  // (its TLS identity), for the member's calendar: no member token travels.
  virtual absl::StatusOr<v1::ListRsvpsResponse> ListMemberRsvps(absl::string_view site_id,
                                                                const v1::ListRsvpsRequest& request,
                                                                absl::Time deadline) = 0;
  // Public: no member token travels.
  virtual absl::StatusOr<v1::ListAttendeesResponse> ListAttendees(
      absl::string_view site_id, const v1::ListAttendeesRequest& request, absl::Time deadline) = 0;
};

// The same calls as this host serves them for other nodes: the twin of RemoteHosts. The
// member's token travels in the call; FAILED_PRECONDITION when a call names another host,
// for a forwarded call is never forwarded again. Implemented by the event service; called
// by the federation port.
class ForwardedRsvps {
 public:
  virtual ~ForwardedRsvps() = default;
  virtual absl::StatusOr<v1::Rsvp> CreateRsvpForwarded(absl::string_view member_token,
                                                       const v1::CreateRsvpRequest& request) = 0;
  virtual absl::StatusOr<v1::Rsvp> CancelRsvpForwarded(absl::string_view member_token,
                                                       const v1::CancelRsvpRequest& request) = 0;
  virtual absl::StatusOr<v1::ListRsvpsResponse> ListRsvpsForwarded(
      absl::string_view member_token, const v1::ListRsvpsRequest& request) const = 0;
  virtual absl::StatusOr<v1::ListAttendeesResponse> ListAttendeesForwarded(
      const v1::ListAttendeesRequest& request) const = 0;
  // The RSVPs here of `request.member_id`, asked by `home_site_id`, whose identity the
  // caller proved: PERMISSION_DENIED unless it is the member's home.
  virtual absl::StatusOr<v1::ListRsvpsResponse> ListRsvpsForHome(
      absl::string_view home_site_id, const v1::ListRsvpsRequest& request) const = 0;
};

}  // namespace cantine::event
