#include "tools/cantinectl/grpc_member_client.h"

#include "tools/cantinectl/grpc_call.h"

namespace cantine::cantinectl {
namespace {

using Stub = v1::MemberService::StubInterface;

}  // namespace

GrpcMemberClient::GrpcMemberClient(const std::shared_ptr<grpc::ChannelInterface>& channel,
                                   absl::Duration timeout)
    : stub_(v1::MemberService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::Member> GrpcMemberClient::RegisterMember(
    const v1::RegisterMemberRequest& request, const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::RegisterMember, request, timeout_,
                   admin_credential.empty() ? nullptr : &admin_credential);
}

absl::StatusOr<v1::Member> GrpcMemberClient::GetMember(const v1::GetMemberRequest& request,
                                                       const std::string& credential) {
  return CallUnary(*stub_, &Stub::GetMember, request, timeout_,
                   credential.empty() ? nullptr : &credential);
}

absl::StatusOr<v1::Member> GrpcMemberClient::UpdateMember(const v1::UpdateMemberRequest& request,
                                                          const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::UpdateMember, request, timeout_, &admin_credential);
}

absl::StatusOr<v1::Member> GrpcMemberClient::EraseMember(const v1::EraseMemberRequest& request,
                                                         const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::EraseMember, request, timeout_, &admin_credential);
}

absl::StatusOr<v1::IssueTokenResponse> GrpcMemberClient::IssueToken(
    const v1::IssueTokenRequest& request, const std::string& credential) {
  return CallUnary(*stub_, &Stub::IssueToken, request, timeout_, &credential);
}

}  // namespace cantine::cantinectl
