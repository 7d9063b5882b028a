// The signed site directory across in-process nodes: a change the network admin signs,
// taken in at any node, reaches every node; a suspension cuts a site off everywhere.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/federation/peer_choice.h"
#include "services/node/join_bundle.h"
#include "services/node/node.h"
#include "services/node/node_options.h"
#include "services/site/directory_change.h"
#include "storage/clock.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

using testing::Context;
using testing::MiniCluster;

// The seq `vector` holds of `site_id`'s origin, 0 when none.
uint64_t SeqOf(const std::vector<v1::VersionVectorEntry>& vector, const std::string& site_id) {
  for (const v1::VersionVectorEntry& head : vector) {
    if (head.origin().site_id() == site_id) return head.seq();
  }
  return 0;
}

// The site ids of the peers node i pulls from, space-separated, by site id.
std::string PeersOf(MiniCluster& cluster, int i) {
  auto admin = v1::AdminService::NewStub(cluster.channel(i));
  v1::NetworkStatus status;
  const grpc::Status called =
      admin->GetNetworkStatus(testing::DeskContext(cluster, i).get(), {}, &status);
  if (!called.ok()) return absl::StrCat("error: ", called.error_message());
  std::vector<std::string> peers;
  for (const v1::PeerLink& peer : status.peers()) peers.push_back(peer.site_id());
  return absl::StrJoin(peers, " ");
}

// The changes node i lists, by site id: "site-b@2" for version 2 of site-b.
std::string ListedAt(MiniCluster& cluster, int i) {
  auto admin = v1::AdminService::NewStub(cluster.channel(i));
  v1::ListDirectoryChangesResponse listed;
  const grpc::Status status = admin->ListDirectoryChanges(Context().get(), {}, &listed);
  if (!status.ok()) return absl::StrCat("error: ", status.error_message());
  std::string sites;
  for (const v1::SignedDirectoryChange& signed_change : listed.signed_changes()) {
    v1::DirectoryChange change;
    change.ParseFromString(signed_change.change());
    absl::StrAppend(&sites, sites.empty() ? "" : " ", change.site_id(), "@", change.version());
  }
  return sites;
}

TEST(DirectoryTest, AChangeTakenAtOneNodeReachesEveryNodeAndAForgeryNone) {
  MiniCluster cluster(3);
  cluster.ConnectLine();
  const v1::DirectoryChange added = site::AddSiteChange(cluster.Listing(2), absl::Now());

  // Signed by another key, it is refused, and nothing is listed.
  auto admin_a = v1::AdminService::NewStub(cluster.channel(0));
  v1::AddSiteRequest forged;
  *forged.mutable_signed_change() =
      site::SignDirectoryChange(added, auth::Ed25519PrivateKey::Generate());
  v1::DirectoryChange answer;
  EXPECT_EQ(admin_a->AddSite(Context().get(), forged, &answer).error_code(), grpc::UNAUTHENTICATED);

  v1::AddSiteRequest request;
  *request.mutable_signed_change() = site::SignDirectoryChange(added, cluster.network_admin_key());
  ASSERT_TRUE(admin_a->AddSite(Context().get(), request, &answer).ok());
  EXPECT_EQ(answer.listing().status(), v1::SITE_STATUS_ACTIVE);
  // Through the middle node, by relay.
  EXPECT_TRUE(testing::WaitFor([&] { return ListedAt(cluster, 2) == "site-c@1"; }))
      << ListedAt(cluster, 2);
  EXPECT_EQ(ListedAt(cluster, 1), "site-c@1");
  auto sites = v1::SiteService::NewStub(cluster.channel(1));
  v1::ListSitesResponse listed;
  ASSERT_TRUE(sites->ListSites(Context().get(), {}, &listed).ok());
  bool found = false;
  for (const v1::Site& site : listed.sites()) found |= site.site_id() == "site-c";
  EXPECT_TRUE(found);

  // The same addition sent again, to another node, changes nothing.
  auto admin_b = v1::AdminService::NewStub(cluster.channel(1));
  EXPECT_EQ(admin_b->AddSite(Context().get(), request, &answer).error_code(),
            grpc::FAILED_PRECONDITION);
  ASSERT_TRUE(cluster.WaitForConvergence(3));
}

TEST(DirectoryTest, ASuspendedSiteIsRefusedEverywhereUntilReinstated) {
  MiniCluster cluster(3);
  for (int to = 0; to < 3; ++to) {
    for (int from = 0; from < 3; ++from) {
      if (to != from) cluster.Connect(to, from);
    }
  }
  // A member of site-b, with a token its home signed.
  const v1::Member ada = testing::RegisterAtDesk(cluster, 1, "ada");
  auto home = v1::MemberService::NewStub(cluster.channel(1));
  v1::IssueTokenRequest issue;
  issue.set_member_id(ada.member_id());
  issue.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  v1::IssueTokenResponse issued;
  ASSERT_TRUE(home->IssueToken(testing::DeskContext(cluster, 1).get(), issue, &issued).ok());
  // site-c verifies it (and then refuses to issue for a member not its own).
  auto away = v1::MemberService::NewStub(cluster.channel(2));
  const auto verdict_at_c = [&] {
    v1::IssueTokenResponse refreshed;
    return away->IssueToken(Context(issued.token()).get(), issue, &refreshed).error_code();
  };
  ASSERT_TRUE(testing::WaitFor([&] { return verdict_at_c() == grpc::FAILED_PRECONDITION; }));

  auto admin_a = v1::AdminService::NewStub(cluster.channel(0));
  const v1::DirectoryChange added = site::AddSiteChange(cluster.Listing(1), absl::Now());
  v1::AddSiteRequest add;
  *add.mutable_signed_change() = site::SignDirectoryChange(added, cluster.network_admin_key());
  v1::DirectoryChange answer;
  ASSERT_TRUE(admin_a->AddSite(Context().get(), add, &answer).ok());
  const v1::DirectoryChange suspended =
      site::StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, absl::Now()).value();
  v1::SuspendSiteRequest suspend;
  *suspend.mutable_signed_change() =
      site::SignDirectoryChange(suspended, cluster.network_admin_key());
  ASSERT_TRUE(admin_a->SuspendSite(Context().get(), suspend, &answer).ok());

  // Every other node refuses the site's member tokens and its calls on the federation port,
  // and stops pulling from it.
  EXPECT_TRUE(testing::WaitFor([&] { return verdict_at_c() == grpc::PERMISSION_DENIED; }));
  EXPECT_TRUE(testing::WaitFor([&] { return PeersOf(cluster, 0) == "site-c"; }))
      << PeersOf(cluster, 0);
  EXPECT_TRUE(testing::WaitFor([&] { return PeersOf(cluster, 2) == "site-a"; }))
      << PeersOf(cluster, 2);
  for (int node : {0, 2}) {
    auto federation = v1::FederationService::NewStub(
        testing::LoopbackChannel(cluster.node(node).federation_port()));
    v1::PullRequest pull;
    pull.set_site_id("site-b");
    auto context = Context();
    auto reader = federation->Pull(context.get(), pull);
    v1::PullResponse response;
    EXPECT_FALSE(reader->Read(&response));
    const grpc::Status refused = reader->Finish();
    EXPECT_EQ(refused.error_code(), grpc::PERMISSION_DENIED) << node;
    EXPECT_EQ(refused.error_message(), "site 'site-b' is suspended in the directory") << node;
  }

  // Reinstated at another node, it is taken back everywhere.
  const v1::DirectoryChange reinstated =
      site::StatusChange(suspended, v1::DIRECTORY_ACTION_REINSTATE_SITE, absl::Now()).value();
  v1::ReinstateSiteRequest reinstate;
  *reinstate.mutable_signed_change() =
      site::SignDirectoryChange(reinstated, cluster.network_admin_key());
  auto admin_c = v1::AdminService::NewStub(cluster.channel(2));
  ASSERT_TRUE(admin_c->ReinstateSite(Context().get(), reinstate, &answer).ok());
  EXPECT_TRUE(testing::WaitFor([&] { return verdict_at_c() == grpc::FAILED_PRECONDITION; }));
  EXPECT_TRUE(testing::WaitFor([&] { return ListedAt(cluster, 0) == "site-b@3"; }));
  EXPECT_TRUE(testing::WaitFor([&] { return PeersOf(cluster, 0) == "site-b site-c"; }))
      << PeersOf(cluster, 0);
}

TEST(DirectoryTest, EachNodePullsFromTheFanOutOfListedSitesItChooses) {
  constexpr int kSites = 6;
  MiniCluster cluster(kSites, nullptr, MiniCluster::Keys::kDirectory);
  cluster.ListEverySite(0);
  // Only the star through site-a is configured; the directory it spreads does the rest.
  for (int i = 1; i < kSites; ++i) cluster.Connect(i, 0);
  std::vector<federation::ListedSite> sites;
  for (int i = 0; i < kSites; ++i) {
    sites.push_back({cluster.site_id(i), cluster.Listing(i).federation_endpoint(), true});
  }
  for (int i = 0; i < kSites; ++i) {
    std::vector<std::string> expected;
    if (i != 0) expected.push_back("site-a");
    for (const federation::PeerOptions& chosen :
         federation::LinkedPeers(cluster.site_id(i), sites, node::kDefaultPeerFanOut)) {
      if (chosen.site_id != "site-a") expected.push_back(chosen.site_id);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_TRUE(testing::WaitFor([&] {
      return PeersOf(cluster, i) == absl::StrJoin(expected, " ");
    })) << cluster.site_id(i)
        << " pulls from " << PeersOf(cluster, i);
  }
  for (int i = 0; i < kSites; ++i) testing::RegisterAtDesk(cluster, i, absl::StrCat("m", i));
  EXPECT_TRUE(cluster.WaitForConvergence(kSites));
}

TEST(DirectoryTest, NodesWithoutPinnedKeysTrustEachOtherThroughTheSignedDirectory) {
  MiniCluster cluster(3, nullptr, MiniCluster::Keys::kDirectory);
  // Listed at one end of the line only: the others learn the directory when their streams
  // open, before the entries it vouches for.
  cluster.ListEverySite(0);
  cluster.ConnectLine();
  testing::RegisterAtDesk(cluster, 2, "ada");
  testing::RegisterAtDesk(cluster, 0, "bob");
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  // A restarted node trusts the keys it stored, with no peer to tell it again.
  cluster.Stop(1);
  cluster.Restart(1);
  testing::RegisterAtDesk(cluster, 1, "eve");
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  for (int node = 0; node < 3; ++node) {
    auto admin = v1::AdminService::NewStub(cluster.channel(node));
    v1::NetworkStatus status;
    ASSERT_TRUE(
        admin->GetNetworkStatus(testing::DeskContext(cluster, node).get(), {}, &status).ok());
    for (const v1::PeerLink& peer : status.peers()) {
      EXPECT_EQ(peer.entries_refused(), 0u) << cluster.site_id(node) << " from " << peer.site_id();
      EXPECT_EQ(peer.held_origins_size(), 0) << cluster.site_id(node) << " from " << peer.site_id();
    }
  }
}

TEST(DirectoryTest, WithoutTheDirectoryAnUnpinnedPeerIsRefused) {
  MiniCluster cluster(2, nullptr, MiniCluster::Keys::kDirectory);
  cluster.ConnectLine();
  testing::RegisterAtDesk(cluster, 0, "ada");
  // Neither knows the other: each refuses the other's pulls, and nothing replicates.
  auto admin = v1::AdminService::NewStub(cluster.channel(1));
  EXPECT_TRUE(testing::WaitFor([&] {
    v1::NetworkStatus status;
    return admin->GetNetworkStatus(testing::DeskContext(cluster, 1).get(), {}, &status).ok() &&
           status.peers_size() == 1 &&
           status.peers(0).last_error().find("not a known peer") != std::string::npos;
  }));
  // Once the admin lists both, at either node, they converge.
  cluster.ListEverySite(1);
  EXPECT_TRUE(cluster.WaitForConvergence(2));
}

TEST(DirectoryTest, ANewSiteJoinsFromABundleAndFinishesFromAnotherSeed) {
  MiniCluster cluster(2, nullptr, MiniCluster::Keys::kDirectory);
  cluster.ListEverySite(0);
  cluster.ConnectLine();
  for (int i = 0; i < 20; ++i) testing::RegisterAtDesk(cluster, i % 2, absl::StrCat("m", i));
  ASSERT_TRUE(cluster.WaitForConvergence(2));

  // The new site makes its own key; the admin lists it, at either node, and makes its bundle.
  testing::TempDir dir;
  const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  testing::WritePrivateFile(dir.Sub("lyon.key"), key.ToPem());
  testing::WritePrivateFile(dir.Sub("admin"), "lyon-desk-credential\n");
  v1::SiteListing listing = cluster.Listing(0);
  listing.mutable_site()->set_site_id("lyon");
  listing.mutable_site()->set_display_name("La Cantine Lyon");
  listing.set_public_endpoint(absl::StrCat("127.0.0.1:", testing::UnusedLoopbackPort()));
  listing.set_federation_endpoint(absl::StrCat("127.0.0.1:", testing::UnusedLoopbackPort()));
  listing.set_entry_public_key(key.PublicKey().Raw());
  listing.set_token_public_key(key.PublicKey().Raw());
  config::v1::JoinBundle bundle;
  *bundle.mutable_listing() = site::SignDirectoryChange(site::AddSiteChange(listing, absl::Now()),
                                                        cluster.network_admin_key());
  auto admin_b = v1::AdminService::NewStub(cluster.channel(1));
  v1::AddSiteRequest add;
  *add.mutable_signed_change() = bundle.listing();
  v1::DirectoryChange added;
  ASSERT_TRUE(admin_b->AddSite(Context().get(), add, &added).ok());
  v1::ListDirectoryChangesResponse directory;
  ASSERT_TRUE(admin_b->ListDirectoryChanges(Context().get(), {}, &directory).ok());
  *bundle.mutable_directory() = directory.signed_changes();
  bundle.set_admin_public_key_pem(cluster.network_admin_key().PublicKey().ToPem());
  for (int i = 0; i < 2; ++i) {
    config::v1::Peer* seed = bundle.add_seeds();
    seed->set_site_id(cluster.site_id(i));
    seed->set_address(cluster.Listing(i).federation_endpoint());
  }

  // Its config names only its files: identity, endpoints, seeds and keys come from the bundle.
  config::v1::NodeConfig config;
  config.set_data_dir(dir.Sub("data"));
  config.set_admin_credential_file(dir.Sub("admin"));
  config.set_signing_key_file(dir.Sub("lyon.key"));
  config.set_insecure(true);
  config.mutable_drain_timeout()->set_seconds(1);
  absl::StatusOr<config::v1::NodeConfig> joined = node::JoinConfig(bundle, config);
  ASSERT_TRUE(joined.ok()) << joined.status();
  absl::StatusOr<node::NodeOptions> options = node::NodeOptionsFromConfig(*joined, &bundle);
  ASSERT_TRUE(options.ok()) << options.status();
  storage::SystemClock clock;
  absl::StatusOr<std::unique_ptr<node::Node>> lyon = node::Node::Start(*options, &clock);
  ASSERT_TRUE(lyon.ok()) << lyon.status();

  // One seed dies at once: the node finishes from the other.
  cluster.Stop(0);
  const auto caught_up = [&] {
    const std::vector<v1::VersionVectorEntry> held = (*lyon)->Vector();
    const std::vector<v1::VersionVectorEntry> at_b = cluster.node(1).Vector();
    return SeqOf(held, "site-a") == SeqOf(at_b, "site-a") &&
           SeqOf(held, "site-b") == SeqOf(at_b, "site-b") && SeqOf(at_b, "lyon") > 0;
  };
  EXPECT_TRUE(testing::WaitFor(caught_up));
  EXPECT_EQ((*lyon)->Vector().size(), 3u);

  // Restarted, it resumes from what it holds, its progress shown in its network status.
  (*lyon)->Shutdown(absl::Seconds(1));
  lyon->reset();
  testing::RegisterAtDesk(cluster, 1, "after-restart");
  lyon = node::Node::Start(*options, &clock);
  ASSERT_TRUE(lyon.ok()) << lyon.status();
  EXPECT_TRUE(testing::WaitFor(caught_up));
  auto admin_lyon = v1::AdminService::NewStub(testing::LoopbackChannel((*lyon)->port()));
  v1::NetworkStatus status;
  auto desk = Context("lyon-desk-credential");
  ASSERT_TRUE(admin_lyon->GetNetworkStatus(desk.get(), {}, &status).ok());
  EXPECT_EQ(SeqOf({status.known().begin(), status.known().end()}, "site-b"),
            SeqOf({status.origins().begin(), status.origins().end()}, "site-b"));
  EXPECT_GT(SeqOf({status.known().begin(), status.known().end()}, "site-b"), 10u);
}

}  // namespace
}  // namespace cantine
