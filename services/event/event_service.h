#pragma once

#include "cantine/v1/event.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/event/event_board.h"
#include "services/logging/logger.h"

namespace cantine::event {

// cantine.v1.EventService: validates each request, checks the admin credential on the host
// manager's writes (announce, update, cancel), translates venue civil times, and delegates
// to the EventBoard. Listing is open to all. Thread-safe.
class EventServiceImpl final : public v1::EventService::Service {
 public:
  // Neither is owned; both outlive the service.
  EventServiceImpl(EventBoard* board, const auth::AdminCredential* admin);

  grpc::Status AnnounceEvent(grpc::ServerContext* context, const v1::AnnounceEventRequest* request,
                             v1::Event* response) override;
  grpc::Status UpdateEvent(grpc::ServerContext* context, const v1::UpdateEventRequest* request,
                           v1::Event* response) override;
  grpc::Status CancelEvent(grpc::ServerContext* context, const v1::CancelEventRequest* request,
                           v1::Event* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;

 private:
  EventBoard* const board_;
  const auth::AdminCredential* const admin_;
  const logging::Logger log_{"event"};
};

}  // namespace cantine::event
