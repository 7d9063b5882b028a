#pragma once

#include <functional>
#include <string>
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

// Sends each of `values` through `call` (a value of the field -> grpc::Status) and expects
// INVALID_ARGUMENT naming `field`.
template <typename Call>
void ExpectEachValueRefusedNaming(const char* field, const std::vector<std::string>& values,
                                  Call call) {
  for (const std::string& value : values) {
    const grpc::Status status = call(value);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << field << " '" << value << "'";
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(field)) << value;
  }
}

}  // namespace cantine::testing
