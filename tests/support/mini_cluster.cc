#include "tests/support/mini_cluster.h"

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/site/directory_change.h"
#include "tests/support/wait_for.h"

namespace cantine::testing {

MiniCluster::MiniCluster(int size, const storage::Clock* clock, Keys keys)
    : MiniCluster(size, clock, keys, Tuning()) {}

MiniCluster::MiniCluster(int size, const storage::Clock* clock, Keys keys, Tuning tuning)
    : clock_(clock != nullptr ? clock : &system_clock_),
      keys_(keys),
      tuning_(tuning),
      ports_(size, 0),
      federation_ports_(size, 0),
      pulls_from_(size) {
  for (int i = 0; i < size; ++i) {
    WritePrivateFile(dir_.Sub(absl::StrCat("admin-", site_id(i))),
                     absl::StrCat(admin_secret(i), "\n"));
  }
  WritePrivateFile(dir_.Sub("network-admin.pub"), network_admin_key_.PublicKey().ToPem());
  nodes_.resize(size);
  ForEachNode([&](int i) { StartNode(i, 0, 0); });
  for (int i = 0; i < size && keys_ == Keys::kPinned; ++i) {
    for (int j = 0; j < size; ++j) {
      if (i != j) nodes_[i]->TrustSite(site_id(j), nodes_[j]->public_key());
    }
  }
}

MiniCluster::~MiniCluster() {
  ForEachNode([&](int i) { nodes_[i].reset(); });
}

std::string MiniCluster::site_id(int i) const {
  // site-a to site-z, then site-aa, site-ab...
  const auto letter = [](int n) { return std::string(1, static_cast<char>('a' + n)); };
  if (i < 26) return absl::StrCat("site-", letter(i));
  return absl::StrCat("site-", letter((i - 26) / 26 % 26), letter((i - 26) % 26));
}

std::string MiniCluster::admin_secret(int i) const {
  return absl::StrCat("mini-cluster-admin-credential-of-", site_id(i));
}

std::string MiniCluster::data_dir(int i) const { return dir_.Sub(site_id(i)); }

std::string MiniCluster::backup_dir(int i) const {
  return dir_.Sub(absl::StrCat(site_id(i), "-backups"));
}

node::NodeOptions MiniCluster::Options(int i, int port, int federation_port) const {
  node::NodeOptions options;
  options.site = {.site_id = site_id(i),
                  .display_name = absl::StrCat("Cantine ", site_id(i)),
                  .street_address = "1 rue de la Paix",
                  .city = absl::StrCat("City of ", site_id(i)),
                  .country_code = "FR",
                  .time_zone = "Europe/Paris",
                  .currency_code = "EUR"};
  options.listen_address = absl::StrCat("127.0.0.1:", port);
  options.federation_listen_address = absl::StrCat("127.0.0.1:", federation_port);
  options.data_dir = data_dir(i);
  options.backup_dir = backup_dir(i);
  options.admin_credential_file = dir_.Sub(absl::StrCat("admin-", site_id(i)));
  options.admin_public_key_file = dir_.Sub("network-admin.pub");
  options.drain_timeout = absl::Seconds(1);
  options.insecure = true;  // Plaintext on loopback; transport_security_test covers TLS.
  options.initial_directory = initial_directory_;
  options.peer_fan_out = tuning_.peer_fan_out;
  options.memtable_budget_bytes = tuning_.memtable_budget_bytes;
  options.block_cache_bytes = tuning_.block_cache_bytes;
  options.max_threads = tuning_.max_threads;
  options.max_federation_threads = tuning_.max_federation_threads;
  options.bootstrap_min_entries = tuning_.bootstrap_min_entries;
  return options;
}

void MiniCluster::StartNode(int i, int port, int federation_port) {
  // A restart takes its ports back, which the outgoing connections of other processes may
  // hold for a moment (the ports come from the ephemeral range): tried again until free.
  absl::StatusOr<std::unique_ptr<node::Node>> node;
  WaitFor(
      [&] {
        node = node::Node::Start(Options(i, port, federation_port), clock_);
        return node.ok() || port == 0 ||
               !absl::StrContains(node.status().message(), "cannot listen");
      },
      absl::Seconds(15));
  if (!node.ok()) {
    ADD_FAILURE() << site_id(i) << ": " << node.status();
    return;
  }
  nodes_[i] = *std::move(node);
  ports_[i] = nodes_[i]->port();
  federation_ports_[i] = nodes_[i]->federation_port();
}

std::shared_ptr<grpc::Channel> MiniCluster::channel(int i) { return LoopbackChannel(ports_[i]); }

v1::SiteListing MiniCluster::Listing(int i) const {
  v1::SiteListing listing;
  const node::NodeOptions options = Options(i, ports_[i], federation_ports_[i]);
  v1::Site& site = *listing.mutable_site();
  site.set_site_id(options.site.site_id);
  site.set_display_name(options.site.display_name);
  site.set_street_address(options.site.street_address);
  site.set_city(options.site.city);
  site.set_country_code(options.site.country_code);
  site.set_time_zone(options.site.time_zone);
  site.set_currency_code(options.site.currency_code);
  listing.set_public_endpoint(options.listen_address);
  listing.set_federation_endpoint(options.federation_listen_address);
  listing.set_entry_public_key(nodes_[i]->public_key().Raw());
  listing.set_token_public_key(nodes_[i]->public_key().Raw());
  // Plaintext nodes have no certificate; transport_security_test covers TLS.
  listing.set_certificate_sha256(std::string(32, '\0'));
  return listing;
}

void MiniCluster::ListEverySite(int at) {
  auto admin = v1::AdminService::NewStub(channel(at));
  for (int i = 0; i < size(); ++i) {
    v1::AddSiteRequest request;
    *request.mutable_signed_change() = site::SignDirectoryChange(
        site::AddSiteChange(Listing(i), clock_->Now()), network_admin_key_);
    v1::DirectoryChange listed;
    const grpc::Status status = admin->AddSite(Context().get(), request, &listed);
    EXPECT_TRUE(status.ok()) << site_id(i) << ": " << status.error_message();
  }
}

void MiniCluster::StartWithDirectoryOfEverySite() {
  initial_directory_.clear();
  for (int i = 0; i < size(); ++i) {
    initial_directory_.push_back(site::SignDirectoryChange(
        site::AddSiteChange(Listing(i), clock_->Now()), network_admin_key_));
  }
  ForEachNode([&](int i) {
    if (nodes_[i] != nullptr) Stop(i);
  });
  ForEachNode([&](int i) { StartNode(i, ports_[i], federation_ports_[i]); });
  for (int i = 0; i < size(); ++i) {
    if (nodes_[i] != nullptr) Rejoin(i);
  }
}

void MiniCluster::ForEachNode(const std::function<void(int)>& work) {
  if (tuning_.start_threads <= 1) {
    for (int i = 0; i < size(); ++i) work(i);
    return;
  }
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < tuning_.start_threads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < size(); i = next++) work(i);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

void MiniCluster::Connect(int to, int from) {
  pulls_from_[to].push_back(from);
  std::optional<auth::Ed25519PublicKey> pinned;
  if (keys_ == Keys::kPinned) pinned = nodes_[from]->public_key();
  nodes_[to]->AddPeer({site_id(from), absl::StrCat("127.0.0.1:", federation_ports_[from])}, pinned);
}

void MiniCluster::ConnectLine() {
  for (int i = 0; i + 1 < size(); ++i) {
    Connect(i, i + 1);
    Connect(i + 1, i);
  }
}

void MiniCluster::Stop(int i) {
  nodes_[i]->Shutdown(absl::Seconds(1));
  nodes_[i].reset();
}

void MiniCluster::Restart(int i) {
  StartNode(i, ports_[i], federation_ports_[i]);
  if (nodes_[i] != nullptr) Rejoin(i);
}

void MiniCluster::Rejoin(int i) {
  for (int j = 0; j < size() && keys_ == Keys::kPinned; ++j) {
    if (j != i && nodes_[j] != nullptr) nodes_[i]->TrustSite(site_id(j), nodes_[j]->public_key());
  }
  const std::vector<int> pulls_from = std::move(pulls_from_[i]);
  pulls_from_[i].clear();
  for (int from : pulls_from) Connect(i, from);
}

absl::StatusOr<storage::BackupInfo> MiniCluster::Restore(int i, std::optional<uint32_t> backup_id) {
  namespace fs = std::filesystem;
  EXPECT_EQ(nodes_[i], nullptr) << "Restore(" << i << ") of a running node";
  const std::string lost = absl::StrCat(data_dir(i), ".lost");
  fs::remove_all(lost);
  fs::rename(data_dir(i), lost);
  absl::StatusOr<storage::BackupInfo> restored =
      storage::RestoreBackup({.backup_folder = backup_dir(i),
                              .backup_id = backup_id,
                              .data_folder = data_dir(i),
                              .site_id = site_id(i)});
  if (!restored.ok()) {
    fs::rename(lost, data_dir(i));
    return restored;
  }
  for (const char* key : {"node.key", "node.pub"}) {
    fs::copy_file(fs::path(lost) / key, fs::path(data_dir(i)) / key);
  }
  return restored;
}

bool MiniCluster::WaitForConvergence(size_t origins, absl::Duration deadline) {
  const bool converged = WaitFor(
      [&] {
        std::string first;
        for (const auto& node : nodes_) {
          if (node == nullptr) continue;
          if (node->Vector().size() < origins) return false;
          absl::StatusOr<std::string> digest = node->ReplicatedStateDigest();
          if (!digest.ok()) return false;
          if (first.empty()) first = *digest;
          if (*digest != first) return false;
        }
        return true;
      },
      deadline);
  if (!converged) {
    for (int i = 0; i < size(); ++i) {
      if (nodes_[i] == nullptr) continue;
      for (const v1::VersionVectorEntry& e : nodes_[i]->Vector()) {
        ADD_FAILURE() << site_id(i) << " holds " << e.origin().site_id() << " up to " << e.seq();
      }
      for (const federation::PeerStatus& peer : nodes_[i]->PeerStatuses()) {
        ADD_FAILURE() << site_id(i) << " <- " << peer.site_id << " connected " << peer.connected
                      << " received " << peer.entries_received << " error " << peer.last_error;
      }
    }
  }
  return converged;
}

bool MemberVisible(MiniCluster& cluster, int node, const std::string& member_id) {
  auto members = v1::MemberService::NewStub(cluster.channel(node));
  v1::GetMemberRequest request;
  request.set_member_id(member_id);
  v1::Member member;
  return members->GetMember(Context().get(), request, &member).ok();
}

v1::Member RegisterAtDesk(MiniCluster& cluster, int i, const std::string& name) {
  auto members = v1::MemberService::NewStub(cluster.channel(i));
  v1::RegisterMemberRequest request;
  request.set_display_name(name);
  request.set_email(absl::StrCat(name, "@example.org"));
  v1::Member member;
  grpc::Status status = members->RegisterMember(DeskContext(cluster, i).get(), request, &member);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return member;
}

std::string DeskToken(MiniCluster& cluster, int i, const std::string& member_id,
                      const std::vector<v1::TokenScope>& scopes) {
  auto members = v1::MemberService::NewStub(cluster.channel(i));
  v1::IssueTokenRequest issue;
  issue.set_member_id(member_id);
  for (v1::TokenScope scope : scopes) issue.add_scopes(scope);
  v1::IssueTokenResponse issued;
  const grpc::Status status = members->IssueToken(DeskContext(cluster, i).get(), issue, &issued);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return issued.token();
}

void CreateDesks(MiniCluster& cluster, int i, int seats, int64_t visitor_price_minor) {
  auto sites = v1::SiteService::NewStub(cluster.channel(i));
  v1::CreateSpaceRequest create;
  v1::Space* space = create.mutable_space();
  space->set_space_id("desks");
  space->set_display_name("Desks");
  space->set_kind(v1::SPACE_KIND_DESK_POOL);
  space->set_seats(seats);
  space->mutable_price_per_slot()->set_amount_minor(1500);
  if (visitor_price_minor > 0) {
    space->mutable_visitor_price_per_slot()->set_amount_minor(visitor_price_minor);
  }
  v1::Space created;
  grpc::Status status = sites->CreateSpace(DeskContext(cluster, i).get(), create, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

std::unique_ptr<grpc::ClientContext> DeskContext(const MiniCluster& cluster, int i) {
  return Context(cluster.admin_secret(i));
}

}  // namespace cantine::testing
