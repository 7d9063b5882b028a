#pragma once

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "tools/cantinectl/arguments.h"

namespace cantine::cantinectl {

// The node's services: gRPC's generated stubs over one channel, or its generated mocks
// (MockSiteServiceStub...) in tests. Not owned; they outlive the command.
struct NodeStubs {
  v1::SiteService::StubInterface& site;
  v1::MemberService::StubInterface& members;
  v1::BookingService::StubInterface& bookings;
  v1::EventService::StubInterface& events;
  v1::AdminService::StubInterface& admin;
};

// Runs `invocation` against `node`, each call with the deadline of --timeout. The answer goes to
// `out` (a table, or JSON with
// --json); an error goes to `err` as one line, "cantinectl: CODE: message". Returns the
// exit code (exit_codes.h). Manager calls read the admin credential file first and fail
// with kExitUsage, without calling, when there is none. A booking made with a generated
// idempotency key writes that key to `err` before the call, so that it can be retried.
int RunCommand(const Invocation& invocation, const NodeStubs& node, std::ostream& out,
               std::ostream& err);

// The admin credential: the first line of `path`, without surrounding whitespace.
// FAILED_PRECONDITION naming the file when it cannot be read or that line is empty.
absl::StatusOr<std::string> ReadAdminCredential(const std::string& path);

}  // namespace cantine::cantinectl
