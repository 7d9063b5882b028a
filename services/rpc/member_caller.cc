#include "services/rpc/member_caller.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/domain/booking.h"
#include "services/domain/field_checks.h"
#include "services/rpc/bearer_token.h"
#include "storage/status_macros.h"

namespace cantine::rpc {

std::optional<std::string> MemberCaller::acting_member() const {
  if (desk) return std::nullopt;
  return member_id;
}

absl::StatusOr<std::string> MemberCaller::MemberActedFor(absl::string_view member_id) const {
  // A member acts for itself; its id may be left out.
  const std::string id = member_id.empty() && !desk ? this->member_id : std::string(member_id);
  RETURN_IF_ERROR(domain::CheckSlug("member_id", id));
  RETURN_IF_ERROR(domain::CheckActsFor(acting_member(), id));
  return id;
}

MemberCallers::MemberCallers(const auth::AdminCredential* admin, const auth::TokenKeyResolver* keys,
                             const domain::MemberDirectory* members, const storage::Clock* clock,
                             std::string site_id)
    : admin_(admin), keys_(keys), members_(members), clock_(clock), site_id_(std::move(site_id)) {}

absl::StatusOr<MemberCaller> MemberCallers::Authenticate(const std::optional<std::string>& bearer,
                                                         auth::TokenScope scope) const {
  if (!bearer.has_value()) {
    return absl::UnauthenticatedError(
        "this call needs a member token (MemberService.IssueToken; cantinectl login) or the "
        "admin credential, as 'authorization: Bearer <token>'");
  }
  if (admin_->Check(*bearer).ok())
    return MemberCaller{.desk = true, .member_id = "", .token = "", .account_scope = false};
  ASSIGN_OR_RETURN(auth::MemberTokenClaims claims,
                   verified_tokens_.Verify(*bearer, *keys_, clock_->Now()));
  RETURN_IF_ERROR(auth::CheckClaimedHome(claims, members_->Get(claims.member_id)));
  RETURN_IF_ERROR(auth::RequireScope(claims, scope));
  return MemberCaller{.desk = false,
                      .member_id = claims.member_id,
                      .token = *bearer,
                      .account_scope = claims.scopes.account};
}

absl::StatusOr<MemberCaller> MemberCallers::Authenticate(const grpc::ServerContextBase& context,
                                                         auth::TokenScope scope) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bearer, BearerToken(context));
  return Authenticate(bearer, scope);
}

absl::StatusOr<MemberCaller> MemberCallers::AuthenticateForwarded(
    absl::string_view member_token) const {
  ASSIGN_OR_RETURN(MemberCaller caller, Authenticate(std::string(member_token)));
  if (caller.desk) {
    return absl::PermissionDeniedError("a forwarded call carries a member token only");
  }
  if (caller.account_scope) {
    return absl::PermissionDeniedError(
        "a forwarded call carries a token of booking scope only; this one has account scope "
        "too, which never leaves the member's home site");
  }
  return caller;
}

absl::StatusOr<std::string> MemberCallers::ForwardableToken(const MemberCaller& caller,
                                                            absl::string_view site_id) const {
  if (caller.desk) {
    return absl::PermissionDeniedError(
        absl::StrCat("the admin credential acts at ", site_id_, " only; a call served by ", site_id,
                     " is made with the member's own token, or by ", site_id, "'s desk"));
  }
  if (caller.account_scope) {
    return absl::PermissionDeniedError(absl::StrCat(
        "a token with account scope is never forwarded (this call is served by ", site_id,
        "); use a token of booking scope only ('cantinectl login' keeps one)"));
  }
  return caller.token;
}

absl::Time ForwardDeadline(const grpc::ServerContextBase& context, absl::Duration longest) {
  const absl::Time latest = absl::Now() + longest;
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return latest;
  return std::min(absl::FromChrono(deadline), latest);
}

}  // namespace cantine::rpc
