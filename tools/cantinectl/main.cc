// cantinectl: the command-line client of a Cantine Network node.
//
//   cantinectl --node 127.0.0.1:7101 spaces --all
//
// See `cantinectl --help` (command_line.cc, UsageText) for the commands and the exit codes.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"

namespace {

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  namespace cantinectl = cantine::cantinectl;
  namespace v1 = cantine::v1;

  absl::BitGen gen;
  const cantinectl::Environment env{
      .node = GetEnv("CANTINE_NODE"),
      .admin_credential_file = GetEnv("CANTINE_ADMIN_CREDENTIAL_FILE"),
      .token_file = GetEnv("CANTINE_TOKEN_FILE"),
      .home = GetEnv("HOME"),
      .ca_file = GetEnv("CANTINE_CA"),
      .new_idempotency_key = cantinectl::NewIdempotencyKey(gen),
      .now = absl::Now(),
  };
  absl::StatusOr<cantinectl::Invocation> invocation =
      cantinectl::ParseArguments({argv + 1, argv + argc}, env);
  if (!invocation.ok()) {
    std::cerr << cantinectl::ErrorText(invocation.status())
              << "\nRun 'cantinectl --help' for usage.\n";
    return cantinectl::kExitUsage;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> node_channel = cantinectl::MakeNodeChannel(
      invocation->options.node, invocation->options.insecure, invocation->options.ca_file);
  // help never calls the node: an unreadable CA file does not stop it.
  if (!node_channel.ok() && !invocation->calls_node) {
    node_channel = cantinectl::MakeNodeChannel(invocation->options.node, true, "");
  }
  if (!node_channel.ok()) {
    std::cerr << cantinectl::ErrorText(node_channel.status()) << "\n";
    return cantinectl::kExitUsage;
  }
  const std::shared_ptr<grpc::Channel> channel = *std::move(node_channel);
  const auto site = v1::SiteService::NewStub(channel);
  const auto members = v1::MemberService::NewStub(channel);
  const auto bookings = v1::BookingService::NewStub(channel);
  const auto events = v1::EventService::NewStub(channel);
  const auto calendars = v1::CalendarService::NewStub(channel);
  const auto admin = v1::AdminService::NewStub(channel);
  return cantinectl::RunInvocation(
      *invocation, {*site, *members, *bookings, *events, *calendars, *admin}, std::cout, std::cerr);
}
