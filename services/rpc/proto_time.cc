#include "services/rpc/proto_time.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/status_macros.h"

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

v1::CivilDateTime CivilMinuteToProto(absl::CivilMinute t) {
  v1::CivilDateTime proto;
  proto.set_year(static_cast<int32_t>(t.year()));
  proto.set_month(t.month());
  proto.set_day(t.day());
  proto.set_hours(t.hour());
  proto.set_minutes(t.minute());
  return proto;
}

absl::StatusOr<absl::CivilMinute> CivilMinuteFromProto(absl::string_view field,
                                                       const v1::CivilDateTime& proto) {
  v1::CivilDate date;
  date.set_year(proto.year());
  date.set_month(proto.month());
  date.set_day(proto.day());
  ASSIGN_OR_RETURN(absl::CivilDay day, CivilDayFromProto(field, date));
  const bool end_of_day = proto.hours() == 24 && proto.minutes() == 0;
  if (!end_of_day &&
      (proto.hours() < 0 || proto.hours() > 23 || proto.minutes() < 0 || proto.minutes() > 59)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s has time %02d:%02d; hours must be 0-23 and minutes 0-59 (or 24:00 for the end of "
        "the day)",
        field, proto.hours(), proto.minutes()));
  }
  return absl::CivilMinute(day) + (proto.hours() * 60 + proto.minutes());
}

v1::CivilDate CivilDayToProto(absl::CivilDay day) {
  v1::CivilDate proto;
  proto.set_year(static_cast<int32_t>(day.year()));
  proto.set_month(day.month());
  proto.set_day(day.day());
  return proto;
}

absl::StatusOr<absl::CivilDay> CivilDayFromProto(absl::string_view field,
                                                 const v1::CivilDate& proto) {
  if (proto.year() < 2000 || proto.year() > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has year ", proto.year(), "; expected 2000-9999"));
  }
  const absl::CivilDay day(proto.year(), proto.month(), proto.day());
  // CivilDay normalizes (February 30 becomes March 2): a date that moved did not exist.
  if (day.month() != proto.month() || day.day() != proto.day()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s %04d-%02d-%02d is not a calendar date",
                                                      field, proto.year(), proto.month(),
                                                      proto.day()));
  }
  return day;
}

}  // namespace cantine::rpc
