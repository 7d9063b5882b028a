#pragma once

#include <optional>

#include "absl/synchronization/mutex.h"
#include "cantine/v1/member.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/auth/member_token.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/member/registration_limiter.h"
#include "services/member/registration_requests.h"
#include "storage/clock.h"

namespace cantine::member {

// cantine.v1.MemberService: validates, delegates to the MemberRegistry. Changing, erasing a
// profile, revoking its tokens and refreshing a token take the home site's desk (admin
// credential) or the member's own token of ACCOUNT scope. Registration is the desk's;
// without a credential it is a request the desk completes (see RegisterMember in
// member.proto). Thread-safe.
class MemberServiceImpl final : public v1::MemberService::Service {
 public:
  // How this home site signs member tokens.
  struct TokenIssuer {
    const auth::Ed25519PrivateKey* key;
    const auth::TokenKeyResolver* keys;  // Verifies a token presented for a refresh.
    const storage::Clock* clock;
  };

  // Registrations made without a credential: requests kept for the desk, rate limited.
  struct AnonymousRegistration {
    RegistrationRequests* requests;
    RegistrationLimiter* limiter;
  };

  // None owned; all outlive the service. `sign_ins` limits the attempts of SignIn, by
  // email.
  MemberServiceImpl(MemberRegistry* registry, const auth::AdminCredential* admin,
                    TokenIssuer tokens, AnonymousRegistration anonymous,
                    RegistrationLimiter* sign_ins)
      : registry_(registry),
        admin_(admin),
        tokens_(tokens),
        anonymous_(anonymous),
        sign_ins_(sign_ins) {}

  // The limits of SignIn attempts (RegistrationLimiter, keyed by email).
  static RegistrationLimiter::Limits SignInLimits() {
    return {.per_address_per_minute = 5,
            .per_site_per_minute = 60,
            .calls = "sign-in attempts",
            .caller = "this email",
            .otherwise = "ask the desk to set a new password"};
  }

  grpc::Status RegisterMember(grpc::ServerContext* context,
                              const v1::RegisterMemberRequest* request,
                              v1::Member* response) override;
  grpc::Status GetMember(grpc::ServerContext* context, const v1::GetMemberRequest* request,
                         v1::Member* response) override;
  grpc::Status SearchMembers(grpc::ServerContext* context, const v1::SearchMembersRequest* request,
                             v1::SearchMembersResponse* response) override;
  grpc::Status UpdateMember(grpc::ServerContext* context, const v1::UpdateMemberRequest* request,
                            v1::Member* response) override;
  grpc::Status EraseMember(grpc::ServerContext* context, const v1::EraseMemberRequest* request,
                           v1::Member* response) override;
  grpc::Status IssueToken(grpc::ServerContext* context, const v1::IssueTokenRequest* request,
                          v1::IssueTokenResponse* response) override;
  grpc::Status SetPassword(grpc::ServerContext* context, const v1::SetPasswordRequest* request,
                           v1::SetPasswordResponse* response) override;
  grpc::Status SignIn(grpc::ServerContext* context, const v1::SignInRequest* request,
                      v1::SignInResponse* response) override;

  inline static constexpr absl::Duration kDefaultTokenTtl = absl::Hours(12);
  inline static constexpr absl::Duration kMaxTokenTtl = auth::kMaxTokenTtl;

 private:
  // Who acts for `member_id`: std::nullopt for the admin credential (the home site's desk),
  // else the claims of the member's own valid token, which must carry `scope` (any scope
  // when `scope` is nullopt). UNAUTHENTICATED without either, or for a revoked token;
  // PERMISSION_DENIED for another member's token, or one without `scope`.
  absl::StatusOr<std::optional<auth::MemberTokenClaims>> ActingFor(
      const grpc::ServerContext& context, absl::string_view member_id,
      std::optional<auth::TokenScope> scope) const;
  // As ActingFor, without the claims.
  absl::Status CheckActsFor(const grpc::ServerContext& context, absl::string_view member_id,
                            std::optional<auth::TokenScope> scope) const {
    return ActingFor(context, member_id, scope).status();
  }
  // Whether the caller may read the whole profile (email, fields not shown, the choice)
  // of `member`, a member of this home site: the member itself (its own valid token of
  // ACCOUNT scope) or this site's desk (a desk reads only its own site's members'). Anyone
  // else, including a caller whose credential does not check out, reads what the member
  // shows network-wide.
  bool SeesWholeProfile(const grpc::ServerContext& context, const domain::Member& member) const;
  // RegisterMember without a credential: a request for the desk, answered the same whether
  // or not the email is taken.
  absl::StatusOr<v1::Member> RequestRegistration(const grpc::ServerContext& context,
                                                 const v1::RegisterMemberRequest& request);

  // A slot to hash a password in: at most kMaxHashing at once (each takes 32 MiB and 0.1 s
  // of a core); UNAVAILABLE when none is free. Release with ReleaseHashing.
  absl::Status TakeHashing() ABSL_LOCKS_EXCLUDED(hashing_mu_);
  void ReleaseHashing() ABSL_LOCKS_EXCLUDED(hashing_mu_);
  static constexpr int kMaxHashing = 4;

  MemberRegistry* const registry_;
  const auth::AdminCredential* const admin_;
  const TokenIssuer tokens_;
  const AnonymousRegistration anonymous_;
  RegistrationLimiter* const sign_ins_;
  absl::Mutex hashing_mu_;
  int hashing_ ABSL_GUARDED_BY(hashing_mu_) = 0;
  const logging::Logger log_{"member"};
};

}  // namespace cantine::member
