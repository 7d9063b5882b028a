#include "services/member/member_codec.h"

#include "absl/strings/str_cat.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::member {
namespace {

v1::ProfileField ProfileFieldToProto(domain::ProfileField field) {
  switch (field) {
    case domain::ProfileField::kBio:
      return v1::PROFILE_FIELD_BIO;
    case domain::ProfileField::kSkills:
      return v1::PROFILE_FIELD_SKILLS;
    case domain::ProfileField::kCity:
      return v1::PROFILE_FIELD_CITY;
    case domain::ProfileField::kLinks:
      return v1::PROFILE_FIELD_LINKS;
  }
  return v1::PROFILE_FIELD_UNSPECIFIED;
}

std::vector<std::string> ToVector(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
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
    proto.add_network_visible_fields(ProfileFieldToProto(field));
  }
  proto.set_state(member.erased ? v1::MEMBER_STATE_ERASED : v1::MEMBER_STATE_ACTIVE);
  return proto;
}

absl::StatusOr<domain::Member> MemberFromProto(const v1::Member& proto) {
  ASSIGN_OR_RETURN(absl::Time created, rpc::TimeFromProto("create_time", proto.create_time()));
  ASSIGN_OR_RETURN(
      domain::ProfileFields shown,
      ProfileFieldsFromProto("network_visible_fields", proto.network_visible_fields()));
  return domain::Member{.member_id = proto.member_id(),
                        .home_site_id = proto.home_site_id(),
                        .display_name = proto.display_name(),
                        .email = proto.email(),
                        .bio = proto.bio(),
                        .create_time = created,
                        .erased = proto.erased(),
                        .skills = ToVector(proto.skills()),
                        .city = proto.city(),
                        .links = ToVector(proto.links()),
                        .network_visible_fields = std::move(shown)};
}

absl::StatusOr<domain::ProfileFields> ProfileFieldsFromProto(
    absl::string_view field, const google::protobuf::RepeatedField<int>& proto) {
  domain::ProfileFields fields;
  for (int i = 0; i < proto.size(); ++i) {
    switch (proto[i]) {
      case v1::PROFILE_FIELD_BIO:
        fields.insert(domain::ProfileField::kBio);
        break;
      case v1::PROFILE_FIELD_SKILLS:
        fields.insert(domain::ProfileField::kSkills);
        break;
      case v1::PROFILE_FIELD_CITY:
        fields.insert(domain::ProfileField::kCity);
        break;
      case v1::PROFILE_FIELD_LINKS:
        fields.insert(domain::ProfileField::kLinks);
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            field, "[", i, "] is ", proto[i],
            ": a member may show network-wide only PROFILE_FIELD_BIO, PROFILE_FIELD_SKILLS, "
            "PROFILE_FIELD_CITY and PROFILE_FIELD_LINKS"));
    }
  }
  return fields;
}

absl::StatusOr<domain::Member> ProfileFromRequest(const v1::RegisterMemberRequest& request) {
  ASSIGN_OR_RETURN(
      domain::ProfileFields shown,
      ProfileFieldsFromProto("network_visible_fields", request.network_visible_fields()));
  return domain::Member{.display_name = request.display_name(),
                        .email = request.email(),
                        .bio = request.bio(),
                        .skills = ToVector(request.skills()),
                        .city = request.city(),
                        .links = ToVector(request.links()),
                        .network_visible_fields = std::move(shown)};
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
