#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cantine/v1/event.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/cantinectl/event_client.h"

namespace cantine::cantinectl {

// EventClient over gRPC. Every call gets its own deadline, `timeout` from its start.
// Not thread-safe (cantinectl makes one call at a time).
class GrpcEventClient final : public EventClient {
 public:
  GrpcEventClient(const std::shared_ptr<grpc::ChannelInterface>& channel, absl::Duration timeout);

  absl::StatusOr<v1::ListEventsResponse> ListEvents(const v1::ListEventsRequest& request) override;
  absl::StatusOr<v1::Event> AnnounceEvent(const v1::AnnounceEventRequest& request,
                                          const std::string& admin_credential) override;
  absl::StatusOr<v1::Event> UpdateEvent(const v1::UpdateEventRequest& request,
                                        const std::string& admin_credential) override;
  absl::StatusOr<v1::Event> CancelEvent(const v1::CancelEventRequest& request,
                                        const std::string& admin_credential) override;

 private:
  std::unique_ptr<v1::EventService::StubInterface> stub_;
  absl::Duration timeout_;
};

}  // namespace cantine::cantinectl
