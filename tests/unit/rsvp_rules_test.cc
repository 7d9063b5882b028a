#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/rsvp.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Event Evening(int capacity, int going, int waiting) {
  Event event;
  event.event_id = "paris-00000000000000a1";
  event.start = kNow + absl::Hours(48);
  event.end = event.start + absl::Hours(3);
  event.capacity = capacity;
  event.going_count = going;
  event.waitlist_count = waiting;
  return event;
}

TEST(RsvpRulesTest, APlaceWhileThereIsOneThenTheWaitlist) {
  EXPECT_EQ(AdmitRsvp(Evening(2, 0, 0), kNow).value(), RsvpState::kGoing);
  EXPECT_EQ(AdmitRsvp(Evening(2, 1, 0), kNow).value(), RsvpState::kGoing);
  EXPECT_EQ(AdmitRsvp(Evening(2, 2, 0), kNow).value(), RsvpState::kWaitlisted);
  // A capacity lowered below those going keeps them, and takes no one new.
  EXPECT_EQ(AdmitRsvp(Evening(1, 3, 0), kNow).value(), RsvpState::kWaitlisted);
}

TEST(RsvpRulesTest, WaitersGoBeforeANewcomerEvenWhenAPlaceIsFree) {
  EXPECT_EQ(AdmitRsvp(Evening(3, 2, 1), kNow).value(), RsvpState::kWaitlisted);
  EXPECT_EQ(WaitersToPromote(Evening(3, 2, 1), kNow), 1);
}

TEST(RsvpRulesTest, AFullWaitlistIsRefused) {
  absl::StatusOr<RsvpState> state = AdmitRsvp(Evening(2, 2, kMaxEventWaitlist), kNow);
  EXPECT_EQ(state.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(state.status().message(), HasSubstr("waitlist"));
  EXPECT_EQ(AdmitRsvp(Evening(2, 2, kMaxEventWaitlist - 1), kNow).value(), RsvpState::kWaitlisted);
}

TEST(RsvpRulesTest, ACancelledOrStartedEventTakesNoRsvpAndPromotesNoOne) {
  Event cancelled = Evening(5, 1, 2);
  cancelled.state = EventState::kCancelled;
  EXPECT_EQ(AdmitRsvp(cancelled, kNow).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(WaitersToPromote(cancelled, kNow), 0);
  const Event started = Evening(5, 1, 2);
  const absl::Time later = started.start + absl::Minutes(1);
  EXPECT_THAT(AdmitRsvp(started, later).status().message(), HasSubstr("started"));
  EXPECT_EQ(WaitersToPromote(started, later), 0);
  EXPECT_EQ(WaitersToPromote(started, started.start - absl::Minutes(1)), 2);
}

TEST(RsvpRulesTest, PromotesAsManyAsThereAreFreePlacesAndWaiters) {
  EXPECT_EQ(WaitersToPromote(Evening(10, 4, 3), kNow), 3);
  EXPECT_EQ(WaitersToPromote(Evening(10, 8, 3), kNow), 2);
  EXPECT_EQ(WaitersToPromote(Evening(10, 10, 3), kNow), 0);
  EXPECT_EQ(WaitersToPromote(Evening(10, 12, 3), kNow), 0);
}

TEST(RsvpRulesTest, ARepeatIsAPlaceStillHeldOrTheKeyThatMadeIt) {
  Rsvp going;
  going.idempotency_key = "k1";
  EXPECT_TRUE(RepeatsRsvp(going, ""));
  EXPECT_TRUE(RepeatsRsvp(going, "another"));
  Rsvp cancelled = going;
  cancelled.state = RsvpState::kCancelled;
  EXPECT_TRUE(RepeatsRsvp(cancelled, "k1"));
  EXPECT_FALSE(RepeatsRsvp(cancelled, "k2"));
  EXPECT_FALSE(RepeatsRsvp(cancelled, ""));
  cancelled.idempotency_key = "";
  EXPECT_FALSE(RepeatsRsvp(cancelled, ""));  // No key: asking anew.
}

TEST(RsvpRulesTest, BadRequestsNameTheField) {
  EXPECT_THAT(ValidateRsvpRequest("", "paris-ada", "").message(), HasSubstr("event_id"));
  EXPECT_THAT(ValidateRsvpRequest("paris-00000000000000a1", "Ada!", "").message(),
              HasSubstr("member_id"));
  EXPECT_THAT(
      ValidateRsvpRequest("paris-00000000000000a1", "paris-ada", std::string(129, 'k')).message(),
      HasSubstr("idempotency_key"));
  EXPECT_TRUE(ValidateRsvpRequest("paris-00000000000000a1", "paris-ada", "retry-1").ok());
}

}  // namespace
}  // namespace cantine::domain
