#include "tools/cantinectl/grpc_event_client.h"

#include "tools/cantinectl/grpc_call.h"

namespace cantine::cantinectl {
namespace {

using Stub = v1::EventService::StubInterface;

}  // namespace

GrpcEventClient::GrpcEventClient(const std::shared_ptr<grpc::ChannelInterface>& channel,
                                 absl::Duration timeout)
    : stub_(v1::EventService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::ListEventsResponse> GrpcEventClient::ListEvents(
    const v1::ListEventsRequest& request) {
  return CallUnary(*stub_, &Stub::ListEvents, request, timeout_, nullptr);
}

absl::StatusOr<v1::Event> GrpcEventClient::AnnounceEvent(const v1::AnnounceEventRequest& request,
                                                         const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::AnnounceEvent, request, timeout_, &admin_credential);
}

absl::StatusOr<v1::Event> GrpcEventClient::UpdateEvent(const v1::UpdateEventRequest& request,
                                                       const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::UpdateEvent, request, timeout_, &admin_credential);
}

absl::StatusOr<v1::Event> GrpcEventClient::CancelEvent(const v1::CancelEventRequest& request,
                                                       const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::CancelEvent, request, timeout_, &admin_credential);
}

}  // namespace cantine::cantinectl
