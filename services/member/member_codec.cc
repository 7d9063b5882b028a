#include "services/member/member_codec.h"

#include "services/rpc/proto_time.h"

namespace cantine::member {

v1::Member MemberToProto(const domain::Member& member) {
  v1::Member proto;
  proto.set_member_id(member.member_id);
  proto.set_home_site_id(member.home_site_id);
  proto.set_display_name(member.display_name);
  proto.set_email(member.email);
  *proto.mutable_create_time() = rpc::TimeToProto(member.create_time);
  proto.set_bio(member.bio);
  proto.set_erased(member.erased);
  return proto;
}

absl::StatusOr<domain::Member> MemberFromProto(const v1::Member& proto) {
  absl::StatusOr<absl::Time> created = rpc::TimeFromProto("create_time", proto.create_time());
  if (!created.ok()) return created.status();
  return domain::Member{.member_id = proto.member_id(),
                        .home_site_id = proto.home_site_id(),
                        .display_name = proto.display_name(),
                        .email = proto.email(),
                        .bio = proto.bio(),
                        .create_time = *created,
                        .erased = proto.erased()};
}

}  // namespace cantine::member
