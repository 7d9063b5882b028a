#include "services/member/member_codec.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/rpc/proto_enum.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::member {
namespace {

constexpr rpc::EnumPair<domain::ProfileField, v1::ProfileField> kProfileFields[] = {
    {domain::ProfileField::kBio, v1::PROFILE_FIELD_BIO},
    {domain::ProfileField::kSkills, v1::PROFILE_FIELD_SKILLS},
    {domain::ProfileField::kCity, v1::PROFILE_FIELD_CITY},
    {domain::ProfileField::kLinks, v1::PROFILE_FIELD_LINKS},
    {domain::ProfileField::kAttendance, v1::PROFILE_FIELD_ATTENDANCE}};

std::vector<std::string> ToVector(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

// The profile `proto` holds: a v1::Member or a v1::RegisterMemberRequest, which name its
// fields alike.
template <typename Proto>
absl::StatusOr<domain::Member> ProfileOf(const Proto& proto) {
  ASSIGN_OR_RETURN(
      domain::ProfileFields shown,
      ProfileFieldsFromProto("network_visible_fields", proto.network_visible_fields()));
  return domain::Member{.display_name = proto.display_name(),
                        .email = proto.email(),
                        .bio = proto.bio(),
                        .skills = ToVector(proto.skills()),
                        .city = proto.city(),
                        .links = ToVector(proto.links()),
                        .network_visible_fields = shown,
                        .shows_attendance = shown.contains(domain::ProfileField::kAttendance)};
}

}  // namespace

v1::Member MemberToProto(const domain::Member& member) {
  v1::Member proto;
  proto.set_member_id(member.member_id);
  proto.set_home_site_id(member.home_site_id);
  proto.set_display_name(member.display_name);
  proto.set_email(member.email);
  *proto.mutable_create_time() = rpc::TimeToProto(member.create_time);
  proto.set_bio(member.bio);
  proto.set_erased(member.erased);
  proto.mutable_skills()->Assign(member.skills.begin(), member.skills.end());
  proto.set_city(member.city);
  proto.mutable_links()->Assign(member.links.begin(), member.links.end());
  for (domain::ProfileField field : member.network_visible_fields) {
    proto.add_network_visible_fields(
        rpc::EnumToProto(kProfileFields, field, v1::PROFILE_FIELD_UNSPECIFIED));
  }
  proto.set_state(member.erased ? v1::MEMBER_STATE_ERASED : v1::MEMBER_STATE_ACTIVE);
  proto.set_shows_attendance(member.shows_attendance);
  return proto;
}

absl::StatusOr<domain::Member> MemberFromProto(const v1::Member& proto) {
  ASSIGN_OR_RETURN(absl::Time created, rpc::TimeFromProto("create_time", proto.create_time()));
  ASSIGN_OR_RETURN(domain::Member member, ProfileOf(proto));
  member.member_id = proto.member_id();
  member.home_site_id = proto.home_site_id();
  member.create_time = created;
  member.erased = proto.erased();
  // A network record holds the choice alone; a home record holds it with the fields shown.
  member.shows_attendance = member.shows_attendance || proto.shows_attendance();
  return member;
}

absl::StatusOr<domain::ProfileFields> ProfileFieldsFromProto(
    absl::string_view field, const google::protobuf::RepeatedField<int>& proto) {
  domain::ProfileFields fields;
  for (int i = 0; i < proto.size(); ++i) {
    std::optional<domain::ProfileField> known = rpc::EnumFromProto(kProfileFields, proto[i]);
    if (!known.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "] is ", proto[i],
          ": a member may show network-wide only PROFILE_FIELD_BIO, PROFILE_FIELD_SKILLS, "
          "PROFILE_FIELD_CITY and PROFILE_FIELD_LINKS"));
    }
    fields.insert(*known);
  }
  return fields;
}

absl::StatusOr<domain::Member> ProfileFromRequest(const v1::RegisterMemberRequest& request) {
  return ProfileOf(request);
}

absl::StatusOr<domain::MemberUpdate> UpdateFromRequest(const v1::UpdateMemberRequest& request) {
  domain::MemberUpdate update;
  if (request.has_display_name()) update.display_name = request.display_name();
  if (request.has_email()) update.email = request.email();
  if (request.has_bio()) update.bio = request.bio();
  if (request.has_skills()) update.skills = ToVector(request.skills().values());
  if (request.has_city()) update.city = request.city();
  if (request.has_links()) update.links = ToVector(request.links().values());
  if (request.has_network_visible_fields()) {
    ASSIGN_OR_RETURN(domain::ProfileFields shown,
                     ProfileFieldsFromProto("network_visible_fields.fields",
                                            request.network_visible_fields().fields()));
    update.network_visible_fields = std::move(shown);
  }
  return update;
}

}  // namespace cantine::member
