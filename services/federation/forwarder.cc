#include "services/federation/forwarder.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "services/rpc/status_conversion.h"
#include "services/tls/transport_security.h"
#include "storage/status_macros.h"

namespace cantine::federation {

Forwarder::Forwarder(std::string self_site_id, const site::SiteDirectory* directory,
                     std::shared_ptr<grpc::ChannelCredentials> credentials, Routes routes)
    : self_site_id_(std::move(self_site_id)),
      directory_(directory),
      credentials_(std::move(credentials)),
      routes_(std::move(routes)) {}

absl::StatusOr<Forwarder::Route> Forwarder::RouteTo(absl::string_view site_id) {
  absl::StatusOr<v1::DirectoryEntry> entry = directory_->Get(site_id);
  if (!entry.ok()) {
    if (absl::IsNotFound(entry.status())) {
      return absl::NotFoundError(
          absl::StrCat("no site '", site_id, "' in the network directory this node holds"));
    }
    return entry.status();
  }
  if (entry->status() == v1::SITE_STATUS_SUSPENDED || entry->status() == v1::SITE_STATUS_REMOVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("site '", site_id, "' is ",
                     entry->status() == v1::SITE_STATUS_SUSPENDED ? "suspended" : "removed",
                     " from the network; it takes no bookings"));
  }
  const auto route = routes_.find(site_id);
  const std::string& endpoint =
      route != routes_.end() ? route->second : entry->federation_endpoint();
  if (endpoint.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "site '", site_id, "' lists no federation endpoint; its node cannot be reached"));
  }
  absl::MutexLock lock(&mu_);
  // By site and endpoint: a channel verifies its server as the site it was opened for.
  std::unique_ptr<v1::FederationService::Stub>& stub = stubs_[absl::StrCat(site_id, " ", endpoint)];
  if (stub == nullptr) {
    stub =
        v1::FederationService::NewStub(tls::DialSite(endpoint, std::string(site_id), credentials_));
  }
  return Route{endpoint, stub.get()};
}

template <typename Message, typename Response>
absl::StatusOr<Response> Forwarder::Forward(absl::string_view site_id, absl::Time deadline,
                                            const Message& message,
                                            grpc::Status (v1::FederationService::Stub::*method)(
                                                grpc::ClientContext*, const Message&, Response*)) {
  ASSIGN_OR_RETURN(Route route, RouteTo(site_id));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  Response response;
  const grpc::Status status = (route.stub->*method)(&context, message, &response);
  if (status.ok()) return response;
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(
          absl::StrCat("the node of site '", site_id, "' (", route.endpoint,
                       ") cannot be reached: ", status.error_message(),
                       ". Nothing was done there; retry later, with the same idempotency key"));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(
          absl::StrCat("the node of site '", site_id,
                       "' did not answer in time; the outcome is unknown: "
                       "retry with the same idempotency key"));
    default:
      return rpc::FromGrpcStatus(status);  // The venue's own answer.
  }
}

template <typename Forwarded, typename Request>
Forwarded Forwarder::ForMember(absl::string_view member_token, const Request& request) const {
  Forwarded forwarded;
  forwarded.set_site_id(self_site_id_);
  forwarded.set_member_token(std::string(member_token));
  *forwarded.mutable_request() = request;
  return forwarded;
}

template <typename Forwarded, typename Request, typename Response>
absl::StatusOr<Response> Forwarder::ForwardForMember(
    absl::string_view site_id, absl::string_view member_token, const Request& request,
    absl::Time deadline,
    grpc::Status (v1::FederationService::Stub::*method)(grpc::ClientContext*, const Forwarded&,
                                                        Response*)) {
  return Forward(site_id, deadline, ForMember<Forwarded>(member_token, request), method);
}

absl::StatusOr<v1::Booking> Forwarder::CreateBooking(
    absl::string_view site_id, absl::string_view member_token,
    const v1::CreateBookingRequest& request, const std::map<absl::CivilMonth, int>& home_visit_days,
    absl::Time deadline) {
  auto forwarded = ForMember<v1::ForwardedCreateBooking>(member_token, request);
  for (const auto& [month, days] : home_visit_days) {
    v1::MonthVisitDays* told = forwarded.add_home_visit_days();
    told->set_month(domain::FormatMonth(month));
    told->set_days(days);
  }
  return Forward(site_id, deadline, forwarded, &v1::FederationService::Stub::ForwardCreateBooking);
}

absl::StatusOr<v1::Booking> Forwarder::CancelBooking(absl::string_view site_id,
                                                     absl::string_view member_token,
                                                     const v1::CancelBookingRequest& request,
                                                     absl::Time deadline) {
  return ForwardForMember<v1::ForwardedCancelBooking>(
      site_id, member_token, request, deadline, &v1::FederationService::Stub::ForwardCancelBooking);
}

absl::StatusOr<v1::GetAvailabilityResponse> Forwarder::GetAvailability(
    absl::string_view site_id, const v1::GetAvailabilityRequest& request, absl::Time deadline) {
  v1::ForwardedGetAvailability forwarded;
  forwarded.set_site_id(self_site_id_);
  *forwarded.mutable_request() = request;
  return Forward(site_id, deadline, forwarded,
                 &v1::FederationService::Stub::ForwardGetAvailability);
}

absl::StatusOr<v1::PullReceiptsResponse> Forwarder::PullReceipts(
    absl::string_view site_id, const v1::PullReceiptsRequest& request, absl::Time deadline) {
  v1::PullReceiptsRequest pull = request;
  pull.set_site_id(self_site_id_);
  return Forward(site_id, deadline, pull, &v1::FederationService::Stub::PullReceipts);
}

absl::Status Forwarder::NotifyReceipts(absl::string_view site_id, absl::Time deadline) {
  v1::ReceiptsNotice notice;
  notice.set_site_id(self_site_id_);
  return Forward(site_id, deadline, notice, &v1::FederationService::Stub::NotifyReceipts).status();
}

absl::StatusOr<v1::ListBookingsResponse> Forwarder::ListBookings(
    absl::string_view site_id, absl::string_view member_token,
    const v1::ListBookingsRequest& request, absl::Time deadline) {
  return ForwardForMember<v1::ForwardedListBookings>(
      site_id, member_token, request, deadline, &v1::FederationService::Stub::ForwardListBookings);
}

absl::StatusOr<v1::Booking> Forwarder::GetBooking(absl::string_view site_id,
                                                  absl::string_view member_token,
                                                  const v1::GetBookingRequest& request,
                                                  absl::Time deadline) {
  return ForwardForMember<v1::ForwardedGetBooking>(site_id, member_token, request, deadline,
                                                   &v1::FederationService::Stub::ForwardGetBooking);
}

absl::StatusOr<v1::Rsvp> Forwarder::CreateRsvp(absl::string_view site_id,
                                               absl::string_view member_token,
                                               const v1::CreateRsvpRequest& request,
                                               absl::Time deadline) {
  return ForwardForMember<v1::ForwardedCreateRsvp>(site_id, member_token, request, deadline,
                                                   &v1::FederationService::Stub::ForwardCreateRsvp);
}

absl::StatusOr<v1::Rsvp> Forwarder::CancelRsvp(absl::string_view site_id,
                                               absl::string_view member_token,
                                               const v1::CancelRsvpRequest& request,
                                               absl::Time deadline) {
  return ForwardForMember<v1::ForwardedCancelRsvp>(site_id, member_token, request, deadline,
                                                   &v1::FederationService::Stub::ForwardCancelRsvp);
}

absl::StatusOr<v1::ListRsvpsResponse> Forwarder::ListRsvps(absl::string_view site_id,
                                                           absl::string_view member_token,
                                                           const v1::ListRsvpsRequest& request,
                                                           absl::Time deadline) {
  return ForwardForMember<v1::ForwardedListRsvps>(site_id, member_token, request, deadline,
                                                  &v1::FederationService::Stub::ForwardListRsvps);
}

absl::StatusOr<v1::ListRsvpsResponse> Forwarder::ListMemberRsvps(
    absl::string_view site_id, const v1::ListRsvpsRequest& request, absl::Time deadline) {
  v1::MemberRsvpsQuery query;
  query.set_site_id(self_site_id_);
  *query.mutable_request() = request;
  return Forward(site_id, deadline, query, &v1::FederationService::Stub::ListMemberRsvps);
}

absl::StatusOr<v1::ListAttendeesResponse> Forwarder::ListAttendees(
    absl::string_view site_id, const v1::ListAttendeesRequest& request, absl::Time deadline) {
  v1::ForwardedListAttendees forwarded;
  forwarded.set_site_id(self_site_id_);
  *forwarded.mutable_request() = request;
  return Forward(site_id, deadline, forwarded, &v1::FederationService::Stub::ForwardListAttendees);
}

absl::StatusOr<std::vector<int>> Forwarder::Count(absl::string_view home_site_id,
                                                  absl::string_view member_id,
                                                  absl::string_view /*venue*/,
                                                  const std::vector<absl::CivilMonth>& months) {
  v1::VisitDaysQuery query;
  query.set_site_id(self_site_id_);  // The venue asking is this site.
  query.set_member_id(std::string(member_id));
  for (absl::CivilMonth month : months) query.add_months(domain::FormatMonth(month));
  ASSIGN_OR_RETURN(v1::VisitDaysCount count,
                   Forward(home_site_id, absl::Now() + kVisitDaysTimeout, query,
                           &v1::FederationService::Stub::CountVisitDays));
  return std::vector<int>(count.days().begin(), count.days().end());
}

}  // namespace cantine::federation
