// cantinectl: the command-line client of a Cantine Network node.
//
//   cantinectl --node 127.0.0.1:7101 spaces --all
//
// See `cantinectl --help` (arguments.cc, UsageText) for the commands and the exit codes.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "tools/cantinectl/arguments.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/grpc_call.h"
#include "tools/cantinectl/site_commands.h"

namespace {

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  using cantine::cantinectl::Invocation;

  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::BitGen gen;
  const cantine::cantinectl::Environment env{
      .node = GetEnv("CANTINE_NODE"),
      .admin_credential_file = GetEnv("CANTINE_ADMIN_CREDENTIAL_FILE"),
      .token_file = GetEnv("CANTINE_TOKEN_FILE"),
      .home = GetEnv("HOME"),
      .ca_file = GetEnv("CANTINE_CA"),
      .new_idempotency_key = cantine::cantinectl::NewIdempotencyKey(gen),
      .now = absl::Now(),
  };
  absl::StatusOr<Invocation> invocation = cantine::cantinectl::ParseArguments(args, env);
  if (!invocation.ok()) {
    std::cerr << "cantinectl: " << absl::StatusCodeToString(invocation.status().code()) << ": "
              << invocation.status().message() << "\n"
              << "Run 'cantinectl --help' for usage.\n";
    return cantine::cantinectl::kExitUsage;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> node_channel =
      cantine::cantinectl::MakeNodeChannel(invocation->options.node, invocation->options.insecure,
                                           invocation->options.ca_file);
  // help never calls the node: an unreadable CA file does not stop it.
  const bool calls_node =
      !std::holds_alternative<cantine::cantinectl::HelpCommand>(invocation->command);
  if (!node_channel.ok() && !calls_node) {
    node_channel = cantine::cantinectl::MakeNodeChannel(invocation->options.node, true, "");
  }
  if (!node_channel.ok()) {
    std::cerr << "cantinectl: " << absl::StatusCodeToString(node_channel.status().code()) << ": "
              << node_channel.status().message() << "\n";
    return cantine::cantinectl::kExitUsage;
  }
  const std::shared_ptr<grpc::Channel> channel = *std::move(node_channel);
  namespace v1 = cantine::v1;
  const auto site = v1::SiteService::NewStub(channel);
  const auto members = v1::MemberService::NewStub(channel);
  const auto bookings = v1::BookingService::NewStub(channel);
  const auto events = v1::EventService::NewStub(channel);
  const auto admin = v1::AdminService::NewStub(channel);
  return cantine::cantinectl::RunCommand(*invocation, {*site, *members, *bookings, *events, *admin},
                                         std::cout, std::cerr);
}
