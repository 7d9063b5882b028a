#include "services/member/member_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/auth/password_hash.h"
#include "services/domain/field_checks.h"
#include "services/member/member_codec.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/peer_address.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::member {
namespace {

// The lifetime a request for a token asks (its `ttl`), the default when unset.
template <typename Request>
absl::StatusOr<absl::Duration> TokenTtl(const Request& request) {
  if (!request.has_ttl()) return MemberServiceImpl::kDefaultTokenTtl;
  ASSIGN_OR_RETURN(const absl::Duration ttl, rpc::DurationFromProto("ttl", request.ttl()));
  if (ttl <= absl::ZeroDuration() || ttl > MemberServiceImpl::kMaxTokenTtl) {
    return absl::InvalidArgumentError(
        absl::StrCat("ttl must be more than 0 and at most ",
                     absl::FormatDuration(MemberServiceImpl::kMaxTokenTtl)));
  }
  return ttl;
}

}  // namespace

grpc::Status MemberServiceImpl::RegisterMember(grpc::ServerContext* context,
                                               const v1::RegisterMemberRequest* request,
                                               v1::Member* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<std::string> bearer, rpc::BearerToken(*context));
    if (!bearer.has_value()) {
      ASSIGN_OR_RETURN(*response, RequestRegistration(*context, *request));
      return absl::OkStatus();
    }
    // With a credential, only the desk's: a member token registers no one.
    RETURN_IF_ERROR(admin_->Check(*bearer));

    ASSIGN_OR_RETURN(domain::Member profile, ProfileFromRequest(*request));
    // The email alone completes the request made with it.
    v1::RegisterMemberRequest email_only;
    email_only.set_email(request->email());
    if (google::protobuf::util::MessageDifferencer::Equals(*request, email_only)) {
      RETURN_IF_ERROR(domain::CheckEmail("email", request->email()));
      absl::StatusOr<domain::Member> requested = anonymous_.requests->Find(request->email());
      if (!requested.ok()) {
        return absl::Status(
            requested.status().code(),
            absl::StrCat(requested.status().message(),
                         "; send display_name (and the profile) to register the member directly"));
      }
      profile = *std::move(requested);
    }
    ASSIGN_OR_RETURN(domain::Member member, registry_->Register(profile));
    if (absl::Status s = anonymous_.requests->Remove(member.email); !s.ok()) {
      log_.Warning("registration request of member ", member.member_id,
                   " not dropped (it expires on its own): ", s.message());
    }
    log_.Info("registered member ", member.member_id);
    *response = MemberToProto(member);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Member> MemberServiceImpl::RequestRegistration(
    const grpc::ServerContext& context, const v1::RegisterMemberRequest& request) {
  RETURN_IF_ERROR(anonymous_.limiter->Admit(rpc::PeerHost(context.peer())));
  ASSIGN_OR_RETURN(domain::Member profile, ProfileFromRequest(request));
  RETURN_IF_ERROR(domain::ValidateMember(profile));
  // Whether the email is taken is never read: the answer is the same either way, and the
  // desk finds out when it completes the request.
  RETURN_IF_ERROR(anonymous_.requests->Put(profile));
  log_.Info("registration request received; the desk completes it");
  profile.home_site_id = registry_->home_site_id();
  v1::Member pending = MemberToProto(profile);
  pending.clear_create_time();
  pending.set_state(v1::MEMBER_STATE_PENDING);
  return pending;
}

grpc::Status MemberServiceImpl::GetMember(grpc::ServerContext* context,
                                          const v1::GetMemberRequest* request,
                                          v1::Member* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    ASSIGN_OR_RETURN(domain::Member member, registry_->Get(request->member_id()));
    if (!member.erased && member.home_site_id == registry_->home_site_id() &&
        SeesWholeProfile(*context, member)) {
      ASSIGN_OR_RETURN(member, registry_->GetAtHome(member.member_id));
    }
    *response = MemberToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status MemberServiceImpl::SearchMembers(grpc::ServerContext* /*context*/,
                                              const v1::SearchMembersRequest* request,
                                              v1::SearchMembersResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(
        const storage::Page<domain::Member> page,
        registry_->Search(
            {.name = request->name(), .skill = request->skill(), .city = request->city()},
            request->page_size(), request->page_token()));
    for (const domain::Member& member : page.items)
      *response->add_members() = MemberToProto(member);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

bool MemberServiceImpl::SeesWholeProfile(const grpc::ServerContext& context,
                                         const domain::Member& member) const {
  absl::StatusOr<std::optional<std::string>> bearer = rpc::BearerToken(context);
  if (!bearer.ok() || !bearer->has_value()) return false;
  // A desk acts at its own site only: another site's members' private data is not its to
  // read.
  if (admin_->Check(**bearer).ok()) return member.home_site_id == registry_->home_site_id();
  return CheckActsFor(context, member.member_id, auth::TokenScope::kAccount).ok();
}

absl::StatusOr<std::optional<auth::MemberTokenClaims>> MemberServiceImpl::ActingFor(
    const grpc::ServerContext& context, absl::string_view member_id,
    std::optional<auth::TokenScope> scope) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bearer, rpc::BearerToken(context));
  if (!bearer.has_value()) {
    return absl::UnauthenticatedError(
        "this call needs the member's own token or the admin credential (the desk), as "
        "'authorization: Bearer <token>'");
  }
  if (admin_->Check(*bearer).ok()) return std::nullopt;
  ASSIGN_OR_RETURN(auth::MemberTokenClaims claims,
                   auth::VerifyMemberToken(*bearer, *tokens_.keys, tokens_.clock->Now()));
  RETURN_IF_ERROR(auth::CheckClaimedHome(claims, registry_->Get(claims.member_id)));
  if (claims.member_id != member_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "member ", claims.member_id, " may act only on its own profile, not on ", member_id, "'s"));
  }
  if (scope.has_value()) {
    RETURN_IF_ERROR(auth::RequireScope(claims, *scope));
  }
  return claims;
}

grpc::Status MemberServiceImpl::UpdateMember(grpc::ServerContext* context,
                                             const v1::UpdateMemberRequest* request,
                                             v1::Member* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    RETURN_IF_ERROR(CheckActsFor(*context, request->member_id(), auth::TokenScope::kAccount));
    ASSIGN_OR_RETURN(domain::MemberUpdate update, UpdateFromRequest(*request));
    // The instant tokens are issued by (IssueToken), so a sign-in after it stays valid.
    if (request->revoke_tokens()) update.tokens_revoked_before = tokens_.clock->Now();
    ASSIGN_OR_RETURN(domain::Member member, registry_->Update(request->member_id(), update));
    if (request->revoke_tokens()) log_.Info("revoked the tokens of member ", member.member_id);
    *response = MemberToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status MemberServiceImpl::EraseMember(grpc::ServerContext* context,
                                            const v1::EraseMemberRequest* request,
                                            v1::Member* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    RETURN_IF_ERROR(CheckActsFor(*context, request->member_id(), auth::TokenScope::kAccount));
    ASSIGN_OR_RETURN(domain::Member member, registry_->Erase(request->member_id()));
    log_.Info("erased member ", member.member_id);
    *response = MemberToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status MemberServiceImpl::IssueToken(grpc::ServerContext* context,
                                           const v1::IssueTokenRequest* request,
                                           v1::IssueTokenResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    ASSIGN_OR_RETURN(const absl::Duration ttl, TokenTtl(*request));
    ASSIGN_OR_RETURN(auth::TokenScopes scopes, auth::ScopesFromProto("scopes", request->scopes()));
    if (scopes.empty()) scopes.booking = true;
    // The desk (admin credential) signs the member in; a member refreshes with a token of
    // ACCOUNT scope still valid, for either scope, within the same sign-in.
    ASSIGN_OR_RETURN(std::optional<auth::MemberTokenClaims> caller,
                     ActingFor(*context, request->member_id(), auth::TokenScope::kAccount));
    const absl::Time now = tokens_.clock->Now();
    ASSIGN_OR_RETURN(domain::Member member, registry_->Get(request->member_id()));
    RETURN_IF_ERROR(registry_->CheckMember(member.member_id));
    if (member.home_site_id != registry_->home_site_id()) {
      return absl::FailedPreconditionError(absl::StrCat("member '", member.member_id,
                                                        "' belongs to ", member.home_site_id,
                                                        "; its home site issues its tokens"));
    }
    ASSIGN_OR_RETURN(auth::MemberTokenClaims claims,
                     auth::NewTokenClaims(member, auth::KeyId(tokens_.key->PublicKey()), scopes,
                                          now, ttl, caller.has_value() ? &*caller : nullptr));
    response->set_token(auth::SignMemberToken(claims, *tokens_.key));
    *response->mutable_expire_time() = rpc::TimeToProto(claims.expire_time);
    return absl::OkStatus();
  });
}

absl::Status MemberServiceImpl::TakeHashing() {
  absl::MutexLock lock(&hashing_mu_);
  if (hashing_ >= kMaxHashing) {
    return absl::UnavailableError("too many passwords are being checked at once: retry shortly");
  }
  ++hashing_;
  return absl::OkStatus();
}

void MemberServiceImpl::ReleaseHashing() {
  absl::MutexLock lock(&hashing_mu_);
  --hashing_;
}

grpc::Status MemberServiceImpl::SetPassword(grpc::ServerContext* context,
                                            const v1::SetPasswordRequest* request,
                                            v1::SetPasswordResponse* /*response*/) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    RETURN_IF_ERROR(auth::CheckPassword("password", request->password()));
    RETURN_IF_ERROR(CheckActsFor(*context, request->member_id(), auth::TokenScope::kAccount));
    RETURN_IF_ERROR(TakeHashing());
    absl::StatusOr<std::string> hash = auth::HashPassword(request->password());
    ReleaseHashing();
    RETURN_IF_ERROR(hash.status());
    RETURN_IF_ERROR(registry_->SetPassword(request->member_id(), *hash));
    log_.Info("set the password of member ", request->member_id());
    return absl::OkStatus();
  });
}

grpc::Status MemberServiceImpl::SignIn(grpc::ServerContext* /*context*/,
                                       const v1::SignInRequest* request,
                                       v1::SignInResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckEmail("email", request->email()));
    if (request->password().empty() || request->password().size() > 1024) {
      return absl::InvalidArgumentError("password must be 1 to 1024 bytes long");
    }
    ASSIGN_OR_RETURN(const absl::Duration ttl, TokenTtl(*request));
    ASSIGN_OR_RETURN(auth::TokenScopes scopes, auth::ScopesFromProto("scopes", request->scopes()));
    if (scopes.empty()) scopes = {.booking = true, .account = true};
    RETURN_IF_ERROR(sign_ins_->Admit(absl::AsciiStrToLower(request->email())));
    ASSIGN_OR_RETURN(std::optional<MemberRegistry::PasswordHolder> holder,
                     registry_->PasswordHolderOf(request->email()));
    // An unknown email is checked against a hash of nothing: it takes as long as a wrong
    // password, and is refused with the same words.
    static const std::string* const kNoPassword =
        new std::string(auth::HashPassword("no member has this password").value_or(""));
    RETURN_IF_ERROR(TakeHashing());
    absl::StatusOr<bool> matches = auth::VerifyPassword(
        request->password(), holder.has_value() ? holder->password_hash : *kNoPassword);
    ReleaseHashing();
    RETURN_IF_ERROR(matches.status());
    if (!holder.has_value() || !*matches) {
      return absl::UnauthenticatedError("the email or the password is wrong");
    }
    ASSIGN_OR_RETURN(auth::MemberTokenClaims claims,
                     auth::NewTokenClaims(holder->member, auth::KeyId(tokens_.key->PublicKey()),
                                          scopes, tokens_.clock->Now(), ttl, nullptr));
    response->set_member_id(holder->member.member_id);
    response->set_token(auth::SignMemberToken(claims, *tokens_.key));
    *response->mutable_expire_time() = rpc::TimeToProto(claims.expire_time);
    log_.Info("member ", holder->member.member_id, " signed in");
    return absl::OkStatus();
  });
}

}  // namespace cantine::member
