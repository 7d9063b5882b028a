#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/common.pb.h"
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

// Venue civil times. FromProto refuses out-of-range fields and dates that do not exist
// (2027-02-30), naming `field`; 24:00 is accepted as the end of a day.
v1::CivilDateTime CivilMinuteToProto(absl::CivilMinute t);
absl::StatusOr<absl::CivilMinute> CivilMinuteFromProto(absl::string_view field,
                                                       const v1::CivilDateTime& proto);
v1::CivilDate CivilDayToProto(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> CivilDayFromProto(absl::string_view field,
                                                 const v1::CivilDate& proto);

}  // namespace cantine::rpc
