#include "services/member/member_service.h"

#include "services/domain/field_checks.h"
#include "services/member/member_codec.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/status_conversion.h"

namespace cantine::member {

using rpc::ToGrpcStatus;

absl::Status MemberServiceImpl::CheckAdmin(const grpc::ServerContext& context) const {
  absl::StatusOr<std::optional<std::string>> token = rpc::BearerToken(context);
  if (!token.ok()) return token.status();
  return admin_->Check(*token);
}

grpc::Status MemberServiceImpl::RegisterMember(grpc::ServerContext*,
                                               const v1::RegisterMemberRequest* request,
                                               v1::Member* response) {
  absl::StatusOr<domain::Member> member =
      registry_->Register(request->display_name(), request->email(), request->bio());
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

grpc::Status MemberServiceImpl::UpdateMember(grpc::ServerContext* context,
                                             const v1::UpdateMemberRequest* request,
                                             v1::Member* response) {
  if (absl::Status s = CheckAdmin(*context); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("member_id", request->member_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  domain::MemberUpdate update;
  if (request->has_display_name()) update.display_name = request->display_name();
  if (request->has_email()) update.email = request->email();
  if (request->has_bio()) update.bio = request->bio();
  absl::StatusOr<domain::Member> member = registry_->Update(request->member_id(), update);
  if (!member.ok()) return ToGrpcStatus(member.status());
  *response = MemberToProto(*member);
  return grpc::Status::OK;
}

grpc::Status MemberServiceImpl::EraseMember(grpc::ServerContext* context,
                                            const v1::EraseMemberRequest* request,
                                            v1::Member* response) {
  if (absl::Status s = CheckAdmin(*context); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("member_id", request->member_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::Member> member = registry_->Erase(request->member_id());
  if (!member.ok()) return ToGrpcStatus(member.status());
  log_.Info("erased member ", member->member_id);
  *response = MemberToProto(*member);
  return grpc::Status::OK;
}

}  // namespace cantine::member
