#include "services/rpc/proto_time.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cantine::rpc {
namespace {

constexpr int32_t kNanosPerSecond = 1'000'000'000;

}  // namespace

google::protobuf::Timestamp TimeToProto(absl::Time time) {
  google::protobuf::Timestamp proto;
  const int64_t seconds = absl::ToUnixSeconds(time);
  proto.set_seconds(seconds);
  proto.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return proto;
}

absl::StatusOr<absl::Time> TimeFromProto(absl::string_view field,
                                         const google::protobuf::Timestamp& proto) {
  if (proto.nanos() < 0 || proto.nanos() >= kNanosPerSecond) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".nanos is out of range"));
  }
  return absl::FromUnixSeconds(proto.seconds()) + absl::Nanoseconds(proto.nanos());
}

google::protobuf::Duration DurationToProto(absl::Duration duration) {
  google::protobuf::Duration proto;
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
  return proto;
}

absl::StatusOr<absl::Duration> DurationFromProto(absl::string_view field,
                                                 const google::protobuf::Duration& proto) {
  if (proto.nanos() <= -kNanosPerSecond || proto.nanos() >= kNanosPerSecond ||
      (proto.seconds() > 0 && proto.nanos() < 0) || (proto.seconds() < 0 && proto.nanos() > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".nanos is out of range"));
  }
  return absl::Seconds(proto.seconds()) + absl::Nanoseconds(proto.nanos());
}

}  // namespace cantine::rpc
