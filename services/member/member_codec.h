#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/member.pb.h"
#include "google/protobuf/repeated_field.h"
#include "services/domain/member.h"

namespace cantine::member {

// Between the domain Member and cantine.v1.Member, its wire and stored form. The state is
// MEMBER_STATE_ERASED for a tombstone, MEMBER_STATE_ACTIVE otherwise.
v1::Member MemberToProto(const domain::Member& member);
absl::StatusOr<domain::Member> MemberFromProto(const v1::Member& proto);

// The fields of a network_visible_fields list; INVALID_ARGUMENT naming `field` and the
// entry for one that is not bio, skills, city or links. Listing one twice is harmless.
absl::StatusOr<domain::ProfileFields> ProfileFieldsFromProto(
    absl::string_view field, const google::protobuf::RepeatedField<int>& proto);

// The profile a RegisterMemberRequest asks for, not validated (domain::ValidateMember).
absl::StatusOr<domain::Member> ProfileFromRequest(const v1::RegisterMemberRequest& request);
// The update an UpdateMemberRequest asks for, not validated.
absl::StatusOr<domain::MemberUpdate> UpdateFromRequest(const v1::UpdateMemberRequest& request);

}  // namespace cantine::member
