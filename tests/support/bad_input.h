#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
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

// The same for a validation function: `validate` (Request -> absl::Status) must answer
// INVALID_ARGUMENT with the case's field in its message for `valid` spoiled by each case.
// For the domain's Validate* functions, whose tests list a value's bad edits as a table.
template <typename Request, typename Validate>
void ExpectEachInvalidNamingTheField(const Request& valid,
                                     const std::vector<BadInput<Request>>& cases,
                                     Validate validate) {
  for (const BadInput<Request>& c : cases) {
    Request request = valid;
    c.spoil(request);
    const absl::Status status = validate(request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field << ": " << status;
    EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(c.field)) << c.field;
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
