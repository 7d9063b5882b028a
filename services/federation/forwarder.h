#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "grpcpp/security/credentials.h"
#include "services/booking/remote_venues.h"
#include "services/domain/visits.h"
#include "services/event/remote_hosts.h"
#include "services/site/site_directory.h"

namespace cantine::federation {

// Forwards a member's booking calls for another venue to that venue's node, and RSVPs to
// the event's host, (and pulls this
// home site's members' receipts from it), on its
// federation port (found in the replicated directory, unless `routes` names another address
// for the site), with this node's federation
// credentials and the caller's deadline. The venue's answer comes back unchanged; a venue
// that cannot be reached is UNAVAILABLE naming it, and nothing is queued or retried here
// (the member retries, through any node, with the same idempotency key). Thread-safe.
class Forwarder final : public booking::RemoteVenues,
                        public event::RemoteHosts,
                        public domain::VisitDaysElsewhere {
 public:
  // host:port to dial for a site instead of its listed endpoint, by site id.
  using Routes = absl::flat_hash_map<std::string, std::string>;

  // `directory` is not owned and outlives the forwarder.
  Forwarder(std::string self_site_id, const site::SiteDirectory* directory,
            std::shared_ptr<grpc::ChannelCredentials> credentials, Routes routes = {});

  absl::StatusOr<v1::Booking> CreateBooking(absl::string_view site_id,
                                            absl::string_view member_token,
                                            const v1::CreateBookingRequest& request,
                                            const std::map<absl::CivilMonth, int>& home_visit_days,
                                            absl::Time deadline) override;
  absl::StatusOr<v1::Booking> CancelBooking(absl::string_view site_id,
                                            absl::string_view member_token,
                                            const v1::CancelBookingRequest& request,
                                            absl::Time deadline) override;
  absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      absl::string_view site_id, const v1::GetAvailabilityRequest& request,
      absl::Time deadline) override;
  absl::StatusOr<v1::PullReceiptsResponse> PullReceipts(absl::string_view site_id,
                                                        const v1::PullReceiptsRequest& request,
                                                        absl::Time deadline) override;
  absl::Status NotifyReceipts(absl::string_view site_id, absl::Time deadline) override;
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(absl::string_view site_id,
                                                        absl::string_view member_token,
                                                        const v1::ListBookingsRequest& request,
                                                        absl::Time deadline) override;
  absl::StatusOr<v1::Booking> GetBooking(absl::string_view site_id, absl::string_view member_token,
                                         const v1::GetBookingRequest& request,
                                         absl::Time deadline) override;
  absl::StatusOr<v1::Rsvp> CreateRsvp(absl::string_view site_id, absl::string_view member_token,
                                      const v1::CreateRsvpRequest& request,
                                      absl::Time deadline) override;
  absl::StatusOr<v1::Rsvp> CancelRsvp(absl::string_view site_id, absl::string_view member_token,
                                      const v1::CancelRsvpRequest& request,
                                      absl::Time deadline) override;
  absl::StatusOr<v1::ListRsvpsResponse> ListMemberRsvps(absl::string_view site_id,
                                                        const v1::ListRsvpsRequest& request,
                                                        absl::Time deadline) override;
  absl::StatusOr<v1::ListAttendeesResponse> ListAttendees(absl::string_view site_id,
                                                          const v1::ListAttendeesRequest& request,
                                                          absl::Time deadline) override;
  absl::StatusOr<v1::ListRsvpsResponse> ListRsvps(absl::string_view site_id,
                                                  absl::string_view member_token,
                                                  const v1::ListRsvpsRequest& request,
                                                  absl::Time deadline) override;
  // Asks the home site, within kVisitDaysTimeout.
  absl::StatusOr<std::vector<int>> Count(absl::string_view home_site_id,
                                         absl::string_view member_id, absl::string_view venue,
                                         const std::vector<absl::CivilMonth>& months) override;

  inline static constexpr absl::Duration kVisitDaysTimeout = absl::Seconds(5);

 private:
  struct Route {
    std::string endpoint;
    v1::FederationService::Stub* stub = nullptr;
  };
  // The venue's federation endpoint and a stub on a channel to it, opened once.
  absl::StatusOr<Route> RouteTo(absl::string_view site_id) ABSL_LOCKS_EXCLUDED(mu_);
  // Sends `message` by `method` on the site's stub with the deadline; translates transport
  // failures.
  template <typename Message, typename Response>
  absl::StatusOr<Response> Forward(absl::string_view site_id, absl::Time deadline,
                                   const Message& message,
                                   grpc::Status (v1::FederationService::Stub::*method)(
                                       grpc::ClientContext*, const Message&, Response*));
  // A member's call: `request` wrapped in a `Forwarded` naming this site and carrying
  // `member_token`.
  template <typename Forwarded, typename Request>
  Forwarded ForMember(absl::string_view member_token, const Request& request) const;
  // Forward of ForMember, sent by `method`.
  template <typename Forwarded, typename Request, typename Response>
  absl::StatusOr<Response> ForwardForMember(absl::string_view site_id,
                                            absl::string_view member_token, const Request& request,
                                            absl::Time deadline,
                                            grpc::Status (v1::FederationService::Stub::*method)(
                                                grpc::ClientContext*, const Forwarded&, Response*));

  const std::string self_site_id_;
  const site::SiteDirectory* const directory_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  const Routes routes_;
  absl::Mutex mu_;
  // By "<site id> <endpoint>".
  absl::flat_hash_map<std::string, std::unique_ptr<v1::FederationService::Stub>> stubs_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::federation
