#include "storage/transaction_retry.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cantine::storage {
namespace {

TEST(RetryAbortedTest, RunsAgainAfterAbortsUntilTheBodySucceeds) {
  int runs = 0;
  absl::StatusOr<int> result = RetryAborted([&]() -> absl::StatusOr<int> {
    ++runs;
    if (runs <= 2) return absl::AbortedError("lock timeout");
    return 42;
  });
  EXPECT_EQ(runs, 3);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, 42);
}

TEST(RetryAbortedTest, GivesUpAfterMaxAttemptsWithTheLastAbortedStatus) {
  int runs = 0;
  absl::Status result = RetryAborted([&] {
    ++runs;
    return absl::AbortedError(absl::StrCat("lock timeout ", runs));
  });
  EXPECT_EQ(runs, kMaxTransactionAttempts);
  EXPECT_EQ(kMaxTransactionAttempts, 5);
  EXPECT_EQ(result, absl::AbortedError(absl::StrCat("lock timeout ", kMaxTransactionAttempts)));
}

TEST(RetryAbortedTest, OtherErrorsReturnAtOnce) {
  for (const absl::Status& error :
       {absl::UnavailableError("disk"), absl::FailedPreconditionError("full"),
        absl::DataLossError("corrupt"), absl::NotFoundError("none")}) {
    int runs = 0;
    absl::StatusOr<int> result = RetryAborted([&]() -> absl::StatusOr<int> {
      ++runs;
      return error;
    });
    EXPECT_EQ(runs, 1) << error;
    EXPECT_EQ(result.status(), error);
  }
}

TEST(RetryAbortedTest, AnErrorAfterAnAbortEndsTheRetries) {
  int runs = 0;
  absl::Status result = RetryAborted([&] {
    return ++runs == 1 ? absl::AbortedError("lock timeout") : absl::NotFoundError("gone");
  });
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(result, absl::NotFoundError("gone"));
}

TEST(RetryAbortedTest, SuccessRunsOnce) {
  int runs = 0;
  absl::Status result = RetryAborted([&] {
    ++runs;
    return absl::OkStatus();
  });
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace cantine::storage
