// An in-process node on a loopback port chosen at run time, driven over real gRPC.

#include "services/node/node.h"

#include <fstream>

#include "cantine/v1/site.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/bad_input.h"
#include "tests/support/desk_calls.h"
#include "tests/support/fake_clock.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"

namespace cantine::node {
namespace {

using testing::Context;
using ::testing::HasSubstr;

constexpr char kAdminSecret[] = "test-admin-credential-0123456789";

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = testing::ParisNodeOptions(dir_, kAdminSecret);
    StartNode();
  }

  void StartNode() {
    node_.reset();  // Closes the database a previous node held.
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(options_, &clock_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    channel_ = testing::LoopbackChannel(node_->port());
    site_ = v1::SiteService::NewStub(channel_);
  }

  v1::ListSpacesResponse AllSpaces() {
    v1::ListSpacesRequest request;
    request.set_include_retired(true);
    v1::ListSpacesResponse response;
    EXPECT_TRUE(site_->ListSpaces(Context().get(), request, &response).ok());
    return response;
  }

  v1::CreateSpaceRequest RoomRequest() {
    return testing::MeetingRoomRequest("meeting-room", "Meeting room", 8, 8000);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  NodeOptions options_;
  std::unique_ptr<Node> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SiteService::Stub> site_;
};

TEST_F(NodeTest, ServesHealth) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), {}, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(NodeTest, GetSiteGivesZoneCurrencyAddressAndPolicy) {
  v1::Site site;
  ASSERT_TRUE(site_->GetSite(Context().get(), {}, &site).ok());
  EXPECT_EQ(site.site_id(), "paris");
  EXPECT_EQ(site.time_zone(), "Europe/Paris");
  EXPECT_EQ(site.currency_code(), "EUR");
  EXPECT_EQ(site.street_address(), "151 rue Montmartre");
  ASSERT_EQ(site.policy().half_day_slots_size(), 2);
  EXPECT_EQ(site.policy().half_day_slots(0).start_time().hours(), 9);
  EXPECT_EQ(site.policy().room_block().seconds(), 7200);

  v1::ListSitesResponse sites;
  ASSERT_TRUE(site_->ListSites(Context().get(), {}, &sites).ok());
  ASSERT_EQ(sites.sites_size(), 1);
  EXPECT_EQ(sites.sites(0).site_id(), "paris");
}

TEST_F(NodeTest, ListsAndGetsSeededSpaces) {
  v1::ListSpacesResponse spaces;
  ASSERT_TRUE(site_->ListSpaces(Context().get(), {}, &spaces).ok());
  ASSERT_EQ(spaces.spaces_size(), 1);
  EXPECT_EQ(spaces.spaces(0).space_id(), "coworking");
  EXPECT_EQ(spaces.spaces(0).price_per_slot().currency_code(), "EUR");
  EXPECT_EQ(spaces.spaces(0).price_per_slot().amount_minor(), 1500);

  v1::GetSpaceRequest get;
  get.set_space_id("coworking");
  v1::Space space;
  ASSERT_TRUE(site_->GetSpace(Context().get(), get, &space).ok());
  EXPECT_EQ(space.seats(), 24);
  get.set_space_id("nowhere");
  EXPECT_EQ(site_->GetSpace(Context().get(), get, &space).error_code(), grpc::NOT_FOUND);
  get.set_space_id("Not A Slug");
  EXPECT_EQ(site_->GetSpace(Context().get(), get, &space).error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(NodeTest, ManagerWritesNeedTheAdminCredentialAndWriteNothingWithout) {
  v1::Space space;
  grpc::Status status = site_->CreateSpace(Context().get(), RoomRequest(), &space);
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  status = site_->CreateSpace(Context("wrong-credential").get(), RoomRequest(), &space);
  EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
  auto context = Context();
  context->AddMetadata("authorization", "Basic abc");
  EXPECT_EQ(site_->CreateSpace(context.get(), RoomRequest(), &space).error_code(),
            grpc::UNAUTHENTICATED);
  v1::RetireSpaceRequest retire;
  retire.set_space_id("coworking");
  EXPECT_EQ(site_->RetireSpace(Context().get(), retire, &space).error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_EQ(AllSpaces().spaces_size(), 1);
  EXPECT_EQ(AllSpaces().spaces(0).state(), v1::SPACE_STATE_ACTIVE);
}

TEST_F(NodeTest, BadInputIsInvalidArgumentNamingTheFieldAndWritesNothing) {
  const std::vector<testing::BadInput<v1::CreateSpaceRequest>> cases = {
      {"display_name", [](auto& r) { r.mutable_space()->set_display_name(""); }},
      {"seats", [](auto& r) { r.mutable_space()->set_seats(-3); }},
      {"amount_minor",
       [](auto& r) { r.mutable_space()->mutable_price_per_slot()->set_amount_minor(-1); }},
      {"kind", [](auto& r) { r.mutable_space()->set_kind(v1::SPACE_KIND_UNSPECIFIED); }},
      {"kind", [](auto& r) { r.mutable_space()->set_kind(static_cast<v1::SpaceKind>(42)); }},
      {"currency_code",
       [](auto& r) { r.mutable_space()->mutable_price_per_slot()->set_currency_code("USD"); }},
      {"description", [](auto& r) { r.mutable_space()->set_description(std::string(5000, 'x')); }},
      {"space_id", [](auto& r) { r.mutable_space()->set_space_id(std::string(100, 'a')); }},
      {"space is required", [](auto& r) { r.clear_space(); }},
  };
  testing::ExpectEachRefusedNamingTheField(RoomRequest(), cases, [&](const auto& request) {
    v1::Space space;
    return site_->CreateSpace(Context(kAdminSecret).get(), request, &space);
  });
  EXPECT_EQ(AllSpaces().spaces_size(), 1);

  v1::UpdatePolicyRequest policy;
  policy.mutable_policy()->mutable_opens_at()->set_hours(25);
  v1::SitePolicy result;
  grpc::Status status = site_->UpdatePolicy(Context(kAdminSecret).get(), policy, &result);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("opens_at"));
  v1::Site site;
  ASSERT_TRUE(site_->GetSite(Context().get(), {}, &site).ok());
  EXPECT_EQ(site.policy().opens_at().hours(), 9);
}

TEST_F(NodeTest, BadUpdateOrRetireIsInvalidArgumentNamingTheFieldAndChangesNothing) {
  const v1::ListSpacesResponse before = AllSpaces();
  const std::vector<testing::BadInput<v1::UpdateSpaceRequest>> cases = {
      {"space_id", [](auto& r) { r.set_space_id("Not A Slug"); }},
      {"space_id", [](auto& r) { r.clear_space_id(); }},
      {"display_name", [](auto& r) { r.set_display_name(""); }},
      {"seats", [](auto& r) { r.set_seats(-3); }},
      {"amount_minor", [](auto& r) { r.mutable_price_per_slot()->set_amount_minor(-1); }},
      {"currency_code", [](auto& r) { r.mutable_price_per_slot()->set_currency_code("USD"); }},
      {"description", [](auto& r) { r.set_description(std::string(5000, 'x')); }},
  };
  v1::UpdateSpaceRequest valid;
  valid.set_space_id("coworking");
  valid.set_seats(30);  // Valid on its own: only the spoiled field is wrong.
  testing::ExpectEachRefusedNamingTheField(valid, cases, [&](const auto& request) {
    v1::Space space;
    return site_->UpdateSpace(Context(kAdminSecret).get(), request, &space);
  });

  testing::ExpectEachValueRefusedNaming(
      "space_id", {"", "Not A Slug", "-coworking"}, [&](const std::string& space_id) {
        v1::RetireSpaceRequest retire;
        retire.set_space_id(space_id);
        v1::Space space;
        return site_->RetireSpace(Context(kAdminSecret).get(), retire, &space);
      });
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AllSpaces(), before))
      << AllSpaces().DebugString();
}

TEST_F(NodeTest, CreateUpdateRetireSurviveRestart) {
  v1::Space space;
  ASSERT_TRUE(site_->CreateSpace(Context(kAdminSecret).get(), RoomRequest(), &space).ok());
  EXPECT_EQ(site_->CreateSpace(Context(kAdminSecret).get(), RoomRequest(), &space).error_code(),
            grpc::ALREADY_EXISTS);
  v1::UpdateSpaceRequest update;
  update.set_space_id("coworking");
  update.set_seats(30);
  ASSERT_TRUE(site_->UpdateSpace(Context(kAdminSecret).get(), update, &space).ok());
  EXPECT_EQ(space.seats(), 30);
  v1::RetireSpaceRequest retire;
  retire.set_space_id("meeting-room");
  ASSERT_TRUE(site_->RetireSpace(Context(kAdminSecret).get(), retire, &space).ok());
  EXPECT_EQ(space.state(), v1::SPACE_STATE_RETIRED);

  node_->Shutdown(absl::Seconds(1));
  StartNode();
  v1::ListSpacesResponse spaces = AllSpaces();
  ASSERT_EQ(spaces.spaces_size(), 2);
  EXPECT_EQ(spaces.spaces(0).space_id(), "coworking");
  EXPECT_EQ(spaces.spaces(0).seats(), 30);
  EXPECT_EQ(spaces.spaces(1).state(), v1::SPACE_STATE_RETIRED);
}

TEST_F(NodeTest, SecondNodeOnABusyPortIsRefused) {
  NodeOptions other = options_;
  other.data_dir = dir_.Sub("other");
  other.listen_address = absl::StrCat("127.0.0.1:", node_->port());
  absl::StatusOr<std::unique_ptr<Node>> second = Node::Start(other, &clock_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("cannot listen"));
}

TEST_F(NodeTest, MissingCredentialFileIsRefusedAtStart) {
  node_->Shutdown(absl::Seconds(1));
  NodeOptions other = options_;
  other.admin_credential_file = dir_.Sub("no-such-file");
  absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(other, &clock_);
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("no-such-file"));
}

}  // namespace
}  // namespace cantine::node
