#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace cantine::rpc {

// Conversions between absl time types and the well-known protobuf types. The FromProto
// direction validates (nanos in range) and names `field` in its INVALID_ARGUMENT.
google::protobuf::Timestamp TimeToProto(absl::Time time);
absl::StatusOr<absl::Time> TimeFromProto(absl::string_view field,
                                         const google::protobuf::Timestamp& proto);
google::protobuf::Duration DurationToProto(absl::Duration duration);
absl::StatusOr<absl::Duration> DurationFromProto(absl::string_view field,
                                                 const google::protobuf::Duration& proto);

}  // namespace cantine::rpc
