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
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "storage/clock.h"
#include "storage/oplog.h"
#include "tests/support/desk_calls.h"
#include "tests/support/origin_writer.h"
#include "tests/support/rpc_client.h"
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

// Member `i` of `home` registered, as `writer`'s next entry.
v1::OplogEntry Registered(testing::OriginWriter& writer, absl::string_view home, int i) {
  return writer.Next(v1::ENTRY_KIND_MEMBER, Registration(home, i), MemberId(home, i));
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
    auto admin = v1::AdminService::NewStub(testing::LoopbackChannel(node_->port()));
    v1::NetworkStatus status;
    EXPECT_TRUE(admin->GetNetworkStatus(testing::Context(kAdminSecret).get(), {}, &status).ok());
    return status;
  }

  grpc::StatusCode GetMember(const std::string& member_id, v1::Member* member) {
    auto members = v1::MemberService::NewStub(testing::LoopbackChannel(node_->port()));
    v1::GetMemberRequest request;
    request.set_member_id(member_id);
    return members->GetMember(testing::Context().get(), request, member).error_code();
  }

  // A member registered at the node by its desk; its id.
  std::string RegisterAtNode() {
    auto members = v1::MemberService::NewStub(testing::LoopbackChannel(node_->port()));
    absl::StatusOr<v1::Member> member =
        testing::RegisterByDesk(*members, kAdminSecret, "Paul of Paris", "paul@example.org");
    EXPECT_TRUE(member.ok()) << member.status();
    return member.ok() ? member->member_id() : "";
  }

  // A member's itinerary at the node, as its desk reads it.
  v1::ListBookingsResponse Itinerary(const std::string& member_id) {
    auto bookings = v1::BookingService::NewStub(testing::LoopbackChannel(node_->port()));
    v1::ListBookingsRequest request;
    request.set_member_id(member_id);
    v1::ListBookingsResponse response;
    EXPECT_TRUE(
        bookings->ListBookings(testing::Context(kAdminSecret).get(), request, &response).ok());
    return response;
  }

  // What the node relays of `origin_site` to a peer (here: rome) that holds nothing.
  std::vector<v1::OplogEntry> Relayed(const std::string& origin_site, uint64_t count) {
    auto federation =
        v1::FederationService::NewStub(testing::LoopbackChannel(node_->federation_port()));
    grpc::ClientContext context;
    testing::SetDeadline(context);
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
  StartNode();
  const std::string paris_member = RegisterAtNode();
  // An origin nobody knows, first: it must not starve the others.
  std::vector<v1::OplogEntry> ghost;
  for (int i = 1; i <= 3; ++i) ghost.push_back(Registered(ghost_, "ghost", i));
  // lyon's own entries, tampered with on the way: a forged signature in the middle of the
  // batch, a true entry flagged rejected, and an invalid one flagged accepted: lyon writing
  // a member of "lyon-sud", whose id its own prefixes.
  std::vector<v1::OplogEntry> lyon;
  for (int i = 1; i <= 5; ++i) {
    if (i != 4) {
      lyon.push_back(Registered(lyon_, "lyon", i));
      continue;
    }
    v1::MemberChange prefix_collision;
    prefix_collision.set_member_id(MemberId("lyon-sud", 4));
    prefix_collision.set_home_site_id("lyon");
    prefix_collision.set_display_name("Not lyon's to write");
    lyon.push_back(lyon_.Next(v1::ENTRY_KIND_MEMBER, prefix_collision.SerializeAsString(),
                              prefix_collision.member_id()));
  }
  lyon[1].set_signature(std::string(64, 'x'));
  lyon[2].set_rejected(true);
  // rome, relayed with an oversized second entry: rome is held after its first.
  std::vector<v1::OplogEntry> rome = {
      Registered(rome_, "rome", 1),
      rome_.Next(v1::ENTRY_KIND_MEMBER, std::string(storage::Oplog::kMaxPayloadBytes + 1, 'x'))};
  // And lyon goes on afterwards, on the same stream, with a receipt entry, a kind no node
  // takes (receipts go to a member's home, not into the log): a booking at this node's
  // venue (paris) that lyon cannot speak for in any case.
  v1::Booking forged_receipt;
  forged_receipt.set_booking_id("paris-00000000000000f0");
  forged_receipt.set_site_id("paris");
  forged_receipt.set_space_id("coworking");
  forged_receipt.set_member_id(paris_member);
  forged_receipt.set_home_site_id("paris");
  forged_receipt.set_seats(1);
  std::vector<v1::OplogEntry> lyon_later = {
      Registered(lyon_, "lyon", 6),
      lyon_.Next(v1::ENTRY_KIND_BOOKING_RECEIPT, forged_receipt.SerializeAsString())};

  testing::HostilePeer peer(
      {Response(ghost), Response(lyon), Response(rome), Response(lyon_later)});
  node_->AddPeer({"lyon", absl::StrCat("127.0.0.1:", peer.port())}, lyon_.key().PublicKey());

  ASSERT_TRUE(testing::WaitFor([&] { return Held("lyon") == 7 && Held("rome") == 1; }))
      << "lyon " << Held("lyon") << ", rome " << Held("rome");
  EXPECT_EQ(Held("ghost"), 0u);

  // Every true entry applied, whatever the wire said; the invalid one by the node's verdict.
  for (int i : {1, 2, 3, 5, 6}) {
    v1::Member member;
    EXPECT_EQ(GetMember(MemberId("lyon", i), &member), grpc::StatusCode::OK) << i;
    EXPECT_EQ(member.display_name(), absl::StrCat("Member ", i, " of lyon"));
  }
  v1::Member member;
  EXPECT_EQ(GetMember(MemberId("lyon-sud", 4), &member), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Itinerary(paris_member).bookings_size(), 0);

  // What it relays: no flag of its own, and only signatures that verify.
  std::vector<v1::OplogEntry> relayed = Relayed("lyon", 7);
  ASSERT_EQ(relayed.size(), 7u);
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
  std::vector<v1::OplogEntry> ghost = {Registered(ghost_, "ghost", 1)};
  std::vector<v1::OplogEntry> lyon = {Registered(lyon_, "lyon", 1)};
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
