#pragma once

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace cantine::testing {

// How long a test's RPC may take before it fails DEADLINE_EXCEEDED instead of hanging.
inline constexpr absl::Duration kRpcDeadline = absl::Seconds(10);

// Gives `context` a deadline `timeout` from now. Every RPC of a test carries one.
void SetDeadline(grpc::ClientContext& context, absl::Duration timeout = kRpcDeadline);

// Presents `bearer` (an admin credential or a member token) in the authorization header.
void Authorize(grpc::ClientContext& context, absl::string_view bearer);

// A context with a deadline `timeout` from now, presenting `bearer` unless it is empty.
std::unique_ptr<grpc::ClientContext> Context(absl::string_view bearer = "",
                                             absl::Duration timeout = kRpcDeadline);

// A plaintext channel to 127.0.0.1:`port`.
std::shared_ptr<grpc::Channel> LoopbackChannel(int port);
// The same with a connection of its own: channels made alike would otherwise share one (a
// node takes at most max_streams_per_connection calls on one).
std::shared_ptr<grpc::Channel> LoopbackChannelOfItsOwn(int port);

// A port of 127.0.0.1 free when asked (0 if none was), for a listing that must name a port
// before its node starts. Another process could take it in between: only for tests.
int UnusedLoopbackPort();

// Like UnusedLoopbackPort, but below the ephemeral range (20000 to 32767), for a server
// restarted on the same port: no outgoing connection takes it as its source port while the
// server is down.
int UnusedLoopbackPortBelowEphemeral();

}  // namespace cantine::testing
