// A node pulling from a peer that acts in bad faith (tests/support/hostile_peer.h): whatever
// the peer crafts, the node keeps every true entry, takes every origin it can, and reports
// what it refused in GetNetworkStatus.

#include "tests/support/hostile_peer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "storage/clock.h"
#include "storage/oplog.h"
#include "tests/support/origin_writer.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "hostile-peer-test-admin-credential";

std::string MemberId(absl::string_view site, int i) { return absl::StrFormat("%s-%016x", site, i); }

// A registration of member `i` of `home`, as its home site writes it.
std::string Registration(absl::string_view home, int i) {
  v1::MemberChange change;
  change.set_member_id(MemberId(home, i));
  change.set_home_site_id(std::string(home));
  change.set_display_name(absl::StrCat("Member ", i, " of ", home));
  return change.SerializeAsString();
}

v1::PullResponse Response(std::vector<v1::OplogEntry> entries) {
  v1::PullResponse response;
  for (v1::OplogEntry& entry : entries) *response.add_entries() = std::move(entry);
  return response;
}

class HostilePeerTest : public ::testing::Test {
 protected:
  void StartNode() {
    node::NodeOptions options = testing::ParisNodeOptions(dir_, kAdminSecret);
    options.federation_listen_address = "127.0.0.1:0";
    node_ = node::Node::Start(options, &clock_).value();
    node_->TrustSite("rome", rome_.key().PublicKey());
  }

  // The highest contiguous seq the node holds of `site`.
  uint64_t Held(const std::string& site) {
    for (const v1::VersionVectorEntry& entry : node_->Vector()) {
      if (entry.origin().site_id() == site) return entry.seq();
    }
    return 0;
  }

  v1::NetworkStatus NetworkStatus() {
    auto admin = v1::AdminService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", node_->port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminSecret));
    v1::NetworkStatus status;
    EXPECT_TRUE(admin->GetNetworkStatus(&context, {}, &status).ok());
    return status;
  }

  grpc::StatusCode GetMember(const std::string& member_id, v1::Member* member) {
    auto members = v1::MemberService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", node_->port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::GetMemberRequest request;
    request.set_member_id(member_id);
    return members->GetMember(&context, request, member).error_code();
  }

  // What the node relays of `origin_site` to a peer (here: rome) that holds nothing.
  std::vector<v1::OplogEntry> Relayed(const std::string& origin_site, uint64_t count) {
    auto federation = v1::FederationService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", node_->federation_port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::PullRequest request;
    request.set_site_id("rome");
    auto reader = federation->Pull(&context, request);
    std::vector<v1::OplogEntry> relayed;
    v1::PullResponse response;
    while (relayed.size() < count && reader->Read(&response)) {
      for (const v1::OplogEntry& entry : response.entries()) {
        if (entry.origin().site_id() == origin_site) relayed.push_back(entry);
      }
    }
    context.TryCancel();
    reader->Finish();
    return relayed;
  }

  const int64_t now_micros_ = absl::ToUnixMicros(absl::Now());
  testing::OriginWriter lyon_{"lyon", 1, auth::Ed25519PrivateKey::Generate(), now_micros_};
  testing::OriginWriter rome_{"rome", 1, auth::Ed25519PrivateKey::Generate(), now_micros_};
  testing::OriginWriter ghost_{"ghost", 1, auth::Ed25519PrivateKey::Generate(), now_micros_};
  testing::TempDir dir_;
  storage::SystemClock clock_;
  std::unique_ptr<node::Node> node_;
};

TEST_F(HostilePeerTest, KeepsEveryTrueEntryAndReplicatesOnPastWhatItRefuses) {
  // An origin nobody knows, first: it must not starve the others.
  std::vector<v1::OplogEntry> ghost;
  for (int i = 1; i <= 3; ++i)
    ghost.push_back(ghost_.Next(v1::ENTRY_KIND_MEMBER, Registration("ghost", i)));
  // lyon's own entries, tampered with on the way: a forged signature in the middle of the
  // batch, a true entry flagged rejected, and an invalid entry (a member of another home)
  // flagged accepted.
  std::vector<v1::OplogEntry> lyon;
  for (int i = 1; i <= 5; ++i) {
    lyon.push_back(lyon_.Next(v1::ENTRY_KIND_MEMBER, Registration(i == 4 ? "rome" : "lyon", i)));
  }
  lyon[1].set_signature(std::string(64, 'x'));
  lyon[2].set_rejected(true);
  // rome, relayed with an oversized second entry: rome is held after its first.
  std::vector<v1::OplogEntry> rome = {
      rome_.Next(v1::ENTRY_KIND_MEMBER, Registration("rome", 1)),
      rome_.Next(v1::ENTRY_KIND_MEMBER, std::string(storage::Oplog::kMaxPayloadBytes + 1, 'x'))};
  // And lyon goes on afterwards, on the same stream.
  std::vector<v1::OplogEntry> lyon_later = {
      lyon_.Next(v1::ENTRY_KIND_MEMBER, Registration("lyon", 6))};

  testing::HostilePeer peer(
      {Response(ghost), Response(lyon), Response(rome), Response(lyon_later)});
  StartNode();
  node_->AddPeer({"lyon", absl::StrCat("127.0.0.1:", peer.port())}, lyon_.key().PublicKey());

  ASSERT_TRUE(testing::WaitFor([&] { return Held("lyon") == 6 && Held("rome") == 1; }))
      << "lyon " << Held("lyon") << ", rome " << Held("rome");
  EXPECT_EQ(Held("ghost"), 0u);

  // Every true entry applied, whatever the wire said; the invalid one by the node's verdict.
  for (int i : {1, 2, 3, 5, 6}) {
    v1::Member member;
    EXPECT_EQ(GetMember(MemberId("lyon", i), &member), grpc::StatusCode::OK) << i;
    EXPECT_EQ(member.display_name(), absl::StrCat("Member ", i, " of lyon"));
  }
  v1::Member member;
  EXPECT_EQ(GetMember(MemberId("rome", 4), &member), grpc::StatusCode::NOT_FOUND);

  // What it relays: no flag of its own, and only signatures that verify.
  std::vector<v1::OplogEntry> relayed = Relayed("lyon", 6);
  ASSERT_EQ(relayed.size(), 6u);
  std::string chain(32, '\0');
  for (const v1::OplogEntry& entry : relayed) {
    chain = storage::Oplog::ChainHash(chain, entry);
    EXPECT_FALSE(entry.rejected()) << entry.seq();
    if (!entry.signature().empty()) {
      EXPECT_TRUE(lyon_.key().PublicKey().Verify(chain, entry.signature())) << entry.seq();
    }
  }
  EXPECT_FALSE(relayed.back().signature().empty());

  // What it refused and holds, in the network status.
  const v1::NetworkStatus status = NetworkStatus();
  ASSERT_EQ(status.peers_size(), 1);
  const v1::PeerLink& link = status.peers(0);
  EXPECT_GE(link.entries_refused(), 1u);  // rome's oversized entry.
  std::map<std::string, v1::HoldReason> held;
  for (const v1::HeldOrigin& origin : link.held_origins()) {
    held[origin.origin().site_id()] = origin.reason();
  }
  EXPECT_EQ(held["ghost"], v1::HOLD_REASON_UNKNOWN_SITE);
  EXPECT_EQ(held["rome"], v1::HOLD_REASON_OVERSIZED);
  EXPECT_FALSE(held.contains("lyon"));
}

TEST_F(HostilePeerTest, AHeldOriginIsAskedForAgainWithoutStoppingTheOthers) {
  // ghost's entries first on every stream; lyon's behind them.
  std::vector<v1::OplogEntry> ghost = {
      ghost_.Next(v1::ENTRY_KIND_MEMBER, Registration("ghost", 1))};
  std::vector<v1::OplogEntry> lyon = {lyon_.Next(v1::ENTRY_KIND_MEMBER, Registration("lyon", 1))};
  testing::HostilePeer peer({Response(ghost), Response(lyon)});
  StartNode();
  node_->AddPeer({"lyon", absl::StrCat("127.0.0.1:", peer.port())}, lyon_.key().PublicKey());
  ASSERT_TRUE(testing::WaitFor([&] { return Held("lyon") == 1; }));

  // Once ghost's site is known, the held origin is asked for again and flows.
  node_->TrustSite("ghost", ghost_.key().PublicKey());
  ASSERT_TRUE(testing::WaitFor([&] { return Held("ghost") == 1; }, absl::Seconds(20)));
  EXPECT_GE(peer.pulls(), 2);
  // The later stream asked from the vector: lyon's entry was not asked for again.
  const v1::PullRequest last = peer.last_request();
  for (const v1::VersionVectorEntry& have : last.have()) {
    if (have.origin().site_id() == "lyon") {
      EXPECT_EQ(have.seq(), 1u);
    }
  }
}

}  // namespace
}  // namespace cantine
