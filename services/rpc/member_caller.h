#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "services/auth/admin_credential.h"
#include "services/auth/member_token.h"
#include "services/auth/verified_tokens.h"
#include "services/domain/member.h"
#include "storage/clock.h"

namespace cantine::rpc {

// Who makes a member's call (a booking, an RSVP): this site's desk, or one member with the
// token it presented.
struct MemberCaller {
  bool desk = false;
  std::string member_id;
  std::string token;
  // The token carries ACCOUNT scope too: it never leaves the node it was presented to.
  bool account_scope = false;
  // The member acting, or std::nullopt for the desk (domain::CheckActsFor).
  std::optional<std::string> acting_member() const;
  // The member a call naming `member_id` is for: the caller itself when `member_id` is
  // empty (the desk must name one). INVALID_ARGUMENT for a malformed id; PERMISSION_DENIED
  // for a member acting for another (domain::CheckActsFor).
  absl::StatusOr<std::string> MemberActedFor(absl::string_view member_id) const;
};

// Authenticates the callers of members' calls at one site: the admin credential is the
// desk; a member token must verify (offline, against its home's key), name a member this
// node does not know to be erased, and carry the call's scope (BOOKING unless the call is an
// account's, such as a calendar feed's). Only a token without ACCOUNT
// scope is forwarded to, or accepted from, another node. Thread-safe.
class MemberCallers {
 public:
  // None owned; all outlive this. `site_id` is this site, named in refusals.
  MemberCallers(const auth::AdminCredential* admin, const auth::TokenKeyResolver* keys,
                const domain::MemberDirectory* members, const storage::Clock* clock,
                std::string site_id);

  // UNAUTHENTICATED without a valid token or credential, or for a revoked token;
  // PERMISSION_DENIED for a member token without `scope`.
  absl::StatusOr<MemberCaller> Authenticate(
      const std::optional<std::string>& bearer,
      auth::TokenScope scope = auth::TokenScope::kBooking) const;
  absl::StatusOr<MemberCaller> Authenticate(
      const grpc::ServerContextBase& context,
      auth::TokenScope scope = auth::TokenScope::kBooking) const;
  // The caller of a call another node forwarded: a member's token without ACCOUNT scope.
  absl::StatusOr<MemberCaller> AuthenticateForwarded(absl::string_view member_token) const;
  // The token to forward to `site_id`; PERMISSION_DENIED for the desk (it acts here only)
  // and for a token with ACCOUNT scope.
  absl::StatusOr<std::string> ForwardableToken(const MemberCaller& caller,
                                               absl::string_view site_id) const;

 private:
  const auth::AdminCredential* const admin_;
  const auth::TokenKeyResolver* const keys_;
  const domain::MemberDirectory* const members_;  // Whose home signs a member's token.
  const storage::Clock* const clock_;
  const std::string site_id_;
  mutable auth::VerifiedTokens verified_tokens_;
};

// The deadline of a call forwarded for `context`'s: the caller's own, but at most `longest`
// from now.
absl::Time ForwardDeadline(const grpc::ServerContextBase& context, absl::Duration longest);

}  // namespace cantine::rpc
