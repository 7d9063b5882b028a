#include "services/domain/field_checks.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cantine::domain {
namespace {

TEST(CheckListTest, ChecksEachItemInOrderNamingItsField) {
  const std::vector<std::string> values = {"a", "b", "c"};
  std::vector<std::string> seen;
  absl::Status status = CheckList("tags", values, 3, [&](absl::string_view field, size_t i) {
    seen.push_back(absl::StrCat(field, "=", values[i]));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(seen, (std::vector<std::string>{"tags[0]=a", "tags[1]=b", "tags[2]=c"}));
}

TEST(CheckListTest, TooManyValuesIsRefusedBeforeAnyItemCheck) {
  int checks = 0;
  absl::Status status = CheckList("skills", {"a", "b", "c"}, 2, [&](absl::string_view, size_t) {
    ++checks;
    return absl::OkStatus();
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("skills has 3 entries; at most 2"));
  EXPECT_EQ(checks, 0);
}

TEST(CheckListTest, TheFirstFailingItemsErrorIsReturnedAsItIs) {
  int checks = 0;
  absl::Status status = CheckList("links", {"ok", "bad", "worse"}, 10,
                                  [&](absl::string_view field, size_t i) -> absl::Status {
                                    ++checks;
                                    if (i == 0) return absl::OkStatus();
                                    return absl::InvalidArgumentError(absl::StrCat(field, " bad"));
                                  });
  EXPECT_EQ(status, absl::InvalidArgumentError("links[1] bad"));
  EXPECT_EQ(checks, 2);
}

TEST(CheckListTest, AnEmptyListPasses) {
  EXPECT_TRUE(CheckList("tags", {}, 0, [](absl::string_view, size_t) {
                return absl::InternalError("never called");
              }).ok());
}

TEST(RepeatsEarlierTest, OnlyALaterCopyRepeats) {
  const std::vector<std::string> values = {"a", "b", "a", "c"};
  EXPECT_FALSE(RepeatsEarlier(values, 0));
  EXPECT_FALSE(RepeatsEarlier(values, 1));
  EXPECT_TRUE(RepeatsEarlier(values, 2));
  EXPECT_FALSE(RepeatsEarlier(values, 3));
}

}  // namespace
}  // namespace cantine::domain
