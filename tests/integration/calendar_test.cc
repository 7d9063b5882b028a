// Calendars on in-process nodes over loopback: a member's bookings and RSVPs across the
// network at the home site, a site's programme at any node, cancellations sent as such
// under the same UIDs, the secret feed address and its revocation, and who may read what.

#include <libical/ical.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/calendar.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rpc/proto_time.h"
#include "storage/rocks_store.h"
#include "tests/support/civil_proto.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using testing::Context;
using testing::DeskContext;
using ::testing::HasSubstr;
using testing::MiniCluster;

constexpr int kVenue = 0;  // Owns the desks and hosts the event.
constexpr int kHome = 1;   // The member's home site.

struct Member {
  std::string member_id;
  std::string token;          // BOOKING scope.
  std::string account_token;  // ACCOUNT scope.
};

Member Register(MiniCluster& cluster, int home, const std::string& name) {
  const v1::Member member = testing::RegisterAtDesk(cluster, home, name);
  return {member.member_id(),
          testing::DeskToken(cluster, home, member.member_id(), {v1::TOKEN_SCOPE_BOOKING}),
          testing::DeskToken(cluster, home, member.member_id(), {v1::TOKEN_SCOPE_ACCOUNT})};
}

// Every node pulls from every other, and the venue has desks.
void Network(MiniCluster& cluster) {
  for (int to = 0; to < cluster.size(); ++to) {
    for (int from = 0; from < cluster.size(); ++from) {
      if (to != from) cluster.Connect(to, from);
    }
  }
  testing::CreateDesks(cluster, kVenue, /*seats=*/4, /*visitor_price_minor=*/2000);
}

v1::Event Announce(MiniCluster& cluster) {
  auto events = v1::EventService::NewStub(cluster.channel(kVenue));
  v1::AnnounceEventRequest request;
  request.set_title("Barcamp, printemps");
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(2);
  *request.mutable_start() = testing::CivilDateTimeAt(day.year(), day.month(), day.day(), 18);
  *request.mutable_end() = testing::CivilDateTimeAt(day.year(), day.month(), day.day(), 21);
  request.set_capacity(30);
  v1::Event event;
  const grpc::Status status =
      events->AnnounceEvent(DeskContext(cluster, kVenue).get(), request, &event);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return event;
}

struct ComponentFree {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

// One VEVENT as a calendar app reads it.
struct Entry {
  std::string tzid;
  icaltimetype start;
  icalproperty_status status = ICAL_STATUS_NONE;
};

// The VEVENTs of an iCalendar file by UID; none when it does not parse.
std::map<std::string, Entry> Entries(const std::string& text) {
  std::map<std::string, Entry> entries;
  Component calendar(icalparser_parse_string(text.c_str()));
  if (calendar == nullptr) return entries;
  for (icalcomponent* event =
           icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
       event != nullptr;
       event = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT)) {
    icalproperty* dtstart = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
    icalparameter* tzid = icalproperty_get_first_parameter(dtstart, ICAL_TZID_PARAMETER);
    entries[icalcomponent_get_uid(event)] = {
        .tzid = tzid == nullptr ? "" : icalparameter_get_tzid(tzid),
        .start = icalproperty_get_dtstart(dtstart),
        .status = icalcomponent_get_status(event)};
  }
  return entries;
}

grpc::Status MemberCalendar(MiniCluster& cluster, int node, const std::string& bearer,
                            const std::string& member_id, std::string* calendar) {
  auto calendars = v1::CalendarService::NewStub(cluster.channel(node));
  v1::GetMemberCalendarRequest request;
  request.set_member_id(member_id);
  v1::HttpBody body;
  const grpc::Status status = calendars->GetMemberCalendar(Context(bearer).get(), request, &body);
  if (status.ok()) {
    EXPECT_EQ(body.content_type(), "text/calendar; charset=utf-8");
    *calendar = body.data();
  }
  return status;
}

std::string SiteCalendar(MiniCluster& cluster, int node, const std::string& site_id) {
  auto calendars = v1::CalendarService::NewStub(cluster.channel(node));
  v1::GetSiteCalendarRequest request;
  request.set_site_id(site_id);
  v1::HttpBody body;
  const grpc::Status status = calendars->GetSiteCalendar(Context().get(), request, &body);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return body.data();
}

std::string BookingUid(const v1::Booking& booking) {
  return absl::StrCat(booking.booking_id(), "@cantine.network");
}
std::string RsvpUid(const v1::Event& event, const Member& member) {
  return absl::StrCat(event.event_id(), ".rsvp.", member.member_id, "@cantine.network");
}

TEST(CalendarTest, AMembersBookingsAndRsvpsAcrossTheNetworkAndCancellationsUnderTheSameUids) {
  MiniCluster cluster(2);
  Network(cluster);
  const v1::Event event = Announce(cluster);
  const Member ada = Register(cluster, kHome, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(2));

  // Ada, from her home's node, books a Paris desk and RSVPs to the Paris barcamp.
  auto bookings = v1::BookingService::NewStub(cluster.channel(kHome));
  v1::CreateBookingRequest book;
  book.set_site_id(cluster.site_id(kVenue));
  book.set_space_id("desks");
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(1);
  *book.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *book.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  book.set_seats(1);
  book.set_idempotency_key("calendar-1");
  v1::Booking booking;
  ASSERT_TRUE(bookings->CreateBooking(Context(ada.token).get(), book, &booking).ok());
  auto events = v1::EventService::NewStub(cluster.channel(kHome));
  v1::CreateRsvpRequest rsvp_request;
  rsvp_request.set_event_id(event.event_id());
  v1::Rsvp rsvp;
  ASSERT_TRUE(events->CreateRsvp(Context(ada.token).get(), rsvp_request, &rsvp).ok());

  // Her home's calendar holds both once the venue's receipt has reached it.
  std::map<std::string, Entry> entries;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::string calendar;
        if (!MemberCalendar(cluster, kHome, ada.token, "", &calendar).ok()) return false;
        entries = Entries(calendar);
        return entries.contains(BookingUid(booking));
      },
      absl::Seconds(30)));
  ASSERT_EQ(entries.size(), 2u);
  const Entry& desk = entries[BookingUid(booking)];
  EXPECT_EQ(desk.tzid, booking.time_zone());
  EXPECT_EQ(desk.start.day, day.day());
  EXPECT_EQ(desk.start.hour, 9);  // The venue's civil time.
  EXPECT_EQ(desk.status, ICAL_STATUS_CONFIRMED);
  const Entry& barcamp = entries[RsvpUid(event, ada)];
  EXPECT_EQ(barcamp.tzid, event.time_zone());
  EXPECT_EQ(barcamp.start.hour, 18);
  EXPECT_EQ(barcamp.status, ICAL_STATUS_CONFIRMED);

  // She cancels the desk; the host cancels the barcamp: both stay, cancelled, same UIDs.
  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(booking.booking_id());
  v1::Booking cancelled;
  ASSERT_TRUE(bookings->CancelBooking(Context(ada.token).get(), cancel, &cancelled).ok());
  auto host_events = v1::EventService::NewStub(cluster.channel(kVenue));
  v1::CancelEventRequest cancel_event;
  cancel_event.set_event_id(event.event_id());
  v1::Event cancelled_event;
  ASSERT_TRUE(
      host_events->CancelEvent(DeskContext(cluster, kVenue).get(), cancel_event, &cancelled_event)
          .ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::string calendar;
        if (!MemberCalendar(cluster, kHome, ada.token, ada.member_id, &calendar).ok()) {
          return false;
        }
        entries = Entries(calendar);
        return entries[BookingUid(booking)].status == ICAL_STATUS_CANCELLED;
      },
      absl::Seconds(30)));
  EXPECT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[RsvpUid(event, ada)].status, ICAL_STATUS_CANCELLED);

  // The venue's programme, read at the other node once the cancellation replicated.
  const std::string event_uid = absl::StrCat(event.event_id(), "@cantine.network");
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        entries = Entries(SiteCalendar(cluster, kHome, cluster.site_id(kVenue)));
        return entries.contains(event_uid) && entries[event_uid].status == ICAL_STATUS_CANCELLED;
      },
      absl::Seconds(30)));
  EXPECT_EQ(entries[event_uid].tzid, event.time_zone());
}

TEST(CalendarTest, OnlyTheMemberOrTheHomeDeskReadsItAndOnlyAtTheHome) {
  MiniCluster cluster(2);
  Network(cluster);
  const Member ada = Register(cluster, kHome, "ada");
  const Member bob = Register(cluster, kHome, "bob");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  std::string calendar;
  EXPECT_EQ(MemberCalendar(cluster, kHome, "", ada.member_id, &calendar).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(MemberCalendar(cluster, kHome, bob.token, ada.member_id, &calendar).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(
      MemberCalendar(cluster, kHome, cluster.admin_secret(kHome), ada.member_id, &calendar).ok());
  const grpc::Status elsewhere = MemberCalendar(cluster, kVenue, ada.token, "", &calendar);
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(elsewhere.error_message(), HasSubstr(cluster.site_id(kHome)));

  // A host that does not answer: refused whole, naming it, rather than a calendar that
  // would drop its RSVPs.
  cluster.Stop(kVenue);
  const grpc::Status unreachable = MemberCalendar(cluster, kHome, ada.token, "", &calendar);
  EXPECT_EQ(unreachable.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(unreachable.error_message(), HasSubstr(cluster.site_id(kVenue)));
}

TEST(CalendarTest, TheSecretFeedReadsTheCalendarUntilRevokedAndErasureDropsIt) {
  MiniCluster cluster(2);
  Network(cluster);
  const Member ada = Register(cluster, kHome, "ada");
  const Member bob = Register(cluster, kHome, "bob");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  auto calendars = v1::CalendarService::NewStub(cluster.channel(kHome));
  v1::GetCalendarFeedRequest get;
  v1::CalendarFeed feed;
  EXPECT_EQ(calendars->GetCalendarFeed(Context(ada.token).get(), get, &feed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // A BOOKING token does not make one.
  ASSERT_TRUE(calendars->GetCalendarFeed(Context(ada.account_token).get(), get, &feed).ok());
  EXPECT_GE(feed.feed_key().size(), 43u);  // 256 bits.
  v1::CalendarFeed again;
  ASSERT_TRUE(calendars->GetCalendarFeed(Context(ada.account_token).get(), get, &again).ok());
  EXPECT_EQ(again.feed_key(), feed.feed_key());

  const auto read = [&](const std::string& member_id, const std::string& key) {
    v1::ReadCalendarFeedRequest request;
    request.set_member_id(member_id);
    request.set_feed_key(key);
    v1::HttpBody body;
    return calendars->ReadCalendarFeed(Context().get(), request, &body);
  };
  EXPECT_TRUE(read(ada.member_id, feed.feed_key()).ok());
  EXPECT_EQ(read(bob.member_id, feed.feed_key()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(read(ada.member_id, feed.feed_key() + "x").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(read(ada.member_id, std::string(65, 'a')).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::RevokeCalendarFeedRequest revoke;
  v1::RevokeCalendarFeedResponse revoked;
  ASSERT_TRUE(
      calendars->RevokeCalendarFeed(Context(ada.account_token).get(), revoke, &revoked).ok());
  EXPECT_EQ(read(ada.member_id, feed.feed_key()).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::CalendarFeed renewed;
  ASSERT_TRUE(calendars->GetCalendarFeed(Context(ada.account_token).get(), get, &renewed).ok());
  EXPECT_NE(renewed.feed_key(), feed.feed_key());
  EXPECT_TRUE(read(ada.member_id, renewed.feed_key()).ok());

  // Erasure takes the key with the member.
  auto members = v1::MemberService::NewStub(cluster.channel(kHome));
  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id);
  v1::Member tombstone;
  ASSERT_TRUE(members->EraseMember(Context(ada.account_token).get(), erase, &tombstone).ok());
  EXPECT_EQ(read(ada.member_id, renewed.feed_key()).error_code(), grpc::StatusCode::NOT_FOUND);
  cluster.Stop(kHome);
  auto store = storage::RocksStore::Open({.path = cluster.data_dir(kHome)});
  ASSERT_TRUE(store.ok()) << store.status();
  auto rows = (*store)->Scan(storage::Table::kCalendarFeeds, "", 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

}  // namespace
}  // namespace cantine
