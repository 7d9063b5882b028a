#pragma once

#include <cstddef>
#include <optional>

namespace cantine::rpc {

// One value of a domain enum and the proto enum value that stands for it on the wire and
// on disk. A codec lists them once, in a table, and converts both ways from it:
//
//   constexpr rpc::EnumPair<domain::EventState, v1::EventState> kStates[] = {
//       {domain::EventState::kScheduled, v1::EVENT_STATE_SCHEDULED},
//       {domain::EventState::kCancelled, v1::EVENT_STATE_CANCELLED}};
//
// The table must be one to one: no domain value nor proto value twice.
template <typename Domain, typename Proto>
struct EnumPair {
  Domain domain;
  Proto proto;
};

// The proto value `table` pairs with `value`; `unlisted` when the table lacks it.
template <typename Domain, typename Proto, size_t N>
constexpr Proto EnumToProto(const EnumPair<Domain, Proto> (&table)[N], Domain value,
                            Proto unlisted) {
  for (const EnumPair<Domain, Proto>& pair : table) {
    if (pair.domain == value) return pair.proto;
  }
  return unlisted;
}

// The domain value `table` pairs with the proto value `value` (an int, as a proto's repeated
// enum field and an open enum hold any number); std::nullopt for a value the table does not
// list, which the caller turns into its own error.
template <typename Domain, typename Proto, size_t N>
constexpr std::optional<Domain> EnumFromProto(const EnumPair<Domain, Proto> (&table)[N],
                                              int value) {
  for (const EnumPair<Domain, Proto>& pair : table) {
    if (static_cast<int>(pair.proto) == value) return pair.domain;
  }
  return std::nullopt;
}

}  // namespace cantine::rpc
