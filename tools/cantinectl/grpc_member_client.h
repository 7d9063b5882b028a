#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/cantinectl/member_client.h"

namespace cantine::cantinectl {

// MemberClient over gRPC. Every call gets its own deadline, `timeout` from its start.
// Not thread-safe (cantinectl makes one call at a time).
class GrpcMemberClient final : public MemberClient {
 public:
  GrpcMemberClient(const std::shared_ptr<grpc::ChannelInterface>& channel, absl::Duration timeout);

  absl::StatusOr<v1::Member> RegisterMember(const v1::RegisterMemberRequest& request,
                                            const std::string& admin_credential) override;
  absl::StatusOr<v1::Member> GetMember(const v1::GetMemberRequest& request,
                                       const std::string& credential) override;
  absl::StatusOr<v1::Member> UpdateMember(const v1::UpdateMemberRequest& request,
                                          const std::string& admin_credential) override;
  absl::StatusOr<v1::Member> EraseMember(const v1::EraseMemberRequest& request,
                                         const std::string& admin_credential) override;
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const v1::IssueTokenRequest& request,
                                                    const std::string& credential) override;

 private:
  std::unique_ptr<v1::MemberService::StubInterface> stub_;
  absl::Duration timeout_;
};

}  // namespace cantine::cantinectl
