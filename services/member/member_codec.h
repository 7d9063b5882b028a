#pragma once

#include "absl/status/statusor.h"
#include "cantine/v1/member.pb.h"
#include "services/domain/member.h"

namespace cantine::member {

// Between the domain Member and cantine.v1.Member, its wire and stored form.
v1::Member MemberToProto(const domain::Member& member);
absl::StatusOr<domain::Member> MemberFromProto(const v1::Member& proto);

}  // namespace cantine::member
