#include "tests/fault/fault_network.h"

#include <signal.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "services/site/directory_change.h"
#include "storage/status_macros.h"
#include "tests/support/cantined_launcher.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"

namespace cantine::testing {
namespace {

constexpr const char* kTimeZones[] = {"Europe/Paris", "America/Los_Angeles", "Europe/Rome",
                                      "Asia/Tokyo",   "Europe/Berlin",       "America/New_York"};

// How long a node may take to start serving, and the network to agree on its directory.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);

std::string TimeZoneOf(const std::vector<std::string>& all_sites, const std::string& site) {
  const auto index = std::find(all_sites.begin(), all_sites.end(), site) - all_sites.begin();
  return kTimeZones[index % std::size(kTimeZones)];
}

// A venue open every day, so any day of a run can be booked: a desk pool of three seats and
// a meeting room, few enough for clients to contend for them. Cancellable up to an hour
// before, so a run cancels freely.
std::string VenueConfig(const std::string& site, const std::string& time_zone) {
  return absl::StrCat(R"(site_id: ")", site, R"("
display_name: "Cantine )",
                      site, R"("
street_address: "1 rue des Tests"
city: ")",
                      site, R"("
country_code: "FR"
time_zone: ")",
                      time_zone, R"("
currency_code: "EUR"
drain_timeout { seconds: 5 }
insecure: true
initial_policy {
  open_weekdays: [WEEKDAY_MONDAY, WEEKDAY_TUESDAY, WEEKDAY_WEDNESDAY, WEEKDAY_THURSDAY,
                  WEEKDAY_FRIDAY, WEEKDAY_SATURDAY, WEEKDAY_SUNDAY]
  opens_at { hours: 9 }
  closes_at { hours: 19 }
  half_day_slots { name: "morning" start_time { hours: 9 } end_time { hours: 13 } }
  half_day_slots { name: "afternoon" start_time { hours: 14 } end_time { hours: 19 } }
  room_block { seconds: 7200 }
  max_booking_days: 21
  booking_horizon_days: 90
  cancellation_window { seconds: 3600 }
  no_show_grace { seconds: 3600 }
}
initial_spaces {
  space_id: "desks"
  display_name: "Desks"
  kind: SPACE_KIND_DESK_POOL
  seats: 3
  price_per_slot { currency_code: "EUR" amount_minor: 1500 }
}
initial_spaces {
  space_id: "room"
  display_name: "Meeting room"
  kind: SPACE_KIND_MEETING_ROOM
  seats: 6
  price_per_slot { currency_code: "EUR" amount_minor: 6000 }
}
)");
}

}  // namespace

FaultNetwork::FaultNetwork(const TempDir& dir, std::string cantined, std::string admin_secret,
                           std::vector<std::string> all_sites, int founders)
    : dir_(dir),
      cantined_(std::move(cantined)),
      admin_secret_(std::move(admin_secret)),
      all_sites_(std::move(all_sites)),
      founders_(founders),
      admin_key_(auth::Ed25519PrivateKey::Generate()) {
  WritePrivateFile(dir_.Sub("admin"), admin_secret_ + "\n");
  std::ofstream(dir_.Sub("network-admin.pub")) << admin_key_.PublicKey().ToPem();
  for (const std::string& site : all_sites_) {
    const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
    WritePrivateFile(dir_.Sub(site + ".key"), key.ToPem());
    keys_.emplace(site, key);
    sites_[site].port = UnusedLoopbackPortBelowEphemeral();
    sites_[site].federation_port = UnusedLoopbackPortBelowEphemeral();
  }
  for (const std::string& from : all_sites_) {
    for (const std::string& to : all_sites_) {
      if (from == to) continue;
      absl::StatusOr<std::unique_ptr<FaultProxy>> proxy =
          FaultProxy::Start(sites_[to].federation_port);
      if (proxy.ok()) links_[{from, to}] = *std::move(proxy);
    }
  }
}

FaultNetwork::~FaultNetwork() {
  for (auto& [site, node] : sites_) {
    if (node.process != nullptr) node.process->Stop(SIGKILL, absl::Seconds(5));
  }
}

absl::Status FaultNetwork::Configure(const std::string& site,
                                     const std::vector<std::string>& peers) {
  if (links_.size() != all_sites_.size() * (all_sites_.size() - 1)) {
    return absl::UnavailableError("a link proxy could not listen on 127.0.0.1");
  }
  std::string config = VenueConfig(site, TimeZoneOf(all_sites_, site));
  absl::StrAppend(&config, "signing_key_file: ", TextFormatString(dir_.Sub(site + ".key")), "\n",
                  "admin_public_key_file: ", TextFormatString(dir_.Sub("network-admin.pub")), "\n");
  for (const std::string& peer : peers) {
    absl::StrAppend(&config, "peers { site_id: \"", peer,
                    "\" address: \"127.0.0.1:", Link(site, peer).port(), "\" }\n");
  }
  for (const std::string& other : all_sites_) {
    if (other == site) continue;
    absl::StrAppend(&config, "federation_routes { site_id: \"", other,
                    "\" address: \"127.0.0.1:", Link(site, other).port(), "\" }\n");
  }
  std::ofstream out(dir_.Sub(site + ".textproto"));
  out << config;
  if (!out.flush()) return absl::UnavailableError("cannot write the config of " + site);
  return absl::OkStatus();
}

absl::Status FaultNetwork::Launch(const std::string& site, absl::Duration skew) {
  Site& node = sites_.at(site);
  CantinedLaunch launch{
      .cantined = cantined_,
      .dir = dir_.path(),
      .site = site,
      .config = dir_.Sub(site + ".textproto"),
      .port = node.port,
      .federation_port = node.federation_port,
      .flags = {"--log_level=warning", absl::StrCat("--clock_skew=", absl::FormatDuration(skew))},
      .timeout = kStartTimeout};
  ASSIGN_OR_RETURN(CantinedProcess process, StartCantined(launch));
  node.process = std::move(process.process);
  return absl::OkStatus();
}

absl::Status FaultNetwork::List(const std::string& site) {
  const Site& node = sites_.at(site);
  v1::SiteListing listing;
  v1::Site& profile = *listing.mutable_site();
  profile.set_site_id(site);
  profile.set_display_name("Cantine " + site);
  profile.set_street_address("1 rue des Tests");
  profile.set_city(site);
  profile.set_country_code("FR");
  profile.set_time_zone(TimeZoneOf(all_sites_, site));
  profile.set_currency_code("EUR");
  listing.set_public_endpoint(absl::StrCat("127.0.0.1:", node.port));
  listing.set_federation_endpoint(absl::StrCat("127.0.0.1:", node.federation_port));
  listing.set_entry_public_key(keys_.at(site).PublicKey().Raw());
  listing.set_token_public_key(keys_.at(site).PublicKey().Raw());
  listing.set_certificate_sha256(std::string(32, '\x5a'));  // Plaintext: no certificate.
  v1::AddSiteRequest request;
  *request.mutable_signed_change() =
      site::SignDirectoryChange(site::AddSiteChange(listing, absl::Now()), admin_key_);
  // Through the first node running: it replicates the change to the others.
  for (const std::string& at : added_) {
    if (!running(at)) continue;
    auto admin = v1::AdminService::NewStub(LoopbackChannel(port(at)));
    v1::DirectoryChange listed;
    const grpc::Status status = admin->AddSite(Context().get(), request, &listed);
    if (status.ok()) return absl::OkStatus();
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("listing ", site, " at ", at, ": ", status.error_message()));
  }
  return absl::FailedPreconditionError("no node runs to list " + site);
}

bool FaultNetwork::Lists(const std::string& at, const std::vector<std::string>& sites) const {
  auto directory = v1::SiteService::NewStub(LoopbackChannel(port(at)));
  v1::ListSitesResponse listed;
  if (!directory->ListSites(Context().get(), v1::ListSitesRequest(), &listed).ok()) return false;
  return std::all_of(sites.begin(), sites.end(), [&](const std::string& site) {
    return std::any_of(listed.sites().begin(), listed.sites().end(),
                       [&](const v1::Site& listed_site) { return listed_site.site_id() == site; });
  });
}

absl::Status FaultNetwork::StartFounders() {
  const std::vector<std::string> founders(all_sites_.begin(), all_sites_.begin() + founders_);
  for (const std::string& site : founders) {
    std::vector<std::string> peers;
    for (const std::string& peer : founders) {
      if (peer != site) peers.push_back(peer);
    }
    RETURN_IF_ERROR(Configure(site, peers));
    RETURN_IF_ERROR(Launch(site, absl::ZeroDuration()));
    added_.push_back(site);
  }
  for (const std::string& site : founders) RETURN_IF_ERROR(List(site));
  for (const std::string& site : founders) {
    if (!WaitFor([&] { return Lists(site, founders); }, kStartTimeout)) {
      return absl::DeadlineExceededError(
          absl::StrCat(site, " does not list every founder; see ", log_file(site)));
    }
  }
  return absl::OkStatus();
}

absl::Status FaultNetwork::Join(const std::string& site) {
  RETURN_IF_ERROR(Configure(site, {all_sites_[0], all_sites_[1]}));
  RETURN_IF_ERROR(List(site));
  RETURN_IF_ERROR(Launch(site, absl::ZeroDuration()));
  added_.push_back(site);
  return absl::OkStatus();
}

void FaultNetwork::Kill(const std::string& site) {
  Site& node = sites_.at(site);
  if (node.process != nullptr) node.process->Stop(SIGKILL, absl::Seconds(5));
}

absl::Status FaultNetwork::Restart(const std::string& site, absl::Duration skew) {
  Kill(site);
  return Launch(site, skew);
}

int FaultNetwork::Stop(const std::string& site) {
  Site& node = sites_.at(site);
  if (node.process == nullptr) return -1;
  return node.process->Stop(SIGTERM, absl::Seconds(30));
}

bool FaultNetwork::running(const std::string& site) const {
  const Site& node = sites_.at(site);
  return node.process != nullptr && node.process->running();
}

FaultProxy& FaultNetwork::Link(const std::string& from, const std::string& to) {
  return *links_.at({from, to});
}

void FaultNetwork::Partition(const std::vector<std::vector<std::string>>& sides) {
  const auto together = [&](const std::string& a, const std::string& b) {
    return std::any_of(sides.begin(), sides.end(), [&](const std::vector<std::string>& side) {
      return std::count(side.begin(), side.end(), a) > 0 &&
             std::count(side.begin(), side.end(), b) > 0;
    });
  };
  for (auto& [link, proxy] : links_) {
    if (!together(link.first, link.second)) proxy->Cut();
  }
}

void FaultNetwork::HealAll() {
  for (auto& [link, proxy] : links_) proxy->Heal();
}

std::vector<std::string> FaultNetwork::sites() const { return added_; }

int FaultNetwork::port(const std::string& site) const { return sites_.at(site).port; }

int FaultNetwork::pid(const std::string& site) const {
  return running(site) ? sites_.at(site).process->pid() : 0;
}

std::string FaultNetwork::data_dir(const std::string& site) const { return dir_.Sub(site); }

std::string FaultNetwork::log_file(const std::string& site) const {
  return dir_.Sub(site + ".log");
}

}  // namespace cantine::testing
