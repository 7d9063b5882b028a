#include "tests/support/cantined_launcher.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "storage/status_macros.h"

namespace cantine::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

// The port a node wrote to `path`, or 0 while it has written none.
int ReadPort(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  int port = 0;
  if (!std::getline(in, text) || !absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port)) {
    return 0;
  }
  return port;
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

}  // namespace

std::string LogTail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) return absl::StrCat(" (no log at ", path, ")");
  std::vector<std::string> kept =
      absl::StrSplit(absl::StripTrailingAsciiWhitespace(text.str()), '\n', absl::SkipEmpty());
  if (kept.size() > static_cast<size_t>(lines)) kept.erase(kept.begin(), kept.end() - lines);
  return absl::StrCat("; the end of ", path, ":\n  ", absl::StrJoin(kept, "\n  "));
}

std::string TextFormatString(absl::string_view value) {
  return absl::StrCat("\"", absl::CEscape(value), "\"");
}

absl::StatusOr<std::unique_ptr<Subprocess>> SpawnCantined(const CantinedLaunch& launch) {
  const std::string base = absl::StrCat(launch.dir, "/", launch.site);
  std::error_code error;
  std::filesystem::remove(base + ".port", error);
  std::filesystem::remove(base + ".fport", error);
  std::vector<std::string> argv = {
      launch.cantined, absl::StrCat("--config=", launch.config),
      absl::StrCat("--config_override=listen_address: ",
                   TextFormatString(absl::StrCat("127.0.0.1:", launch.port)),
                   " federation_listen_address: ",
                   TextFormatString(absl::StrCat("127.0.0.1:", launch.federation_port)),
                   " data_dir: ", TextFormatString(base),
                   " admin_credential_file: ", TextFormatString(absl::StrCat(launch.dir, "/admin")),
                   " port_file: ", TextFormatString(absl::StrCat(base, ".port")),
                   " federation_port_file: ", TextFormatString(absl::StrCat(base, ".fport")), " ",
                   launch.config_override)};
  argv.insert(argv.end(), launch.flags.begin(), launch.flags.end());
  auto process = std::make_unique<Subprocess>(std::move(argv), base + ".log");
  RETURN_IF_ERROR(process->Spawn());
  return process;
}

absl::StatusOr<CantinedPorts> WaitUntilServing(const CantinedLaunch& launch, Subprocess& process) {
  const std::string base = absl::StrCat(launch.dir, "/", launch.site);
  CantinedPorts node;
  const absl::Time give_up = absl::Now() + launch.timeout;
  const auto failed = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("cantined for ", launch.site, " ", what, LogTail(base + ".log")));
  };
  while (node.port == 0 || node.federation_port == 0) {
    node.port = ReadPort(base + ".port");
    node.federation_port = ReadPort(base + ".fport");
    if (node.port > 0 && node.federation_port > 0) break;
    if (!process.running()) return failed("exited at start");
    if (absl::Now() > give_up) {
      return failed(
          absl::StrCat("wrote no port file within ", absl::FormatDuration(launch.timeout)));
    }
    absl::SleepFor(kPollInterval);
  }

  // Serving once its health check says so, as every client sees it.
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = launch.ca_pem;
  auto health = Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", node.port),
      launch.ca_pem.empty() ? grpc::InsecureChannelCredentials() : grpc::SslCredentials(tls)));
  while (true) {
    HealthCheckResponse response;
    const grpc::Status status =
        health->Check(Context(absl::Seconds(1)).get(), HealthCheckRequest(), &response);
    if (status.ok() && response.status() == HealthCheckResponse::SERVING) return node;
    if (absl::Now() > give_up || !process.running()) {
      return failed(absl::StrCat("does not answer its health check on port ", node.port, ": ",
                                 status.error_message()));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<CantinedProcess> StartCantined(const CantinedLaunch& launch) {
  CantinedProcess node;
  ASSIGN_OR_RETURN(node.process, SpawnCantined(launch));
  const absl::StatusOr<CantinedPorts> ports = WaitUntilServing(launch, *node.process);
  if (!ports.ok()) {
    node.process->Stop(SIGKILL, absl::Seconds(5));
    return ports.status();
  }
  node.port = ports->port;
  node.federation_port = ports->federation_port;
  node.log_path = absl::StrCat(launch.dir, "/", launch.site, ".log");
  return node;
}

absl::StatusOr<uint64_t> HeldSeq(v1::AdminService::Stub& admin, const std::string& admin_secret,
                                 const std::string& site, absl::Duration timeout) {
  std::unique_ptr<grpc::ClientContext> context = Context(timeout);
  context->AddMetadata("authorization", absl::StrCat("Bearer ", admin_secret));
  v1::NetworkStatus status;
  const grpc::Status call = admin.GetNetworkStatus(context.get(), {}, &status);
  if (!call.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(call.error_code()),
                        absl::StrCat("GetNetworkStatus: ", call.error_message()));
  }
  for (const v1::VersionVectorEntry& origin : status.origins()) {
    if (origin.origin().site_id() == site) return origin.seq();
  }
  return 0;
}

}  // namespace cantine::testing
