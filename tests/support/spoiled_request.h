#pragma once

#include <cstddef>

#include "google/protobuf/message.h"

namespace cantine::testing {

// Past any field's length limit, well under a call's size limit.
inline constexpr size_t kLongString = 70'000;

// How a request is spoiled: each field of it (and of the messages it holds, two levels
// down) set to a bad value of its type.
enum class Spoil {
  kLongStrings,   // Strings of kLongString; one such element in each repeated string.
  kNegative,      // -1 and the least int64; strings with a path, a newline and markup.
  kHuge,          // The largest integers; the same strings.
  kUnknownEnums,  // Enum numbers no value has.
};

// Spoils every field of `message` as `spoil` says (for the bad-input sweeps of the gRPC and
// JSON APIs).
void SpoilFields(google::protobuf::Message& message, Spoil spoil, int depth = 0);

}  // namespace cantine::testing
