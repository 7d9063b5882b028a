// RSVPs on in-process nodes over loopback: places taken at the host in one transaction, a
// waitlist promoted in order, forwarding from any node, counts replicated with the event,
// and who attends kept at the host.

#include <algorithm>
#include <latch>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "tests/support/civil_proto.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

using testing::Context;
using testing::DeskContext;
using ::testing::HasSubstr;
using testing::MiniCluster;

constexpr int kHost = 0;   // Hosts the events.
constexpr int kOther = 1;  // Forwards its members' RSVPs to the host.

struct Member {
  std::string member_id;
  std::string token;  // BOOKING scope.
};

Member Register(MiniCluster& cluster, int home, const std::string& name,
                std::vector<v1::TokenScope> scopes = {}) {
  const v1::Member member = testing::RegisterAtDesk(cluster, home, name);
  return {member.member_id(), testing::DeskToken(cluster, home, member.member_id(), scopes)};
}

// An event of the host a few days ahead, for `capacity` people.
v1::Event Announce(MiniCluster& cluster, int capacity) {
  auto events = v1::EventService::NewStub(cluster.channel(kHost));
  v1::AnnounceEventRequest request;
  request.set_title("Apéro du futur");
  request.add_tags("apero");
  const absl::CivilDay day =
      absl::ToCivilDay(absl::Now() + absl::Hours(24 * 7), absl::UTCTimeZone());
  *request.mutable_start() = testing::CivilDateTimeAt(day.year(), day.month(), day.day(), 19);
  *request.mutable_end() = testing::CivilDateTimeAt(day.year(), day.month(), day.day(), 22);
  request.set_capacity(capacity);
  v1::Event event;
  const grpc::Status status =
      events->AnnounceEvent(DeskContext(cluster, kHost).get(), request, &event);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return event;
}

grpc::Status Rsvp(MiniCluster& cluster, int through, const std::string& token,
                  const std::string& event_id, v1::Rsvp* rsvp, const std::string& key = "") {
  auto events = v1::EventService::NewStub(cluster.channel(through));
  v1::CreateRsvpRequest request;
  request.set_event_id(event_id);
  request.set_idempotency_key(key);
  return events->CreateRsvp(Context(token).get(), request, rsvp);
}

grpc::Status CancelRsvp(MiniCluster& cluster, int through, const std::string& token,
                        const std::string& event_id, v1::Rsvp* rsvp,
                        const std::string& member_id = "") {
  auto events = v1::EventService::NewStub(cluster.channel(through));
  v1::CancelRsvpRequest request;
  request.set_event_id(event_id);
  request.set_member_id(member_id);
  return events->CancelRsvp(Context(token).get(), request, rsvp);
}

// The member's RSVP to `event_id` as the host lists it, asked through `through`.
v1::Rsvp Listed(MiniCluster& cluster, int through, const Member& member,
                const std::string& event_id) {
  auto events = v1::EventService::NewStub(cluster.channel(through));
  v1::ListRsvpsRequest request;
  request.set_site_id(cluster.site_id(kHost));
  v1::ListRsvpsResponse response;
  const grpc::Status status = events->ListRsvps(Context(member.token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  for (const v1::Rsvp& rsvp : response.rsvps()) {
    if (rsvp.event_id() == event_id) return rsvp;
  }
  ADD_FAILURE() << member.member_id << " has no RSVP to " << event_id << " listed";
  return {};
}

// The event as node `node` lists it.
v1::Event EventAt(MiniCluster& cluster, int node, const std::string& event_id) {
  auto events = v1::EventService::NewStub(cluster.channel(node));
  v1::ListEventsRequest request;
  request.set_include_cancelled(true);
  v1::ListEventsResponse response;
  EXPECT_TRUE(events->ListEvents(Context().get(), request, &response).ok());
  for (const v1::Event& event : response.events()) {
    if (event.event_id() == event_id) return event;
  }
  return {};
}

void ConnectBothWays(MiniCluster& cluster) {
  cluster.Connect(kHost, kOther);
  cluster.Connect(kOther, kHost);
}

TEST(RsvpTest, TwentyRacingForTheLastFivePlacesGetFiveAndAWaitlistInOrder) {
  MiniCluster cluster(2);
  ConnectBothWays(cluster);
  const v1::Event event = Announce(cluster, /*capacity=*/10);
  std::vector<Member> early;
  for (int i = 0; i < 5; ++i) early.push_back(Register(cluster, kHost, absl::StrCat("early", i)));
  // Half the racers are the host's members, half the other site's, forwarded.
  std::vector<Member> racers;
  std::vector<int> through;
  for (int i = 0; i < 20; ++i) {
    const int home = i % 2 == 0 ? kHost : kOther;
    racers.push_back(Register(cluster, home, absl::StrCat("racer", i)));
    through.push_back(home);
  }
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  for (const Member& member : early) {
    v1::Rsvp rsvp;
    ASSERT_TRUE(Rsvp(cluster, kHost, member.token, event.event_id(), &rsvp).ok());
    ASSERT_EQ(rsvp.state(), v1::RSVP_STATE_GOING);
  }

  std::vector<v1::Rsvp> answers(racers.size());
  std::vector<grpc::Status> statuses(racers.size());
  std::latch start(static_cast<std::ptrdiff_t>(racers.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < racers.size(); ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      statuses[i] = Rsvp(cluster, through[i], racers[i].token, event.event_id(), &answers[i],
                         absl::StrCat("key-", i));
    });
  }
  for (std::thread& thread : threads) thread.join();

  int going = 0;
  std::map<int, size_t> waiter_at;  // Waitlist position -> racer.
  for (size_t i = 0; i < racers.size(); ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    if (answers[i].state() == v1::RSVP_STATE_GOING) {
      ++going;
      EXPECT_EQ(answers[i].waitlist_position(), 0);
    } else {
      ASSERT_EQ(answers[i].state(), v1::RSVP_STATE_WAITLISTED);
      EXPECT_TRUE(waiter_at.emplace(answers[i].waitlist_position(), i).second)
          << "two waiters at " << answers[i].waitlist_position();
    }
  }
  EXPECT_EQ(going, 5);
  ASSERT_EQ(waiter_at.size(), 15u);
  EXPECT_EQ(waiter_at.begin()->first, 1);
  EXPECT_EQ(waiter_at.rbegin()->first, 15);  // 1..15, each once.
  const v1::Event counted = EventAt(cluster, kHost, event.event_id());
  EXPECT_EQ(counted.going_count(), 10);
  EXPECT_EQ(counted.waitlist_count(), 15);

  // Asking again, through either node, returns the same place and takes no other.
  const Member& first_waiter = racers[waiter_at.at(1)];
  const Member& second_waiter = racers[waiter_at.at(2)];
  v1::Rsvp again;
  ASSERT_TRUE(Rsvp(cluster, kOther, first_waiter.token, event.event_id(), &again).ok());
  EXPECT_EQ(again.state(), v1::RSVP_STATE_WAITLISTED);
  EXPECT_EQ(again.waitlist_position(), 1);
  EXPECT_EQ(EventAt(cluster, kHost, event.event_id()).waitlist_count(), 15);

  // A going member cancels, through the other node: the first waiter takes the place, and
  // everyone behind moves up one.
  v1::Rsvp cancelled;
  ASSERT_TRUE(CancelRsvp(cluster, kOther, early[0].token, event.event_id(), &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::RSVP_STATE_CANCELLED);
  EXPECT_EQ(Listed(cluster, kOther, first_waiter, event.event_id()).state(), v1::RSVP_STATE_GOING);
  const v1::Rsvp moved_up = Listed(cluster, kHost, second_waiter, event.event_id());
  EXPECT_EQ(moved_up.state(), v1::RSVP_STATE_WAITLISTED);
  EXPECT_EQ(moved_up.waitlist_position(), 1);
  // Cancelling again changes nothing.
  ASSERT_TRUE(CancelRsvp(cluster, kHost, early[0].token, event.event_id(), &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::RSVP_STATE_CANCELLED);
  EXPECT_EQ(EventAt(cluster, kHost, event.event_id()).waitlist_count(), 14);

  // A racer who got a place gives it up; the retry of its RSVP (the same key) arriving
  // after is no new one, while asking anew is, at the end of the waitlist.
  const size_t placed = static_cast<size_t>(
      std::find_if(answers.begin(), answers.end(),
                   [](const v1::Rsvp& r) { return r.state() == v1::RSVP_STATE_GOING; }) -
      answers.begin());
  const std::string key = absl::StrCat("key-", placed);
  ASSERT_TRUE(
      CancelRsvp(cluster, through[placed], racers[placed].token, event.event_id(), &cancelled)
          .ok());
  v1::Rsvp retried;
  ASSERT_TRUE(Rsvp(cluster, kOther, racers[placed].token, event.event_id(), &retried, key).ok());
  EXPECT_EQ(retried.state(), v1::RSVP_STATE_CANCELLED);
  ASSERT_TRUE(Rsvp(cluster, kOther, racers[placed].token, event.event_id(), &retried).ok());
  EXPECT_EQ(retried.state(), v1::RSVP_STATE_WAITLISTED);
  EXPECT_EQ(retried.waitlist_position(), 14);

  // The counts replicate with the event; who attends stays at the host.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        const v1::Event replicated = EventAt(cluster, kOther, event.event_id());
        return replicated.going_count() == 10 && replicated.waitlist_count() == 14;
      },
      absl::Seconds(30)));
  cluster.Stop(kOther);
  {
    auto store = storage::RocksStore::Open({.path = cluster.data_dir(kOther)});
    ASSERT_TRUE(store.ok()) << store.status();
    for (storage::Table table :
         {storage::Table::kRsvps, storage::Table::kRsvpWaitlist, storage::Table::kRsvpsByMember}) {
      auto rows = (*store)->Scan(table, "", 10);
      ASSERT_TRUE(rows.ok());
      EXPECT_TRUE(rows->empty()) << storage::TableName(table);
    }
  }
}

TEST(RsvpTest, ARaisedCapacityLetsWaitersInAndAChangedOrCancelledEventShowsToThoseWhoCame) {
  MiniCluster cluster(2);
  ConnectBothWays(cluster);
  const v1::Event event = Announce(cluster, /*capacity=*/1);
  const Member ada = Register(cluster, kHost, "ada");
  const Member bob = Register(cluster, kOther, "bob");
  const Member cid = Register(cluster, kOther, "cid");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  v1::Rsvp rsvp;
  ASSERT_TRUE(Rsvp(cluster, kHost, ada.token, event.event_id(), &rsvp).ok());
  ASSERT_TRUE(Rsvp(cluster, kOther, bob.token, event.event_id(), &rsvp).ok());
  ASSERT_TRUE(Rsvp(cluster, kOther, cid.token, event.event_id(), &rsvp).ok());
  EXPECT_EQ(rsvp.waitlist_position(), 2);

  auto events = v1::EventService::NewStub(cluster.channel(kHost));
  v1::UpdateEventRequest update;
  update.set_event_id(event.event_id());
  update.set_capacity(2);
  update.set_title("Apéro du futur, en terrasse");
  v1::Event updated;
  ASSERT_TRUE(events->UpdateEvent(DeskContext(cluster, kHost).get(), update, &updated).ok());
  EXPECT_EQ(updated.going_count(), 2);
  EXPECT_EQ(updated.waitlist_count(), 1);
  const v1::Rsvp bobs = Listed(cluster, kOther, bob, event.event_id());
  EXPECT_EQ(bobs.state(), v1::RSVP_STATE_GOING);
  EXPECT_EQ(bobs.event().title(), "Apéro du futur, en terrasse");

  v1::CancelEventRequest cancel;
  cancel.set_event_id(event.event_id());
  v1::Event cancelled;
  ASSERT_TRUE(events->CancelEvent(DeskContext(cluster, kHost).get(), cancel, &cancelled).ok());
  EXPECT_EQ(Listed(cluster, kOther, cid, event.event_id()).event().state(),
            v1::EVENT_STATE_CANCELLED);
  // A cancelled event takes no RSVP; a place given up there lets no waiter in.
  const Member dee = Register(cluster, kHost, "dee");
  EXPECT_EQ(Rsvp(cluster, kHost, dee.token, event.event_id(), &rsvp).error_code(),
            grpc::FAILED_PRECONDITION);
  ASSERT_TRUE(CancelRsvp(cluster, kHost, ada.token, event.event_id(), &rsvp).ok());
  EXPECT_EQ(Listed(cluster, kOther, cid, event.event_id()).state(), v1::RSVP_STATE_WAITLISTED);
}

// Shows or hides, at `home`, whether `member` may be listed among those going to events.
void ShowAttendance(MiniCluster& cluster, int home, const Member& member, bool show) {
  auto members = v1::MemberService::NewStub(cluster.channel(home));
  v1::UpdateMemberRequest update;
  update.set_member_id(member.member_id);
  v1::ProfileFieldList* fields = update.mutable_network_visible_fields();
  if (show) fields->add_fields(v1::PROFILE_FIELD_ATTENDANCE);
  v1::Member updated;
  const grpc::Status status =
      members->UpdateMember(DeskContext(cluster, home).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// The attendees of `event_id` listed through `through`, by member id.
std::vector<std::string> Attendees(MiniCluster& cluster, int through, const std::string& event_id) {
  auto events = v1::EventService::NewStub(cluster.channel(through));
  v1::ListAttendeesRequest request;
  request.set_event_id(event_id);
  v1::ListAttendeesResponse response;
  const grpc::Status status = events->ListAttendees(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> ids;
  for (const v1::Attendee& attendee : response.attendees()) ids.push_back(attendee.member_id());
  return ids;
}

TEST(RsvpTest, OnlyGoersWhoseProfileShowsAttendanceAreListedAtAnyNode) {
  MiniCluster cluster(2);
  ConnectBothWays(cluster);
  const v1::Event event = Announce(cluster, /*capacity=*/3);
  const Member ada = Register(cluster, kHost, "ada");
  const Member bob = Register(cluster, kOther, "bob");
  const Member cid = Register(cluster, kOther, "cid");
  const Member dee = Register(cluster, kOther, "dee");
  ASSERT_NO_FATAL_FAILURE(ShowAttendance(cluster, kHost, ada, true));
  ASSERT_NO_FATAL_FAILURE(ShowAttendance(cluster, kOther, bob, true));
  ASSERT_NO_FATAL_FAILURE(ShowAttendance(cluster, kOther, dee, true));
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  v1::Rsvp rsvp;
  ASSERT_TRUE(Rsvp(cluster, kHost, ada.token, event.event_id(), &rsvp).ok());
  ASSERT_TRUE(Rsvp(cluster, kOther, bob.token, event.event_id(), &rsvp).ok());
  ASSERT_TRUE(Rsvp(cluster, kOther, cid.token, event.event_id(), &rsvp).ok());
  ASSERT_TRUE(Rsvp(cluster, kOther, dee.token, event.event_id(), &rsvp).ok());
  ASSERT_EQ(rsvp.state(), v1::RSVP_STATE_WAITLISTED);

  // Going and showing it: Ada and Bob. Cid hides; Dee waits.
  std::vector<std::string> expected = {ada.member_id, bob.member_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Attendees(cluster, kHost, event.event_id()), expected);
  EXPECT_EQ(Attendees(cluster, kOther, event.event_id()), expected);  // Forwarded.
  // Page by page, each token is a member listed: never one who hides or waits.
  auto events_there = v1::EventService::NewStub(cluster.channel(kOther));
  v1::ListAttendeesRequest paged;
  paged.set_event_id(event.event_id());
  paged.set_page_size(1);
  std::vector<std::string> listed;
  do {
    v1::ListAttendeesResponse page;
    ASSERT_TRUE(events_there->ListAttendees(Context().get(), paged, &page).ok());
    for (const v1::Attendee& attendee : page.attendees()) listed.push_back(attendee.member_id());
    if (!page.next_page_token().empty()) {
      EXPECT_THAT(expected, ::testing::Contains(page.next_page_token()));
    }
    paged.set_page_token(page.next_page_token());
  } while (!paged.page_token().empty());
  EXPECT_EQ(listed, expected);

  // Bob withdraws his consent at home; the host stops listing him once it has the change.
  ASSERT_NO_FATAL_FAILURE(ShowAttendance(cluster, kOther, bob, false));
  EXPECT_TRUE(testing::WaitFor(
      [&] { return Attendees(cluster, kOther, event.event_id()) == std::vector{ada.member_id}; },
      absl::Seconds(30)));

  auto events = v1::EventService::NewStub(cluster.channel(kOther));
  v1::ListAttendeesRequest bad;
  bad.set_event_id("no event");
  v1::ListAttendeesResponse response;
  EXPECT_EQ(events->ListAttendees(Context().get(), bad, &response).error_code(),
            grpc::INVALID_ARGUMENT);
  bad.set_event_id(absl::StrCat(cluster.site_id(kHost), "-00000000000000ff"));
  EXPECT_EQ(events->ListAttendees(Context().get(), bad, &response).error_code(), grpc::NOT_FOUND);
}

TEST(RsvpTest, AMemberActsOnItsOwnRsvpsOnlyAndBadRequestsNameTheField) {
  MiniCluster cluster(2);
  ConnectBothWays(cluster);
  const v1::Event event = Announce(cluster, /*capacity=*/5);
  const Member ada = Register(cluster, kHost, "ada");
  const Member bob = Register(cluster, kOther, "bob");
  const Member bob_account =
      Register(cluster, kOther, "bob2", {v1::TOKEN_SCOPE_BOOKING, v1::TOKEN_SCOPE_ACCOUNT});
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  v1::Rsvp rsvp;
  ASSERT_TRUE(Rsvp(cluster, kHost, ada.token, event.event_id(), &rsvp).ok());

  // Not someone else's RSVP; not without a token; never an account token forwarded.
  EXPECT_EQ(
      CancelRsvp(cluster, kOther, bob.token, event.event_id(), &rsvp, ada.member_id).error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_EQ(Rsvp(cluster, kOther, "", event.event_id(), &rsvp).error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(Rsvp(cluster, kOther, bob_account.token, event.event_id(), &rsvp).error_code(),
            grpc::PERMISSION_DENIED);
  // The other site's desk acts at its own site only.
  auto events = v1::EventService::NewStub(cluster.channel(kOther));
  v1::CreateRsvpRequest for_bob;
  for_bob.set_event_id(event.event_id());
  for_bob.set_member_id(bob.member_id);
  EXPECT_EQ(events->CreateRsvp(DeskContext(cluster, kOther).get(), for_bob, &rsvp).error_code(),
            grpc::PERMISSION_DENIED);
  // The host's desk may act for any member.
  auto host_events = v1::EventService::NewStub(cluster.channel(kHost));
  ASSERT_TRUE(host_events->CreateRsvp(DeskContext(cluster, kHost).get(), for_bob, &rsvp).ok());
  EXPECT_EQ(rsvp.member_id(), bob.member_id);

  const auto expect_invalid = [&](const std::string& event_id, const std::string& key,
                                  const std::string& field) {
    const grpc::Status status = Rsvp(cluster, kOther, bob.token, event_id, &rsvp, key);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << event_id;
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  };
  expect_invalid("", "", "event_id");
  expect_invalid("not an id", "", "event_id");
  expect_invalid(event.event_id(), std::string(129, 'k'), "idempotency_key");
  // Unknown event at a known host; an unknown host.
  std::string unknown = event.event_id();
  unknown.back() = unknown.back() == '0' ? '1' : '0';
  EXPECT_EQ(Rsvp(cluster, kOther, bob.token, unknown, &rsvp).error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(Rsvp(cluster, kOther, bob.token, "nowhere-0123456789abcdef", &rsvp).error_code(),
            grpc::NOT_FOUND);
  EXPECT_EQ(EventAt(cluster, kHost, event.event_id()).going_count(), 2);
}

}  // namespace
}  // namespace cantine
