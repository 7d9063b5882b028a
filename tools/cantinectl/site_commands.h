#pragma once

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "tools/cantinectl/admin_client.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/booking_client.h"
#include "tools/cantinectl/event_client.h"
#include "tools/cantinectl/member_client.h"
#include "tools/cantinectl/site_client.h"

namespace cantine::cantinectl {

// The node's services as cantinectl calls them. Not owned; they outlive the command.
struct NodeClients {
  SiteClient& site;
  MemberClient& members;
  BookingClient& bookings;
  EventClient& events;
  AdminClient& admin;
};

// Runs `invocation` against `clients`. The answer goes to `out` (a table, or JSON with
// --json); an error goes to `err` as one line, "cantinectl: CODE: message". Returns the
// exit code (exit_codes.h). Manager calls read the admin credential file first and fail
// with kExitUsage, without calling, when there is none. A booking made with a generated
// idempotency key writes that key to `err` before the call, so that it can be retried.
int RunCommand(const Invocation& invocation, const NodeClients& clients, std::ostream& out,
               std::ostream& err);

// The admin credential: the first line of `path`, without surrounding whitespace.
// FAILED_PRECONDITION naming the file when it cannot be read or that line is empty.
absl::StatusOr<std::string> ReadAdminCredential(const std::string& path);

}  // namespace cantine::cantinectl
