#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/member.pb.h"

namespace cantine::cantinectl {

// The MemberService calls cantinectl makes, so that commands can be run against a fake.
// Errors are the call's status, as the node or the transport gave it. Implementations
// need not be thread-safe.
class MemberClient {
 public:
  virtual ~MemberClient() = default;

  // `admin_credential`, when not empty, is presented as the call's bearer token (the desk
  // registers); empty, the call carries none (a registration request).
  virtual absl::StatusOr<v1::Member> RegisterMember(const v1::RegisterMemberRequest& request,
                                                    const std::string& admin_credential) = 0;
  // `credential`, when not empty, is presented as the call's bearer token: the member's own
  // token or the desk's admin credential reads, at the home site, the whole profile.
  virtual absl::StatusOr<v1::Member> GetMember(const v1::GetMemberRequest& request,
                                               const std::string& credential) = 0;

  // Manager writes, at the member's home site: `admin_credential` is presented as the
  // call's bearer token.
  virtual absl::StatusOr<v1::Member> UpdateMember(const v1::UpdateMemberRequest& request,
                                                  const std::string& admin_credential) = 0;
  virtual absl::StatusOr<v1::Member> EraseMember(const v1::EraseMemberRequest& request,
                                                 const std::string& admin_credential) = 0;

  // At the member's home site. `credential`, presented as the call's bearer token, is the
  // admin credential (the desk issues the token) or the member's still-valid token (a
  // refresh).
  virtual absl::StatusOr<v1::IssueTokenResponse> IssueToken(const v1::IssueTokenRequest& request,
                                                            const std::string& credential) = 0;
};

}  // namespace cantine::cantinectl
