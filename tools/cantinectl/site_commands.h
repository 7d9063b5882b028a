#pragma once

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/site_client.h"

namespace cantine::cantinectl {

// Runs `invocation` against `client`. The answer goes to `out` (a table, or JSON with
// --json); an error goes to `err` as one line, "cantinectl: CODE: message". Returns the
// exit code (exit_codes.h). Manager writes read the admin credential file first and fail
// with kExitUsage, without calling, when there is none.
int RunCommand(const Invocation& invocation, SiteClient& client, std::ostream& out,
               std::ostream& err);

// The admin credential: the first line of `path`, without surrounding whitespace.
// FAILED_PRECONDITION naming the file when it cannot be read or that line is empty.
absl::StatusOr<std::string> ReadAdminCredential(const std::string& path);

}  // namespace cantine::cantinectl
