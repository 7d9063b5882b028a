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
    const v1::RegisterMemberRequest& request) {
  return CallUnary(*stub_, &Stub::RegisterMember, request, timeout_, nullptr);
}

absl::StatusOr<v1::Member> GrpcMemberClient::GetMember(const v1::GetMemberRequest& request) {
  return CallUnary(*stub_, &Stub::GetMember, request, timeout_, nullptr);
}

}  // namespace cantine::cantinectl
