#pragma once

#include <functional>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"

namespace cantine::testing {

// One bad input of a request: what `spoil` breaks, and the field the refusal must name.
template <typename Request>
struct BadInput {
  const char* field;
  std::function<void(Request&)> spoil;
};

// Sends `valid` spoiled by each of `cases` through `call` (Request -> grpc::Status) and
// expects INVALID_ARGUMENT with the case's field in its message.
template <typename Request, typename Call>
void ExpectEachRefusedNamingTheField(const Request& valid,
                                     const std::vector<BadInput<Request>>& cases, Call call) {
  for (const BadInput<Request>& c : cases) {
    Request request = valid;
    c.spoil(request);
    const grpc::Status status = call(request);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(c.field)) << c.field;
  }
}

}  // namespace cantine::testing
