#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "services/rpc/status_conversion.h"

namespace cantine::cantinectl {

// How cantinectl reaches the node and makes a call, whatever the service.

// The channel to the node at `target` (host:port). The one place that picks the transport
// security: plaintext when `insecure`; else TLS trusting the CA certificates in `ca_file`
// (PEM), or the system's trusted roots when `ca_file` is empty. FAILED_PRECONDITION naming
// the file when it cannot be read. Connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file);

// Gives `context` its deadline, `timeout` from now, and `bearer_token`, when not null,
// as the call's bearer token (the admin credential or a member token).
void PrepareCallContext(grpc::ClientContext& context, absl::Duration timeout,
                        const std::string* bearer_token);

// A failed call's status in absl terms (rpc::FromGrpcStatus), with a hint on what to change
// when the connection failed on transport security (an untrusted node certificate, or a
// plaintext client refused by a TLS node).
absl::Status FromCallStatus(const grpc::Status& status);

// One unary call of `method` on `stub` (a generated StubInterface), prepared as above; a failed
// call is its status in absl terms (FromCallStatus).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, absl::Duration timeout, const std::string* bearer_token) {
  grpc::ClientContext context;
  PrepareCallContext(context, timeout, bearer_token);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromCallStatus(status);
  return response;
}

}  // namespace cantine::cantinectl
