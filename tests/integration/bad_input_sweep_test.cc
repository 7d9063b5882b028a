// The bad-input sweep: every unary RPC of every service a node serves (found by reflection,
// so a method added later is swept too) is sent malformed, oversized, empty and
// out-of-range requests, with no credential, the desk's and a member's. Each must be
// answered with a status that refuses it for what it is, never a crash nor an internal
// error, and the node's whole state (every table, storage::DigestAllTables) must be what it
// was before the sweep. The node holds a member, a booking and an event meanwhile, so a
// call that wrongly writes has something to damage.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "services/rpc/proto_time.h"
#include "storage/clock.h"
#include "tests/support/desk_calls.h"
#include "tests/support/rpc_client.h"
#include "tests/support/spoiled_request.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/weekdays.h"

namespace cantine::node {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr char kAdminSecret[] = "sweep-admin-credential-0123456789";
// Past the 4 MiB a gRPC server receives by default (the varint of the field below).
constexpr size_t kOversizedBytes = 5 << 20;

const char* const kPublicServices[] = {"cantine.v1.AdminService",    "cantine.v1.BookingService",
                                       "cantine.v1.CalendarService", "cantine.v1.EventService",
                                       "cantine.v1.MemberService",   "cantine.v1.SiteService"};

// The requests a method is swept with, serialized, each named.
std::vector<std::pair<std::string, std::string>> BadRequests(const MethodDescriptor& method) {
  std::vector<std::pair<std::string, std::string>> requests = {
      {"empty", ""},
      {"malformed", std::string("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11)},
      // Field 1000, length-delimited, past the size a server takes.
      {"oversized", std::string("\xc2\x3e\x80\x80\xc0\x02", 6) + std::string(kOversizedBytes, 'x')},
  };
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input_type());
  for (const auto& [name, spoil] :
       {std::pair("long strings", testing::Spoil::kLongStrings),
        std::pair("negative", testing::Spoil::kNegative), std::pair("huge", testing::Spoil::kHuge),
        std::pair("unknown enums", testing::Spoil::kUnknownEnums)}) {
    std::unique_ptr<Message> request(prototype->New());
    testing::SpoilFields(*request, spoil);
    requests.emplace_back(name, request->SerializeAsString());
  }
  return requests;
}

class BadInputSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeOptions options = testing::ParisNodeOptions(dir_, kAdminSecret);
    options.federation_listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(options, &clock_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    channel_ = testing::LoopbackChannel(node_->port());
    federation_channel_ = testing::LoopbackChannel(node_->federation_port());

    // Something to damage: a member with a token, a booking of hers, an event.
    auto members = v1::MemberService::NewStub(channel_);
    absl::StatusOr<v1::Member> ada =
        testing::RegisterByDesk(*members, kAdminSecret, "Ada Lovelace", "ada@example.org");
    ASSERT_TRUE(ada.ok()) << ada.status();
    v1::IssueTokenRequest issue;
    issue.set_member_id(ada->member_id());
    v1::IssueTokenResponse token;
    ASSERT_TRUE(members->IssueToken(testing::Context(kAdminSecret).get(), issue, &token).ok());
    token_ = token.token();
    const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
    v1::CreateBookingRequest booking;
    booking.set_space_id("coworking");
    *booking.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
    *booking.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
    booking.set_seats(1);
    booking.set_idempotency_key("sweep");
    v1::Booking booked;
    ASSERT_TRUE(v1::BookingService::NewStub(channel_)
                    ->CreateBooking(testing::Context(token_).get(), booking, &booked)
                    .ok());
    v1::AnnounceEventRequest event;
    event.set_title("Sweep night");
    *event.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 18 * 60);
    *event.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 20 * 60);
    event.set_capacity(30);
    v1::Event announced;
    ASSERT_TRUE(v1::EventService::NewStub(channel_)
                    ->AnnounceEvent(testing::Context(kAdminSecret).get(), event, &announced)
                    .ok());
  }

  // Sends every bad request to every unary method of `service` on `channel`, with each
  // credential; expects each refused (or, for a read, answered) without an internal error.
  void Sweep(const std::string& service_name, const std::shared_ptr<grpc::Channel>& channel) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    grpc::GenericStub stub(channel);
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor& method = *service->method(m);
      // Pull, the one stream, has its own hostile-peer tests (hostile_peer_test.cc).
      if (method.client_streaming() || method.server_streaming()) continue;
      const std::string path = absl::StrCat("/", service->full_name(), "/", method.name());
      for (const auto& [what, bytes] : BadRequests(method)) {
        for (const std::string& bearer : {std::string(), std::string(kAdminSecret), token_}) {
          const grpc::Status status = Call(stub, path, bytes, bearer);
          ++calls_;
          const std::string call =
              absl::StrCat(path, " ", what, bearer.empty() ? "" : " with a credential");
          // gRPC answers a request it cannot parse INTERNAL, before any handler runs.
          if (what != "malformed") {
            EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL)
                << call << ": " << status.error_message();
          }
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNKNOWN)
              << call << ": " << status.error_message();
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << call;
          EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << call;
          if (what == "oversized") {
            EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << call;
          }
          if (status.ok()) answered_.insert(call);
          if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
            EXPECT_FALSE(status.error_message().empty()) << call;
          }
        }
      }
    }
  }

  static grpc::Status Call(grpc::GenericStub& stub, const std::string& path,
                           const std::string& bytes, const std::string& bearer) {
    std::unique_ptr<grpc::ClientContext> context = testing::Context(bearer);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status status;
    stub.UnaryCall(context.get(), path, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status answered) {
                     status = std::move(answered);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status;
  }

  testing::TempDir dir_;
  storage::SystemClock clock_;
  std::unique_ptr<Node> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::Channel> federation_channel_;
  std::string token_;
  int calls_ = 0;
  std::set<std::string> answered_;  // Calls answered OK: reads of nothing, each listed.
};

TEST_F(BadInputSweepTest, EveryRpcRefusesBadRequestsAndChangesNothing) {
  const absl::StatusOr<std::string> before = node_->StateDigest();
  ASSERT_TRUE(before.ok()) << before.status();
  for (const char* service : kPublicServices) Sweep(service, channel_);
  Sweep("cantine.v1.FederationService", federation_channel_);
  EXPECT_GT(calls_, 500);

  const absl::StatusOr<std::string> after = node_->StateDigest();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, *before) << "a bad request changed the node's state";
  // Every call answered OK read something; none of them may have written (above).
  for (const std::string& call : answered_) {
    EXPECT_FALSE(absl::StrContains(call, "Create") || absl::StrContains(call, "Update") ||
                 absl::StrContains(call, "Register") || absl::StrContains(call, "Cancel") ||
                 absl::StrContains(call, "Erase") || absl::StrContains(call, "Announce"))
        << call << " was answered OK";
  }
  // Still serving.
  v1::Site site;
  EXPECT_TRUE(v1::SiteService::NewStub(channel_)
                  ->GetSite(testing::Context().get(), v1::GetSiteRequest(), &site)
                  .ok());
}

}  // namespace
}  // namespace cantine::node
