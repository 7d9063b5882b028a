// Replication between in-process nodes over loopback.

#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/files/private_files.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using testing::Context;
using testing::DeskContext;
using testing::MemberVisible;
using testing::MiniCluster;

// Registered by node's desk.
v1::Member Register(MiniCluster& cluster, int node, const std::string& name) {
  return testing::RegisterAtDesk(cluster, node, name);
}

TEST(FederationTest, FiveNodesInALineConvergeThroughRelay) {
  // The event is dated by the cluster's clock, a fortnight before it, whatever today is.
  absl::TimeZone paris;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  testing::FakeClock clock(absl::FromCivil(absl::CivilSecond(2030, 5, 31, 9, 0, 0), paris));
  MiniCluster cluster(5, &clock);
  cluster.ConnectLine();
  const v1::Member ada = Register(cluster, 0, "ada");
  const v1::Member eve = Register(cluster, 4, "eve");

  auto events = v1::EventService::NewStub(cluster.channel(2));
  v1::AnnounceEventRequest announce;
  announce.set_title("Apero du futur");
  announce.add_tags("apero");
  for (v1::CivilDateTime* t : {announce.mutable_start(), announce.mutable_end()}) {
    t->set_year(2030);
    t->set_month(6);
    t->set_day(14);
  }
  announce.mutable_start()->set_hours(19);
  announce.mutable_end()->set_hours(22);
  announce.set_capacity(80);
  v1::Event event;
  grpc::Status announced = events->AnnounceEvent(DeskContext(cluster, 2).get(), announce, &event);
  ASSERT_TRUE(announced.ok()) << announced.error_message();

  ASSERT_TRUE(cluster.WaitForConvergence(5));
  EXPECT_TRUE(MemberVisible(cluster, 4, ada.member_id()));
  EXPECT_TRUE(MemberVisible(cluster, 0, eve.member_id()));

  // The event and the whole directory are listed at the far end of the line.
  auto far_events = v1::EventService::NewStub(cluster.channel(0));
  v1::ListEventsRequest by_tag;
  by_tag.set_tag("apero");
  v1::ListEventsResponse listed;
  ASSERT_TRUE(far_events->ListEvents(Context().get(), by_tag, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).host_site_id(), "site-c");
  auto sites = v1::SiteService::NewStub(cluster.channel(4));
  v1::ListSitesResponse directory;
  ASSERT_TRUE(sites->ListSites(Context().get(), {}, &directory).ok());
  EXPECT_EQ(directory.sites_size(), 5);
}

TEST(FederationTest, ANodeThatLostItsDataCatchesUpAgainFromPeersThatSawItBefore) {
  MiniCluster cluster(3);
  for (int to = 0; to < 3; ++to) {
    for (int from = 0; from < 3; ++from) {
      if (to != from) cluster.Connect(to, from);
    }
  }
  for (int i = 0; i < 20; ++i) Register(cluster, i % 3, absl::StrCat("member", i));
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  // The peers heard site-c report everything; its database is then lost (its signing key,
  // kept apart in production, survives).
  cluster.Stop(2);
  const std::string key_file = cluster.data_dir(2) + "/node.key";
  std::ifstream in(key_file);
  const std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  std::filesystem::remove_all(cluster.data_dir(2));
  ASSERT_TRUE(files::MakePrivateFolder("data folder", cluster.data_dir(2)).ok());
  testing::WritePrivateFile(key_file, key);
  cluster.Restart(2);
  // A new incarnation of site-c, which must be sent everything again, its own old entries
  // included: what its peers heard from the old one is not news about the new one.
  EXPECT_TRUE(cluster.WaitForConvergence(4));
}

TEST(FederationTest, AStoppedNodeCatchesUpAfterRestartWithNoNewTraffic) {
  MiniCluster cluster(3);
  cluster.ConnectLine();
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  cluster.Stop(2);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(Register(cluster, 0, absl::StrCat("m", i)).member_id());
  cluster.Restart(2);
  // Nothing is written after the restart: the node must pull what it missed by itself.
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  for (const std::string& id : ids) EXPECT_TRUE(MemberVisible(cluster, 2, id));
}

TEST(FederationTest, ProfileUpdatesAndErasureReplicateWithoutPersonalData) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  const v1::Member ada = Register(cluster, 0, "ada");
  auto members = v1::MemberService::NewStub(cluster.channel(0));
  v1::UpdateMemberRequest update;
  update.set_member_id(ada.member_id());
  update.set_bio("Builds analytical engines");
  // Shown network-wide, so that it replicates (a field not shown stays at the home site).
  update.mutable_network_visible_fields()->add_fields(v1::PROFILE_FIELD_BIO);
  v1::Member updated;
  ASSERT_TRUE(members->UpdateMember(DeskContext(cluster, 0).get(), update, &updated).ok());
  ASSERT_TRUE(cluster.WaitForConvergence(2));

  // The other node holds the profile but does not own it.
  auto remote = v1::MemberService::NewStub(cluster.channel(1));
  v1::GetMemberRequest get;
  get.set_member_id(ada.member_id());
  v1::Member replica;
  ASSERT_TRUE(remote->GetMember(Context().get(), get, &replica).ok());
  EXPECT_EQ(replica.bio(), "Builds analytical engines");
  EXPECT_EQ(remote->UpdateMember(DeskContext(cluster, 1).get(), update, &updated).error_code(),
            grpc::FAILED_PRECONDITION);

  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id());
  ASSERT_TRUE(members->EraseMember(DeskContext(cluster, 0).get(), erase, &updated).ok());
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  ASSERT_TRUE(remote->GetMember(Context().get(), get, &replica).ok());
  EXPECT_TRUE(replica.erased());
  EXPECT_TRUE(replica.display_name().empty());
  EXPECT_TRUE(replica.email().empty());
  EXPECT_TRUE(replica.bio().empty());
}

TEST(FederationTest, PullFromAnUnknownSiteOrWithAMalformedVectorIsRefused) {
  MiniCluster cluster(1);
  auto federation =
      v1::FederationService::NewStub(testing::LoopbackChannel(cluster.node(0).federation_port()));
  v1::PullRequest request;
  request.set_site_id("intruder");
  v1::PullResponse response;
  auto first_context = Context();
  auto reader = federation->Pull(first_context.get(), request);
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::PERMISSION_DENIED);

  request.set_site_id("site-a");
  request.add_have()->mutable_origin()->set_site_id("Not A Slug");
  auto context = Context();
  auto malformed = federation->Pull(context.get(), request);
  EXPECT_FALSE(malformed->Read(&response));
  EXPECT_EQ(malformed->Finish().error_code(), grpc::INVALID_ARGUMENT);
}

TEST(FederationTest, NetworkStatusShowsOriginsAndPeerLinks) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  Register(cluster, 0, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  auto admin = v1::AdminService::NewStub(cluster.channel(1));
  v1::NetworkStatus status;
  EXPECT_EQ(admin->GetNetworkStatus(Context().get(), {}, &status).error_code(),
            grpc::UNAUTHENTICATED);
  ASSERT_TRUE(admin->GetNetworkStatus(DeskContext(cluster, 1).get(), {}, &status).ok());
  EXPECT_EQ(status.site_id(), "site-b");
  ASSERT_EQ(status.origins_size(), 2);
  EXPECT_EQ(status.origins(0).origin().site_id(), "site-a");
  EXPECT_EQ(status.origins(0).seq(), 2u);  // Its directory entry and the member.
  ASSERT_EQ(status.peers_size(), 1);
  EXPECT_EQ(status.peers(0).site_id(), "site-a");
  EXPECT_TRUE(testing::WaitFor([&] {
    v1::NetworkStatus now;
    return admin->GetNetworkStatus(DeskContext(cluster, 1).get(), {}, &now).ok() &&
           now.peers(0).connected() && now.peers(0).has_last_contact() &&
           now.peers(0).entries_behind() == 0;
  }));
  // site-a received only site-b's own entry (its directory entry): none of its own came
  // back to it.
  auto admin_a = v1::AdminService::NewStub(cluster.channel(0));
  v1::NetworkStatus status_a;
  ASSERT_TRUE(admin_a->GetNetworkStatus(DeskContext(cluster, 0).get(), {}, &status_a).ok());
  ASSERT_EQ(status_a.peers_size(), 1);
  EXPECT_EQ(status_a.peers(0).entries_received(), 1u);
}

TEST(FederationTest, MemberTokensIssuedAtHomeVerifyAtAnotherSiteWhileHomeIsDown) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  const v1::Member ada = Register(cluster, 0, "ada");
  const v1::Member bob = Register(cluster, 0, "bob");
  auto home = v1::MemberService::NewStub(cluster.channel(0));
  v1::IssueTokenRequest request;
  request.set_member_id(ada.member_id());
  request.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);  // The scope that refreshes.
  v1::IssueTokenResponse issued;
  EXPECT_EQ(home->IssueToken(Context().get(), request, &issued).error_code(),
            grpc::UNAUTHENTICATED);
  ASSERT_TRUE(home->IssueToken(DeskContext(cluster, 0).get(), request, &issued).ok());

  // A refresh with the member's own token; not with another member's.
  auto with_token = [](const std::string& token) {
    auto context = Context();
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  };
  v1::IssueTokenResponse refreshed;
  ASSERT_TRUE(home->IssueToken(with_token(issued.token()).get(), request, &refreshed).ok());
  v1::IssueTokenRequest for_bob = request;
  for_bob.set_member_id(bob.member_id());
  EXPECT_EQ(home->IssueToken(with_token(issued.token()).get(), for_bob, &refreshed).error_code(),
            grpc::PERMISSION_DENIED);
  std::string tampered = issued.token();
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(home->IssueToken(with_token(tampered).get(), request, &refreshed).error_code(),
            grpc::UNAUTHENTICATED);

  // With the home site down, the other site still verifies the token with the replicated
  // directory key: it gets past authentication and only refuses to issue for a non-home
  // member.
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  cluster.Stop(0);
  auto away = v1::MemberService::NewStub(cluster.channel(1));
  EXPECT_EQ(away->IssueToken(with_token(issued.token()).get(), request, &refreshed).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(away->IssueToken(with_token(tampered).get(), request, &refreshed).error_code(),
            grpc::UNAUTHENTICATED);
}

TEST(FederationTest, AVisitorFromAnotherSitePaysTheVenuesVisitorPrice) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  ASSERT_NO_FATAL_FAILURE(testing::CreateDesks(cluster, 0, 10, /*visitor_price_minor=*/2000));
  auto sites = v1::SiteService::NewStub(cluster.channel(0));
  v1::GetSpaceRequest get;
  get.set_space_id("desks");
  v1::Space created;
  ASSERT_TRUE(sites->GetSpace(Context().get(), get, &created).ok());
  EXPECT_EQ(created.visitor_price_per_slot().amount_minor(), 2000);

  const v1::Member local = Register(cluster, 0, "local");
  const v1::Member visitor = Register(cluster, 1, "visitor");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  auto bookings = v1::BookingService::NewStub(cluster.channel(0));
  // A weekday a week ahead at the venue: open, within the horizon.
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
  auto book = [&](const v1::Member& member) {
    v1::CreateBookingRequest request;
    request.set_space_id("desks");
    request.set_member_id(member.member_id());
    for (v1::CivilDateTime* t : {request.mutable_start(), request.mutable_end()}) {
      t->set_year(static_cast<int32_t>(day.year()));
      t->set_month(day.month());
      t->set_day(day.day());
    }
    request.mutable_start()->set_hours(9);
    request.mutable_end()->set_hours(13);
    request.set_seats(1);
    request.set_idempotency_key(member.member_id());
    v1::Booking booking;
    grpc::Status status = bookings->CreateBooking(DeskContext(cluster, 0).get(), request, &booking);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return booking;
  };
  const v1::Booking local_booking = book(local);
  const v1::Booking visitor_booking = book(visitor);
  EXPECT_EQ(local_booking.price().amount_minor(), 1500);
  EXPECT_EQ(visitor_booking.price().amount_minor(), 2000);
}

}  // namespace
}  // namespace cantine
