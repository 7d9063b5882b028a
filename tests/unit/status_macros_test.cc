#include "storage/status_macros.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace cantine::storage {
namespace {

absl::Status Check(bool ok, int* evaluations) {
  ++*evaluations;
  return ok ? absl::OkStatus() : absl::NotFoundError("no such space: 'desks'");
}

absl::StatusOr<std::unique_ptr<std::string>> Load(bool ok, int* evaluations) {
  ++*evaluations;
  if (!ok) return absl::AbortedError("contention");
  return std::make_unique<std::string>("paris");
}

absl::StatusOr<std::pair<std::string, int>> Pair(bool ok) {
  if (!ok) return absl::DataLossError("bad key");
  return std::make_pair(std::string("milan"), 7);
}

absl::Status Propagate(bool ok, int* evaluations, bool* reached_end) {
  RETURN_IF_ERROR(Check(ok, evaluations));
  *reached_end = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Unwrap(bool ok, int* evaluations) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> value, Load(ok, evaluations));
  return *value + "!";
}

absl::StatusOr<int> Bind(bool ok) {
  ASSIGN_OR_RETURN((auto [site, seq]), Pair(ok));
  return static_cast<int>(site.size()) + seq;
}

absl::Status ReturnIfErrorOnStatusOr(bool ok) {
  int evaluations = 0;
  RETURN_IF_ERROR(Load(ok, &evaluations));
  return absl::OkStatus();
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsTheErrorUnchangedAndEvaluatesOnce) {
  int evaluations = 0;
  bool reached_end = false;
  const absl::Status status = Propagate(false, &evaluations, &reached_end);
  EXPECT_EQ(status, absl::NotFoundError("no such space: 'desks'"));
  EXPECT_EQ(evaluations, 1);
  EXPECT_FALSE(reached_end);

  EXPECT_TRUE(Propagate(true, &evaluations, &reached_end).ok());
  EXPECT_EQ(evaluations, 2);
  EXPECT_TRUE(reached_end);
}

TEST(StatusMacrosTest, ReturnIfErrorTakesTheStatusOfAStatusOr) {
  EXPECT_EQ(ReturnIfErrorOnStatusOr(false), absl::AbortedError("contention"));
  EXPECT_TRUE(ReturnIfErrorOnStatusOr(true).ok());
}

TEST(StatusMacrosTest, AssignOrReturnMovesTheValueOrReturnsTheError) {
  int evaluations = 0;
  EXPECT_EQ(Unwrap(false, &evaluations).status(), absl::AbortedError("contention"));
  EXPECT_EQ(evaluations, 1);
  absl::StatusOr<std::string> unwrapped = Unwrap(true, &evaluations);
  ASSERT_TRUE(unwrapped.ok());
  EXPECT_EQ(*unwrapped, "paris!");
  EXPECT_EQ(evaluations, 2);
}

TEST(StatusMacrosTest, AssignOrReturnTakesADeclarationWithACommaInParentheses) {
  EXPECT_EQ(Bind(false).status(), absl::DataLossError("bad key"));
  ASSERT_TRUE(Bind(true).ok());
  EXPECT_EQ(*Bind(true), 12);
}

}  // namespace
}  // namespace cantine::storage
