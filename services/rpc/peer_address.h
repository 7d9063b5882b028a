#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace cantine::rpc {

// The caller's host in a gRPC peer string (grpc::ServerContext::peer()), without the port:
// "ipv4:203.0.113.7:51234" -> "203.0.113.7", "ipv6:[2001:db8::1]:51234" (or with the
// brackets escaped as %5B and %5D) -> "2001:db8::1". Any other form (a Unix socket) is
// returned whole: such callers share one address.
std::string PeerHost(absl::string_view peer);

}  // namespace cantine::rpc
