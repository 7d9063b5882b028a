#include "services/rpc/proto_enum.h"

#include <optional>

#include "gtest/gtest.h"

namespace cantine::rpc {
namespace {

enum class Color { kRed, kGreen, kBlue };
enum WireColor { WIRE_COLOR_UNSPECIFIED = 0, WIRE_COLOR_RED = 1, WIRE_COLOR_GREEN = 2 };

constexpr EnumPair<Color, WireColor> kColors[] = {{Color::kRed, WIRE_COLOR_RED},
                                                  {Color::kGreen, WIRE_COLOR_GREEN}};

TEST(ProtoEnumTest, ToProtoGivesThePairedValue) {
  EXPECT_EQ(EnumToProto(kColors, Color::kRed, WIRE_COLOR_UNSPECIFIED), WIRE_COLOR_RED);
  EXPECT_EQ(EnumToProto(kColors, Color::kGreen, WIRE_COLOR_UNSPECIFIED), WIRE_COLOR_GREEN);
}

TEST(ProtoEnumTest, ToProtoOfAnUnlistedValueIsTheFallback) {
  EXPECT_EQ(EnumToProto(kColors, Color::kBlue, WIRE_COLOR_UNSPECIFIED), WIRE_COLOR_UNSPECIFIED);
}

TEST(ProtoEnumTest, FromProtoGivesThePairedValue) {
  EXPECT_EQ(EnumFromProto(kColors, WIRE_COLOR_RED), Color::kRed);
  EXPECT_EQ(EnumFromProto(kColors, 2), Color::kGreen);
}

TEST(ProtoEnumTest, FromProtoOfAnUnlistedNumberIsNothing) {
  EXPECT_EQ(EnumFromProto(kColors, WIRE_COLOR_UNSPECIFIED), std::nullopt);
  EXPECT_EQ(EnumFromProto(kColors, 3), std::nullopt);
  EXPECT_EQ(EnumFromProto(kColors, -1), std::nullopt);
}

TEST(ProtoEnumTest, WorksAtCompileTime) {
  static_assert(EnumToProto(kColors, Color::kGreen, WIRE_COLOR_UNSPECIFIED) == WIRE_COLOR_GREEN);
  static_assert(EnumFromProto(kColors, WIRE_COLOR_RED) == Color::kRed);
}

}  // namespace
}  // namespace cantine::rpc
