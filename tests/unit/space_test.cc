#include "services/domain/space.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/bad_input.h"

namespace cantine::domain {
namespace {

Space DeskPool() {
  Space space;
  space.site_id = "paris";
  space.space_id = "coworking";
  space.display_name = "Co-working desks";
  space.kind = SpaceKind::kDeskPool;
  space.seats = 24;
  space.price_per_slot_minor = 1500;
  return space;
}

// Each of `cases`, an edit of the desk pool, is refused naming its field.
void ExpectEachInvalid(const std::vector<testing::BadInput<Space>>& cases) {
  testing::ExpectEachInvalidNamingTheField(DeskPool(), cases, ValidateSpace);
}

TEST(SpaceTest, ValidDeskPoolAndRoom) {
  EXPECT_TRUE(ValidateSpace(DeskPool()).ok());
  Space room = DeskPool();
  room.kind = SpaceKind::kMeetingRoom;
  room.seats = 8;
  room.price_per_slot_minor = 8000;
  EXPECT_TRUE(ValidateSpace(room).ok());
}

TEST(SpaceTest, RefusesBadIdsAndNames) {
  ExpectEachInvalid({
      {"space_id", [](Space& s) { s.space_id = ""; }},
      {"space_id", [](Space& s) { s.space_id = "Desk Pool"; }},
      {"space_id", [](Space& s) { s.space_id = std::string(65, 'a'); }},
      {"display_name", [](Space& s) { s.display_name = "   "; }},
      {"display_name", [](Space& s) { s.display_name = std::string(201, 'x'); }},
      {"description", [](Space& s) { s.description = "bad \xFF utf8"; }},
      {"description", [](Space& s) { s.description = "tab\x01"; }},
  });
}

TEST(SpaceTest, SeatsInRangeForTheKind) {
  ExpectEachInvalid({
      {"seats", [](Space& s) { s.seats = 0; }},
      {"seats", [](Space& s) { s.seats = -4; }},
      {"seats", [](Space& s) { s.seats = kMaxDeskPoolSeats + 1; }},
      {"seats",
       [](Space& s) {
         s.kind = SpaceKind::kMeetingRoom;
         s.seats = kMaxRoomPeople + 1;
       }},
  });
}

TEST(SpaceTest, PriceNeitherNegativeNorAbsurd) {
  ExpectEachInvalid({
      {"price_per_slot", [](Space& s) { s.price_per_slot_minor = -1; }},
      {"price_per_slot", [](Space& s) { s.price_per_slot_minor = kMaxPricePerSlotMinor + 1; }},
      {"visitor_price_per_slot",
       [](Space& s) {
         s.price_per_slot_minor = 0;  // Free is allowed.
         s.visitor_price_per_slot_minor = -5;
       }},
  });
  Space space = DeskPool();
  space.price_per_slot_minor = 0;
  space.visitor_price_per_slot_minor = 2000;
  EXPECT_TRUE(ValidateSpace(space).ok());
}

TEST(SpaceTest, UpdateChangesOnlySetFieldsAndValidates) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  SpaceUpdate update;
  update.seats = 30;
  absl::StatusOr<Space> updated = ApplySpaceUpdate(DeskPool(), update, now);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->seats, 30);
  EXPECT_EQ(updated->price_per_slot_minor, 1500);
  EXPECT_EQ(updated->display_name, "Co-working desks");
  EXPECT_EQ(updated->update_time, now);

  update.seats = -1;
  EXPECT_EQ(ApplySpaceUpdate(DeskPool(), update, now).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cantine::domain
