// EventService over real gRPC on loopback, with an event board over a real store and oplog.

#include "services/event/event_service.h"

#include <atomic>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "storage/hybrid_clock.h"
#include "storage/rocks_store.h"
#include "tests/support/bad_input.h"
#include "tests/support/civil_proto.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fixed_signer.h"
#include "tests/support/paris.h"
#include "tests/support/rpc_client.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/site_log.h"
#include "tests/support/temp_dir.h"

namespace cantine::event {
namespace {

using ::testing::HasSubstr;

constexpr char kAdminSecret[] = "event-test-admin-credential-01";

// Monday 2027-01-04, 08:00 in Paris (07:00 UTC).
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2027, 1, 4, 7, 0, 0), absl::UTCTimeZone());

class EventServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    board_ = std::make_unique<EventBoard>(log_.store(), log_.oplog(), &clock_, &ids_,
                                          testing::ParisProfile());
    admin_ = std::make_unique<auth::AdminCredential>(
        auth::AdminCredential::FromSecret(kAdminSecret).value());
    // The manager's calls and listings only: no member token to verify, nothing forwarded
    // (RSVPs are tested on a network, in rsvp_test).
    service_ = std::make_unique<EventServiceImpl>(board_.get(), /*remote=*/nullptr, admin_.get(),
                                                  /*keys=*/nullptr, /*members=*/nullptr, &clock_);
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::EventService::NewStub(testing::LoopbackChannel(port));
  }

  void TearDown() override { server_->Shutdown(); }

  static void AsAdmin(grpc::ClientContext& context) { testing::Authorize(context, kAdminSecret); }

  v1::AnnounceEventRequest Announcement() {
    v1::AnnounceEventRequest request;
    request.set_title("Barcamp");
    request.add_tags("barcamp");
    *request.mutable_start() = testing::CivilDateTimeAt(2027, 1, 9, 10);
    *request.mutable_end() = testing::CivilDateTimeAt(2027, 1, 9, 18);
    request.set_capacity(120);
    return request;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  testing::FixedSigner signer_;
  testing::SequentialIds ids_;
  testing::SiteLog log_{dir_.Sub("db"), &clock_, &signer_, "paris"};
  std::unique_ptr<EventBoard> board_;
  std::unique_ptr<auth::AdminCredential> admin_;
  std::unique_ptr<EventServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::EventService::Stub> stub_;
};

TEST_F(EventServiceTest, ManagerWritesNeedTheAdminCredential) {
  v1::Event event;
  grpc::ClientContext anonymous;
  testing::SetDeadline(anonymous);
  EXPECT_EQ(stub_->AnnounceEvent(&anonymous, Announcement(), &event).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext wrong;
  testing::SetDeadline(wrong);
  wrong.AddMetadata("authorization", "Bearer not-the-admin-credential");
  EXPECT_EQ(stub_->AnnounceEvent(&wrong, Announcement(), &event).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CancelEventRequest cancel;
  cancel.set_event_id("paris-0000000000000001");
  grpc::ClientContext cancel_context;
  testing::SetDeadline(cancel_context);
  EXPECT_EQ(stub_->CancelEvent(&cancel_context, cancel, &event).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(log_.oplog()->Vector().size(), 0u);
}

TEST_F(EventServiceTest, AnnounceUpdateCancelAndListWithTheVenueZoneNamed) {
  v1::Event event;
  grpc::ClientContext announce;
  testing::SetDeadline(announce);
  AsAdmin(announce);
  grpc::Status status = stub_->AnnounceEvent(&announce, Announcement(), &event);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(event.event_id(), "paris-0000000000000001");
  EXPECT_EQ(event.time_zone(), "Europe/Paris");
  EXPECT_EQ(event.city(), "Paris");
  EXPECT_EQ(event.start().hours(), 10);
  // 10:00 in Paris in January is 09:00 UTC.
  EXPECT_EQ(event.start_time().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilSecond(2027, 1, 9, 9, 0, 0), absl::UTCTimeZone())));
  EXPECT_EQ(event.state(), v1::EVENT_STATE_SCHEDULED);

  v1::UpdateEventRequest update;
  update.set_event_id(event.event_id());
  update.set_capacity(150);
  update.mutable_tags();  // Present and empty: clears the tags.
  grpc::ClientContext update_context;
  testing::SetDeadline(update_context);
  AsAdmin(update_context);
  ASSERT_TRUE(stub_->UpdateEvent(&update_context, update, &event).ok());
  EXPECT_EQ(event.capacity(), 150);
  EXPECT_EQ(event.title(), "Barcamp");
  EXPECT_EQ(event.tags_size(), 0);

  v1::ListEventsRequest list;
  list.set_city("paris");
  *list.mutable_from_day() = v1::CivilDate();
  list.mutable_from_day()->set_year(2027);
  list.mutable_from_day()->set_month(1);
  list.mutable_from_day()->set_day(9);
  v1::ListEventsResponse listed;
  grpc::ClientContext list_context;  // Open to all: no credential.
  testing::SetDeadline(list_context);
  ASSERT_TRUE(stub_->ListEvents(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).time_zone(), "Europe/Paris");

  v1::CancelEventRequest cancel;
  cancel.set_event_id(event.event_id());
  grpc::ClientContext cancel_context;
  testing::SetDeadline(cancel_context);
  AsAdmin(cancel_context);
  ASSERT_TRUE(stub_->CancelEvent(&cancel_context, cancel, &event).ok());
  EXPECT_EQ(event.state(), v1::EVENT_STATE_CANCELLED);
  grpc::ClientContext after_cancel;
  testing::SetDeadline(after_cancel);
  listed.Clear();
  ASSERT_TRUE(stub_->ListEvents(&after_cancel, list, &listed).ok());
  EXPECT_EQ(listed.events_size(), 0);
}

TEST_F(EventServiceTest, BadRequestsAreInvalidArgumentNamingTheField) {
  struct Case {
    const char* name;
    v1::AnnounceEventRequest request;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({"no start", Announcement(), "start and end are required"});
  cases.back().request.clear_start();
  cases.push_back({"bad date", Announcement(), "start 2027-02-30 is not a calendar date"});
  *cases.back().request.mutable_start() = testing::CivilDateTimeAt(2027, 2, 30, 10);
  cases.push_back({"bad hour", Announcement(), "end has time 25:0"});
  *cases.back().request.mutable_end() = testing::CivilDateTimeAt(2027, 1, 9, 25);
  cases.push_back({"no title", Announcement(), "title is required"});
  cases.back().request.clear_title();
  cases.push_back({"bad tag", Announcement(), "tags[0]"});
  cases.back().request.set_tags(0, "Bar Camp");
  cases.push_back({"no capacity", Announcement(), "capacity is 0"});
  cases.back().request.clear_capacity();
  for (const Case& c : cases) {
    v1::Event event;
    grpc::ClientContext context;
    testing::SetDeadline(context);
    AsAdmin(context);
    grpc::Status status = stub_->AnnounceEvent(&context, c.request, &event);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message)) << c.name;
  }

  v1::UpdateEventRequest update;
  update.set_event_id("Not An Id");
  v1::Event event;
  grpc::ClientContext update_context;
  testing::SetDeadline(update_context);
  AsAdmin(update_context);
  grpc::Status status = stub_->UpdateEvent(&update_context, update, &event);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("event_id"));

  v1::ListEventsRequest list;
  list.mutable_to_day()->set_year(2027);
  list.mutable_to_day()->set_month(13);
  list.mutable_to_day()->set_day(1);
  v1::ListEventsResponse listed;
  grpc::ClientContext list_context;
  testing::SetDeadline(list_context);
  status = stub_->ListEvents(&list_context, list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("to_day"));
  list.Clear();
  list.set_page_token("garbage");
  grpc::ClientContext token_context;
  testing::SetDeadline(token_context);
  status = stub_->ListEvents(&token_context, list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));

  EXPECT_EQ(log_.oplog()->Vector().size(), 0u);
}

TEST_F(EventServiceTest, ABadCancelIsInvalidArgumentNamingTheFieldAndCancelsNothing) {
  v1::Event announced;
  ASSERT_TRUE(
      stub_->AnnounceEvent(testing::Context(kAdminSecret).get(), Announcement(), &announced).ok());
  const uint64_t head = log_.oplog()->Vector().at(0).seq();
  const auto cancel = [&](const std::string& event_id) {
    v1::CancelEventRequest request;
    request.set_event_id(event_id);
    v1::Event event;
    return stub_->CancelEvent(testing::Context(kAdminSecret).get(), request, &event);
  };
  testing::ExpectEachValueRefusedNaming("event_id",
                                        {"", "Not An Id", "-paris", std::string(500, 'a')}, cancel);
  EXPECT_EQ(log_.oplog()->Vector().at(0).seq(), head);  // No entry written.
  v1::ListEventsResponse listed;
  ASSERT_TRUE(stub_->ListEvents(testing::Context().get(), {}, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).event_id(), announced.event_id());
  EXPECT_EQ(listed.events(0).state(), v1::EVENT_STATE_SCHEDULED) << listed.events(0).DebugString();
}

}  // namespace
}  // namespace cantine::event
