#include "tools/bench/forwarding_network.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tools/bench/bench_client.h"

namespace cantine::bench {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
constexpr absl::Duration kStopTimeout = absl::Seconds(15);
constexpr int kLogLinesShown = 8;

// Writes `contents` to `path`, replacing it, readable by this user only.
absl::Status WritePrivateFile(const std::string& path, const std::string& contents) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << contents;
    if (!out.flush()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot write '", path, "'"));
    }
  }
  std::error_code error;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot restrict '", path, "' to its owner: ", error.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read '", path, "'"));
  }
  return text.str();
}

// The port a node wrote to `path`, or 0 while it has written none.
int ReadPort(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  int port = 0;
  if (!text.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &port)) return 0;
  return port;
}

// The last lines of a log, indented, for an error message.
std::string LogTail(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return absl::StrCat(" (no log at ", path, ")");
  std::vector<std::string> lines =
      absl::StrSplit(absl::StripTrailingAsciiWhitespace(*text), '\n', absl::SkipEmpty());
  if (lines.size() > kLogLinesShown) lines.erase(lines.begin(), lines.end() - kLogLinesShown);
  return absl::StrCat("; the end of ", path, ":\n  ", absl::StrJoin(lines, "\n  "));
}

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

// The two sites: the profiles of deploy/sites, one policy for both (open Monday to Friday,
// two half-day slots, 90 days ahead), no seeded spaces and no visit allowance.
std::string SiteConfig(absl::string_view site_id) {
  const bool venue = site_id == TwoSiteNetwork::kVenue;
  return absl::StrCat(
      "site_id: ", Quoted(site_id), "\n",
      venue ? "display_name: \"La Cantine\"\n"
              "street_address: \"151 rue Montmartre, 75002 Paris\"\n"
              "city: \"Paris\"\n"
              "country_code: \"FR\"\n"
              "time_zone: \"Europe/Paris\"\n"
            : "display_name: \"Cantina Milano\"\n"
              "street_address: \"Via Tortona 27, 20144 Milano\"\n"
              "city: \"Milan\"\n"
              "country_code: \"IT\"\n"
              "time_zone: \"Europe/Rome\"\n",
      "currency_code: \"EUR\"\n"
      "initial_policy {\n"
      "  open_weekdays: [WEEKDAY_MONDAY, WEEKDAY_TUESDAY, WEEKDAY_WEDNESDAY, WEEKDAY_THURSDAY,\n"
      "                  WEEKDAY_FRIDAY]\n"
      "  opens_at { hours: 9 }\n"
      "  closes_at { hours: 19 }\n"
      "  half_day_slots { name: \"morning\" start_time { hours: 9 } end_time { hours: 13 } }\n"
      "  half_day_slots { name: \"afternoon\" start_time { hours: 14 } end_time { hours: 19 } }\n"
      "  room_block { seconds: 7200 }\n"
      "  max_booking_days: 21\n"
      "  booking_horizon_days: 90\n"
      "  cancellation_window { seconds: 86400 }\n"
      "  no_show_grace { seconds: 3600 }\n"
      "}\n");
}

}  // namespace

TwoSiteNetwork::Node::~Node() {
  if (process != nullptr) process->Terminate(kStopTimeout);
}

std::string TwoSiteNetwork::Path(const std::string& name) const {
  return absl::StrCat(options_.work_dir, "/", name);
}

std::string TwoSiteNetwork::venue_address() const {
  return absl::StrCat("127.0.0.1:", venue_->port);
}

std::string TwoSiteNetwork::forwarder_address() const {
  return absl::StrCat("127.0.0.1:", forwarder_->port);
}

absl::StatusOr<std::unique_ptr<TwoSiteNetwork>> TwoSiteNetwork::Start(const Options& options) {
  auto network = std::unique_ptr<TwoSiteNetwork>(new TwoSiteNetwork(options));
  std::error_code error;
  std::filesystem::create_directories(options.work_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create '", options.work_dir, "': ", error.message()));
  }
  absl::BitGen random;
  network->admin_credential_ = absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                                               absl::Uniform<uint64_t>(random));
  if (absl::Status s = WritePrivateFile(network->Path("admin"), network->admin_credential_ + "\n");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = network->MakeCertificates(); !s.ok()) return s;

  // milan first, alone; then paris pulling from it; then milan again, pulling from paris.
  absl::StatusOr<std::unique_ptr<Node>> forwarder = network->StartNode(kForwarder, 0, nullptr);
  if (!forwarder.ok()) return forwarder.status();
  const int forwarder_federation_port = (*forwarder)->federation_port;
  const Peer forwarder_peer{kForwarder, forwarder_federation_port};
  absl::StatusOr<std::unique_ptr<Node>> venue = network->StartNode(kVenue, 0, &forwarder_peer);
  if (!venue.ok()) return venue.status();
  network->venue_ = *std::move(venue);
  if (const int code = (*forwarder)->process->Terminate(kStopTimeout); code != 0) {
    return absl::FailedPreconditionError(absl::StrCat(kForwarder, " exited with code ", code,
                                                      " when stopped for its restart",
                                                      LogTail((*forwarder)->log_path)));
  }
  const Peer venue_peer{kVenue, network->venue_->federation_port};
  forwarder = network->StartNode(kForwarder, forwarder_federation_port, &venue_peer);
  if (!forwarder.ok()) return forwarder.status();
  network->forwarder_ = *std::move(forwarder);
  return network;
}

TwoSiteNetwork::~TwoSiteNetwork() { Stop().IgnoreError(); }

absl::Status TwoSiteNetwork::MakeCertificates() {
  const std::string log = Path("make-certs.log");
  absl::StatusOr<std::unique_ptr<fedbench::ChildProcess>> make_certs =
      fedbench::ChildProcess::SpawnLogged(
          {options_.make_certs_path, Path("certs"), kVenue, kForwarder}, log);
  if (!make_certs.ok()) return make_certs.status();
  if (const int code = (*make_certs)->Finish(absl::Seconds(60)); code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("tools/make-certs exited with code ", code, LogTail(log)));
  }
  absl::StatusOr<std::string> ca = ReadWholeFile(Path("certs/ca.pem"));
  if (!ca.ok()) return ca.status();
  ca_pem_ = *std::move(ca);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TwoSiteNetwork::Node>> TwoSiteNetwork::StartNode(
    const std::string& site_id, int federation_port, const Peer* peer) {
  auto node = std::make_unique<Node>();
  node->site_id = site_id;
  node->log_path = Path(absl::StrCat(site_id, ".log"));
  const std::string port_file = Path(absl::StrCat(site_id, ".port"));
  const std::string federation_port_file = Path(absl::StrCat(site_id, ".federation-port"));
  std::error_code error;
  std::filesystem::remove(port_file, error);
  std::filesystem::remove(federation_port_file, error);

  std::string config = SiteConfig(site_id);
  absl::StrAppend(&config, "listen_address: \"127.0.0.1:0\"\n");
  absl::StrAppend(&config, "data_dir: ", Quoted(Path(site_id)), "\n");
  absl::StrAppend(&config, "admin_credential_file: ", Quoted(Path("admin")), "\n");
  absl::StrAppend(&config, "port_file: ", Quoted(port_file), "\n");
  absl::StrAppend(&config, "federation_listen_address: \"127.0.0.1:", federation_port, "\"\n");
  absl::StrAppend(&config, "federation_port_file: ", Quoted(federation_port_file), "\n");
  absl::StrAppend(&config, "drain_timeout { seconds: 2 }\n");
  absl::StrAppend(&config, "tls { ca_file: ", Quoted(Path("certs/ca.pem")),
                  " cert_file: ", Quoted(Path(absl::StrCat("certs/", site_id, ".pem"))),
                  " key_file: ", Quoted(Path(absl::StrCat("certs/", site_id, ".key"))), " }\n");
  if (peer != nullptr) {
    absl::StrAppend(&config, "peers { site_id: ", Quoted(peer->site_id),
                    " address: ", Quoted(absl::StrCat("127.0.0.1:", peer->federation_port)),
                    " public_key_file: ", Quoted(Path(absl::StrCat(peer->site_id, "/node.pub"))),
                    " }\n");
  }
  const std::string config_path = Path(absl::StrCat(site_id, ".textproto"));
  if (absl::Status s = WritePrivateFile(config_path, config); !s.ok()) return s;

  absl::StatusOr<std::unique_ptr<fedbench::ChildProcess>> process =
      fedbench::ChildProcess::SpawnLogged(
          {options_.cantined_path, absl::StrCat("--config=", config_path), "--log_level=warning"},
          node->log_path);
  if (!process.ok()) return process.status();
  node->process = *std::move(process);

  const absl::Time give_up = absl::Now() + options_.startup_timeout;
  while (true) {
    node->port = ReadPort(port_file);
    node->federation_port = ReadPort(federation_port_file);
    if (node->port > 0 && node->federation_port > 0) break;
    if (!node->process->Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cantined for ", site_id, " exited at start", LogTail(node->log_path)));
    }
    if (absl::Now() > give_up) {
      return absl::FailedPreconditionError(
          absl::StrCat("cantined for ", site_id, " wrote no port file within ",
                       absl::FormatDuration(options_.startup_timeout), LogTail(node->log_path)));
    }
    absl::SleepFor(kPollInterval);
  }

  // Serving once its health check says so, over TLS as every client sees it.
  NodeStubs stubs(absl::StrCat("127.0.0.1:", node->port), ca_pem_);
  while (true) {
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = Call(*stubs.health, &grpc::health::v1::Health::Stub::Check,
                               grpc::health::v1::HealthCheckRequest(), &response, absl::Seconds(1));
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) break;
    if (absl::Now() > give_up || !node->process->Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cantined for ", site_id, " does not answer over TLS on port ", node->port,
                       ": ", Describe(status), LogTail(node->log_path)));
    }
    absl::SleepFor(kPollInterval);
  }
  return node;
}

bool TwoSiteNetwork::Running() {
  return venue_ != nullptr && forwarder_ != nullptr && venue_->process->Running() &&
         forwarder_->process->Running();
}

absl::Status TwoSiteNetwork::Stop() {
  if (stopped_) return absl::OkStatus();
  stopped_ = true;
  std::vector<std::string> failures;
  for (Node* node : {forwarder_.get(), venue_.get()}) {
    if (node == nullptr) continue;
    if (const int code = node->process->Terminate(kStopTimeout); code != 0) {
      failures.push_back(
          absl::StrCat(node->site_id, " exited with code ", code, " (see ", node->log_path, ")"));
    }
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrJoin(failures, "; "));
}

}  // namespace cantine::bench
