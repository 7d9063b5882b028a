#include "tools/bench/forwarding_network.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/files/atomic_file.h"
#include "storage/status_macros.h"

namespace cantine::bench {
namespace {

constexpr absl::Duration kStopTimeout = absl::Seconds(15);

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read '", path, "'"));
  }
  return text.str();
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

std::string TwoSiteNetwork::Path(const std::string& name) const {
  return absl::StrCat(options_.work_dir, "/", name);
}

std::string TwoSiteNetwork::venue_address() const {
  return absl::StrCat("127.0.0.1:", venue_.port);
}

std::string TwoSiteNetwork::forwarder_address() const {
  return absl::StrCat("127.0.0.1:", forwarder_.port);
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
  RETURN_IF_ERROR(
      files::WriteFileAtomically(network->Path("admin"), network->admin_credential_ + "\n", 0600));
  RETURN_IF_ERROR(network->MakeCertificates());

  // milan first, alone; then paris pulling from it; then milan again, pulling from paris.
  ASSIGN_OR_RETURN(testing::CantinedProcess forwarder, network->StartNode(kForwarder, 0, "", 0));
  const int forwarder_federation_port = forwarder.federation_port;
  ASSIGN_OR_RETURN(network->venue_,
                   network->StartNode(kVenue, 0, kForwarder, forwarder_federation_port));
  if (const int code = forwarder.process->Stop(SIGTERM, kStopTimeout); code != 0) {
    return absl::FailedPreconditionError(absl::StrCat(kForwarder, " exited with code ", code,
                                                      " when stopped for its restart",
                                                      testing::LogTail(forwarder.log_path)));
  }
  ASSIGN_OR_RETURN(network->forwarder_,
                   network->StartNode(kForwarder, forwarder_federation_port, kVenue,
                                      network->venue_.federation_port));
  return network;
}

TwoSiteNetwork::~TwoSiteNetwork() { Stop().IgnoreError(); }

absl::Status TwoSiteNetwork::MakeCertificates() {
  const std::string log = Path("make-certs.log");
  testing::Subprocess make_certs({options_.make_certs_path, Path("certs"), kVenue, kForwarder},
                                 log);
  RETURN_IF_ERROR(make_certs.Spawn());
  if (const int code = make_certs.Stop(0, absl::Seconds(60)); code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("tools/make-certs exited with code ", code, testing::LogTail(log)));
  }
  ASSIGN_OR_RETURN(ca_pem_, ReadWholeFile(Path("certs/ca.pem")));
  return absl::OkStatus();
}

absl::StatusOr<testing::CantinedProcess> TwoSiteNetwork::StartNode(const std::string& site_id,
                                                                   int federation_port,
                                                                   const std::string& peer,
                                                                   int peer_federation_port) {
  std::string config = SiteConfig(site_id);
  absl::StrAppend(&config, "drain_timeout { seconds: 2 }\n");
  absl::StrAppend(&config, "tls { ca_file: ", Quoted(Path("certs/ca.pem")),
                  " cert_file: ", Quoted(Path(absl::StrCat("certs/", site_id, ".pem"))),
                  " key_file: ", Quoted(Path(absl::StrCat("certs/", site_id, ".key"))), " }\n");
  if (!peer.empty()) {
    absl::StrAppend(&config, "peers { site_id: ", Quoted(peer),
                    " address: ", Quoted(absl::StrCat("127.0.0.1:", peer_federation_port)),
                    " public_key_file: ", Quoted(Path(absl::StrCat(peer, "/node.pub"))), " }\n");
  }
  const std::string config_path = Path(absl::StrCat(site_id, ".textproto"));
  RETURN_IF_ERROR(files::WriteFileAtomically(config_path, config, 0600));
  return testing::StartCantined({.cantined = options_.cantined_path,
                                 .dir = options_.work_dir,
                                 .site = site_id,
                                 .config = config_path,
                                 .federation_port = federation_port,
                                 .flags = {"--log_level=warning"},
                                 .ca_pem = ca_pem_,
                                 .timeout = options_.startup_timeout});
}

bool TwoSiteNetwork::Running() {
  return venue_.process != nullptr && forwarder_.process != nullptr && venue_.process->running() &&
         forwarder_.process->running();
}

absl::Status TwoSiteNetwork::Stop() {
  if (stopped_) return absl::OkStatus();
  stopped_ = true;
  std::vector<std::string> failures;
  for (const auto& [site, node] :
       {std::pair(kForwarder, &forwarder_), std::pair(kVenue, &venue_)}) {
    if (node->process == nullptr) continue;
    if (const int code = node->process->Stop(SIGTERM, kStopTimeout); code != 0) {
      failures.push_back(
          absl::StrCat(site, " exited with code ", code, " (see ", node->log_path, ")"));
    }
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrJoin(failures, "; "));
}

}  // namespace cantine::bench
