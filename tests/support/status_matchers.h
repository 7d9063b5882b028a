#pragma once

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"

namespace cantine::testing {

// Matches an absl::Status whose code is `code` and whose message matches `message` (a
// string matcher, e.g. HasSubstr): one expectation for a refusal and what it says.
//   EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ada")));
MATCHER_P2(StatusIs, code, message, "") {
  *result_listener << "whose status is " << arg;
  return arg.code() == code &&
         ::testing::ExplainMatchResult(message, std::string(arg.message()), result_listener);
}

}  // namespace cantine::testing
