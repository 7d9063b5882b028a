#pragma once

#include "absl/time/time.h"
#include "cantine/v1/event.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/auth/member_token.h"
#include "services/domain/member.h"
#include "services/event/event_board.h"
#include "services/event/remote_hosts.h"
#include "services/logging/logger.h"
#include "services/rpc/member_caller.h"
#include "storage/clock.h"

namespace cantine::event {

// cantine.v1.EventService: validates each request, checks the admin credential on the host
// manager's writes (announce, update, cancel), translates venue civil times, and delegates
// to the EventBoard. Listing is open to all. RSVPs are a member's calls, authenticated as
// bookings are (rpc::MemberCallers), served here for this site's events and forwarded to
// the host (RemoteHosts) for another's. Thread-safe.
class EventServiceImpl final : public v1::EventService::Service, public ForwardedRsvps {
 public:
  inline static constexpr size_t kAttendeeRowsPerRead = 1000;
  inline static constexpr size_t kMaxAttendeeRowsRead = 50'000;
  // Longest a forwarded call may take when the caller set no deadline.
  inline static constexpr absl::Duration kForwardTimeout = absl::Seconds(10);

  // None owned; all outlive the service. `keys` verifies member tokens offline.
  EventServiceImpl(EventBoard* board, RemoteHosts* remote, const auth::AdminCredential* admin,
                   const auth::TokenKeyResolver* keys, const domain::MemberDirectory* members,
                   const storage::Clock* clock);

  grpc::Status AnnounceEvent(grpc::ServerContext* context, const v1::AnnounceEventRequest* request,
                             v1::Event* response) override;
  grpc::Status UpdateEvent(grpc::ServerContext* context, const v1::UpdateEventRequest* request,
                           v1::Event* response) override;
  grpc::Status CancelEvent(grpc::ServerContext* context, const v1::CancelEventRequest* request,
                           v1::Event* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;
  grpc::Status CreateRsvp(grpc::ServerContext* context, const v1::CreateRsvpRequest* request,
                          v1::Rsvp* response) override;
  grpc::Status CancelRsvp(grpc::ServerContext* context, const v1::CancelRsvpRequest* request,
                          v1::Rsvp* response) override;
  grpc::Status ListRsvps(grpc::ServerContext* context, const v1::ListRsvpsRequest* request,
                         v1::ListRsvpsResponse* response) override;
  grpc::Status ListAttendees(grpc::ServerContext* context, const v1::ListAttendeesRequest* request,
                             v1::ListAttendeesResponse* response) override;

  // ForwardedRsvps: the calls another node forwards to this host for a member.
  absl::StatusOr<v1::Rsvp> CreateRsvpForwarded(absl::string_view member_token,
                                               const v1::CreateRsvpRequest& request) override;
  absl::StatusOr<v1::Rsvp> CancelRsvpForwarded(absl::string_view member_token,
                                               const v1::CancelRsvpRequest& request) override;
  absl::StatusOr<v1::ListRsvpsResponse> ListRsvpsForwarded(
      absl::string_view member_token, const v1::ListRsvpsRequest& request) const override;
  absl::StatusOr<v1::ListAttendeesResponse> ListAttendeesForwarded(
      const v1::ListAttendeesRequest& request) const override;
  absl::StatusOr<v1::ListRsvpsResponse> ListRsvpsForHome(
      absl::string_view home_site_id, const v1::ListRsvpsRequest& request) const override;

 private:
  // The host of `event_id`, INVALID_ARGUMENT naming event_id when it is not an event id.
  static absl::StatusOr<std::string> HostOf(absl::string_view event_id);
  // FAILED_PRECONDITION unless `site_id` is this host: a forwarded call is never forwarded
  // again.
  absl::Status CheckForwardedHere(absl::string_view site_id) const;

  absl::StatusOr<v1::Rsvp> CreateHere(const rpc::MemberCaller& caller,
                                      const v1::CreateRsvpRequest& request);
  absl::StatusOr<v1::Rsvp> CancelHere(const rpc::MemberCaller& caller,
                                      const v1::CancelRsvpRequest& request);
  absl::StatusOr<v1::ListRsvpsResponse> ListHere(const rpc::MemberCaller& caller,
                                                 const v1::ListRsvpsRequest& request) const;
  // The page of the event's goers whose profile shows attendance, as this node holds their
  // profiles (replicated with the choice). The page token is the last member listed, so it
  // never names one who hides; at most kMaxAttendeeRowsRead RSVPs are read per page.
  absl::StatusOr<v1::ListAttendeesResponse> AttendeesHere(
      const v1::ListAttendeesRequest& request) const;

  EventBoard* const board_;
  RemoteHosts* const remote_;
  const auth::AdminCredential* const admin_;
  const domain::MemberDirectory* const members_;
  const rpc::MemberCallers callers_;
  const logging::Logger log_{"event"};
};

}  // namespace cantine::event
