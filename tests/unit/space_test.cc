#include "services/domain/space.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cantine::domain {
namespace {

using ::testing::HasSubstr;

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

void ExpectInvalid(const Space& space, const std::string& field) {
  absl::Status status = ValidateSpace(space);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(field));
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
  Space space = DeskPool();
  space.space_id = "";
  ExpectInvalid(space, "space_id");
  space.space_id = "Desk Pool";
  ExpectInvalid(space, "space_id");
  space.space_id = std::string(65, 'a');
  ExpectInvalid(space, "space_id");
  space = DeskPool();
  space.display_name = "   ";
  ExpectInvalid(space, "display_name");
  space.display_name = std::string(201, 'x');
  ExpectInvalid(space, "display_name");
  space = DeskPool();
  space.description = "bad \xFF utf8";
  ExpectInvalid(space, "description");
  space.description = "tab\x01";
  ExpectInvalid(space, "description");
}

TEST(SpaceTest, SeatsInRangeForTheKind) {
  Space space = DeskPool();
  space.seats = 0;
  ExpectInvalid(space, "seats");
  space.seats = -4;
  ExpectInvalid(space, "seats");
  space.seats = kMaxDeskPoolSeats + 1;
  ExpectInvalid(space, "seats");
  space.kind = SpaceKind::kMeetingRoom;
  space.seats = kMaxRoomPeople + 1;
  ExpectInvalid(space, "seats");
}

TEST(SpaceTest, PriceNeitherNegativeNorAbsurd) {
  Space space = DeskPool();
  space.price_per_slot_minor = -1;
  ExpectInvalid(space, "price_per_slot");
  space.price_per_slot_minor = kMaxPricePerSlotMinor + 1;
  ExpectInvalid(space, "price_per_slot");
  space.price_per_slot_minor = 0;  // Free is allowed.
  space.visitor_price_per_slot_minor = -5;
  ExpectInvalid(space, "visitor_price_per_slot");
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
