#include "services/member/member_service.h"

#include "services/domain/field_checks.h"
#include "services/member/member_codec.h"
#include "services/rpc/status_conversion.h"

namespace cantine::member {

using rpc::ToGrpcStatus;

grpc::Status MemberServiceImpl::RegisterMember(grpc::ServerContext*,
                                               const v1::RegisterMemberRequest* request,
                                               v1::Member* response) {
  absl::StatusOr<domain::Member> member =
      registry_->Register(request->display_name(), request->email());
  if (!member.ok()) return ToGrpcStatus(member.status());
  log_.Info("registered member ", member->member_id);
  *response = MemberToProto(*member);
  return grpc::Status::OK;
}

grpc::Status MemberServiceImpl::GetMember(grpc::ServerContext*, const v1::GetMemberRequest* request,
                                          v1::Member* response) {
  if (absl::Status s = domain::CheckSlug("member_id", request->member_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::Member> member = registry_->Get(request->member_id());
  if (!member.ok()) return ToGrpcStatus(member.status());
  *response = MemberToProto(*member);
  return grpc::Status::OK;
}

}  // namespace cantine::member
