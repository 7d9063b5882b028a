// A node far behind its peers bootstraps from a seed at start (federation/seed_bootstrap.h):
// it takes the seed's history in one stream into memory and loads it in bulk, keeps only
// what verifies, resumes live replication after it, and does not bootstrap again when it is
// not behind. A node that held data of its own before does the same and keeps it.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/files/atomic_file.h"
#include "services/node/node.h"
#include "storage/clock.h"
#include "tests/support/hostile_peer.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/origin_writer.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "bootstrap-test-admin-credential";

uint64_t Held(const node::Node& node, const std::string& site) {
  for (const v1::VersionVectorEntry& entry : node.Vector()) {
    if (entry.origin().site_id() == site) return entry.seq();
  }
  return 0;
}

// Registers `name` at `node`'s desk; its member id.
std::string RegisterAtDesk(const node::Node& node, const std::string& name) {
  auto members = v1::MemberService::NewStub(testing::LoopbackChannel(node.port()));
  v1::RegisterMemberRequest request;
  request.set_display_name(name);
  request.set_email(absl::StrCat(name, "@example.org"));
  v1::Member member;
  const grpc::Status status =
      members->RegisterMember(testing::Context(kAdminSecret).get(), request, &member);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return member.member_id();
}

grpc::StatusCode GetMember(const node::Node& node, const std::string& member_id) {
  auto members = v1::MemberService::NewStub(testing::LoopbackChannel(node.port()));
  v1::GetMemberRequest request;
  request.set_member_id(member_id);
  v1::Member member;
  return members->GetMember(testing::Context().get(), request, &member).error_code();
}

class BootstrapTest : public ::testing::Test {
 protected:
  // Paris's options, pulling from `seed` at `address`, whose entry key is in `seed_key_file`.
  node::NodeOptions ParisPullingFrom(const std::string& seed, const std::string& address,
                                     const std::string& seed_key_file) {
    node::NodeOptions options = testing::ParisNodeOptions(dir_, kAdminSecret);
    options.federation_listen_address = "127.0.0.1:0";
    options.signing_key_file = dir_.Sub("paris.key");
    EXPECT_TRUE(
        files::WriteFileAtomically(options.signing_key_file, paris_key_.ToPem(), 0600).ok());
    options.peers = {{.site_id = seed, .address = address, .public_key_file = seed_key_file}};
    options.bootstrap_min_entries = 50;
    return options;
  }

  const auth::Ed25519PrivateKey paris_key_ = auth::Ed25519PrivateKey::Generate();
  testing::TempDir dir_;
  storage::SystemClock clock_;
};

TEST_F(BootstrapTest, ANodeFarBehindBootstrapsFromItsSeedThenReplicatesLive) {
  testing::MiniCluster cluster(1);
  cluster.node(0).TrustSite("paris", paris_key_.PublicKey());
  std::vector<std::string> members;
  for (int i = 0; i < 60; ++i) {
    members.push_back(testing::RegisterAtDesk(cluster, 0, absl::StrCat("member", i)).member_id());
  }
  const std::string seed = cluster.site_id(0);
  const uint64_t seed_head = Held(cluster.node(0), seed);
  ASSERT_GE(seed_head, 60u);
  const node::NodeOptions options =
      ParisPullingFrom(seed, absl::StrCat("127.0.0.1:", cluster.node(0).federation_port()),
                       cluster.data_dir(0) + "/node.pub");

  {
    std::unique_ptr<node::Node> paris = node::Node::Start(options, &clock_).value();
    ASSERT_EQ(paris->bootstraps().size(), 1u);
    const federation::BootstrapReport& report = paris->bootstraps().front();
    EXPECT_TRUE(report.bootstrapped);
    EXPECT_TRUE(report.stream_status.ok()) << report.stream_status;
    EXPECT_EQ(report.seed_site_id, seed);
    EXPECT_EQ(report.entries_behind, seed_head);
    EXPECT_EQ(report.applied.applied, static_cast<int>(seed_head));
    EXPECT_EQ(report.applied.forged + report.applied.rejected + report.applied.held, 0);
    EXPECT_GE(report.loads, 1);
    // Taken before the node served: every member is there as it starts.
    EXPECT_GE(Held(*paris, seed), seed_head);
    for (const std::string& member : members) EXPECT_EQ(GetMember(*paris, member), grpc::OK);

    // Live replication resumes from where the bootstrap ended.
    const std::string later = testing::RegisterAtDesk(cluster, 0, "later").member_id();
    EXPECT_TRUE(
        testing::WaitFor([&] { return GetMember(*paris, later) == grpc::OK; }, absl::Seconds(20)));
    paris->Shutdown(absl::Seconds(1));
  }

  // Restarted with all of it: nothing to bootstrap, everything kept.
  std::unique_ptr<node::Node> paris = node::Node::Start(options, &clock_).value();
  ASSERT_EQ(paris->bootstraps().size(), 1u);
  EXPECT_FALSE(paris->bootstraps().front().bootstrapped);
  EXPECT_GE(Held(*paris, seed), seed_head + 1);
  for (const std::string& member : members) EXPECT_EQ(GetMember(*paris, member), grpc::OK);
}

// An existing site down while the network wrote: at its next start it takes the backlog in
// bulk, into a store that holds its own writes, and loses none of them.
TEST_F(BootstrapTest, ANodeRestartedFarBehindTakesTheBacklogInBulkAndKeepsItsOwnWrites) {
  testing::MiniCluster cluster(1);
  cluster.node(0).TrustSite("paris", paris_key_.PublicKey());
  const std::string seed = cluster.site_id(0);
  const node::NodeOptions options =
      ParisPullingFrom(seed, absl::StrCat("127.0.0.1:", cluster.node(0).federation_port()),
                       cluster.data_dir(0) + "/node.pub");
  std::vector<std::string> own;
  std::vector<std::string> network;
  uint64_t own_head = 0;
  {
    std::unique_ptr<node::Node> paris = node::Node::Start(options, &clock_).value();
    for (int i = 0; i < 5; ++i) own.push_back(RegisterAtDesk(*paris, absl::StrCat("own", i)));
    network.push_back(testing::RegisterAtDesk(cluster, 0, "before").member_id());
    ASSERT_TRUE(testing::WaitFor([&] { return GetMember(*paris, network.back()) == grpc::OK; },
                                 absl::Seconds(20)));
    own_head = Held(*paris, "paris");
    ASSERT_GE(own_head, own.size());
    paris->Shutdown(absl::Seconds(1));
  }
  // Paris is down: the network goes on writing.
  for (int i = 0; i < 60; ++i) {
    network.push_back(testing::RegisterAtDesk(cluster, 0, absl::StrCat("while", i)).member_id());
  }
  const uint64_t seed_head = Held(cluster.node(0), seed);

  std::unique_ptr<node::Node> paris = node::Node::Start(options, &clock_).value();
  ASSERT_EQ(paris->bootstraps().size(), 1u);
  const federation::BootstrapReport& report = paris->bootstraps().front();
  EXPECT_TRUE(report.bootstrapped);
  EXPECT_TRUE(report.stream_status.ok()) << report.stream_status;
  // Just what it lacked: the entries written while it was down.
  EXPECT_EQ(report.entries_behind, 60u);
  EXPECT_EQ(report.applied.applied, 60);
  EXPECT_EQ(report.applied.forged + report.applied.rejected + report.applied.held, 0);
  EXPECT_EQ(Held(*paris, seed), seed_head);
  // Its own log as it was (a start may add to it).
  const uint64_t own_head_at_start = Held(*paris, "paris");
  EXPECT_GE(own_head_at_start, own_head);
  for (const std::string& member : network) EXPECT_EQ(GetMember(*paris, member), grpc::OK);
  for (const std::string& member : own) EXPECT_EQ(GetMember(*paris, member), grpc::OK);
  // It goes on writing after its own entries, and replicating live.
  const std::string later_own = RegisterAtDesk(*paris, "later-own");
  EXPECT_GT(Held(*paris, "paris"), own_head_at_start);
  EXPECT_EQ(GetMember(*paris, later_own), grpc::OK);
  const std::string later = testing::RegisterAtDesk(cluster, 0, "later").member_id();
  EXPECT_TRUE(
      testing::WaitFor([&] { return GetMember(*paris, later) == grpc::OK; }, absl::Seconds(20)));
}

TEST_F(BootstrapTest, ASeedCannotForgeAndASilentSeedIsLeftAfterItsTimeout) {
  const int64_t now_micros = absl::ToUnixMicros(absl::Now());
  testing::OriginWriter rome("rome", 1, auth::Ed25519PrivateKey::Generate(), now_micros);
  const auto member_id = [](int i) { return absl::StrFormat("rome-%016x", i); };
  std::vector<v1::OplogEntry> entries;
  for (int i = 1; i <= 80; ++i) {
    v1::MemberChange change;
    change.set_member_id(member_id(i));
    change.set_home_site_id("rome");
    change.set_display_name(absl::StrCat("Member ", i, " of rome"));
    entries.push_back(rome.Next(v1::ENTRY_KIND_MEMBER, change.SerializeAsString(), member_id(i)));
  }
  // Entry 71 is altered after it was signed: the chain from it on does not verify.
  v1::MemberChange forged;
  forged.set_member_id(member_id(71));
  forged.set_home_site_id("rome");
  forged.set_display_name("Someone else");
  entries[70].set_payload(forged.SerializeAsString());
  v1::PullResponse response;
  for (const v1::OplogEntry& entry : entries) *response.add_entries() = entry;
  v1::VersionVectorEntry* head = response.add_heads();
  *head->mutable_origin() = rome.origin();
  head->set_seq(80);
  // After its script the peer sends nothing, not even a heartbeat.
  testing::HostilePeer peer({response});
  const std::string rome_key_file = dir_.Sub("rome.pub");
  ASSERT_TRUE(files::WriteFileAtomically(rome_key_file, rome.key().PublicKey().ToPem(), 0600).ok());
  node::NodeOptions options =
      ParisPullingFrom("rome", absl::StrCat("127.0.0.1:", peer.port()), rome_key_file);
  options.bootstrap_silence_timeout = absl::Milliseconds(500);

  std::unique_ptr<node::Node> paris = node::Node::Start(options, &clock_).value();
  ASSERT_EQ(paris->bootstraps().size(), 1u);
  const federation::BootstrapReport& report = paris->bootstraps().front();
  EXPECT_TRUE(report.bootstrapped);
  EXPECT_EQ(report.stream_status.code(), absl::StatusCode::kUnavailable) << report.stream_status;
  EXPECT_EQ(report.applied.applied, 70);
  EXPECT_GE(report.applied.forged, 1);
  // Every true entry before the forgery is kept; nothing from it on.
  EXPECT_EQ(Held(*paris, "rome"), 70u);
  EXPECT_EQ(GetMember(*paris, member_id(70)), grpc::OK);
  EXPECT_EQ(GetMember(*paris, member_id(71)), grpc::NOT_FOUND);
}

}  // namespace
}  // namespace cantine
