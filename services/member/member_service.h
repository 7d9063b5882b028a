#pragma once

#include "cantine/v1/member.grpc.pb.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"

namespace cantine::member {

// cantine.v1.MemberService: validates, delegates to the MemberRegistry. Thread-safe.
class MemberServiceImpl final : public v1::MemberService::Service {
 public:
  explicit MemberServiceImpl(MemberRegistry* registry) : registry_(registry) {}

  grpc::Status RegisterMember(grpc::ServerContext* context,
                              const v1::RegisterMemberRequest* request,
                              v1::Member* response) override;
  grpc::Status GetMember(grpc::ServerContext* context, const v1::GetMemberRequest* request,
                         v1::Member* response) override;

 private:
  MemberRegistry* const registry_;
  const logging::Logger log_{"member"};
};

}  // namespace cantine::member
