#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/event.pb.h"

namespace cantine::cantinectl {

// The EventService calls cantinectl makes, so that commands can be run against a fake.
// Errors are the call's status, as the node or the transport gave it. Implementations
// need not be thread-safe.
class EventClient {
 public:
  virtual ~EventClient() = default;

  // One page; open to all, without credential.
  virtual absl::StatusOr<v1::ListEventsResponse> ListEvents(
      const v1::ListEventsRequest& request) = 0;

  // The host site's manager writes: `admin_credential` is presented as the call's bearer
  // token.
  virtual absl::StatusOr<v1::Event> AnnounceEvent(const v1::AnnounceEventRequest& request,
                                                  const std::string& admin_credential) = 0;
  virtual absl::StatusOr<v1::Event> UpdateEvent(const v1::UpdateEventRequest& request,
                                                const std::string& admin_credential) = 0;
  virtual absl::StatusOr<v1::Event> CancelEvent(const v1::CancelEventRequest& request,
                                                const std::string& admin_credential) = 0;
};

}  // namespace cantine::cantinectl
