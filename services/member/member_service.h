#pragma once

#include "cantine/v1/member.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"

namespace cantine::member {

// cantine.v1.MemberService: validates, delegates to the MemberRegistry. Until members hold
// tokens, changing or erasing a profile is a manager write (admin credential). Thread-safe.
class MemberServiceImpl final : public v1::MemberService::Service {
 public:
  // Neither owned; both outlive the service.
  MemberServiceImpl(MemberRegistry* registry, const auth::AdminCredential* admin)
      : registry_(registry), admin_(admin) {}

  grpc::Status RegisterMember(grpc::ServerContext* context,
                              const v1::RegisterMemberRequest* request,
                              v1::Member* response) override;
  grpc::Status GetMember(grpc::ServerContext* context, const v1::GetMemberRequest* request,
                         v1::Member* response) override;
  grpc::Status UpdateMember(grpc::ServerContext* context, const v1::UpdateMemberRequest* request,
                            v1::Member* response) override;
  grpc::Status EraseMember(grpc::ServerContext* context, const v1::EraseMemberRequest* request,
                           v1::Member* response) override;

 private:
  absl::Status CheckAdmin(const grpc::ServerContext& context) const;

  MemberRegistry* const registry_;
  const auth::AdminCredential* const admin_;
  const logging::Logger log_{"member"};
};

}  // namespace cantine::member
