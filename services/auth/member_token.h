#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_field.h"
#include "services/auth/ed25519.h"
#include "services/domain/member.h"

namespace cantine::auth {

// The longest a sign-in lasts: no token of it, refreshed or not, expires later than this
// after the desk's issue (MemberTokenClaims::session_start_time).
inline constexpr absl::Duration kMaxSessionLifetime = absl::Hours(7 * 24);
// The longest one token lives (IssueToken's ttl): a token key rotated out of the directory
// stays listed this long, until the tokens it signed have expired.
inline constexpr absl::Duration kMaxTokenTtl = absl::Hours(24);

// What a token may be used for (cantine.v1.TokenScope).
enum class TokenScope {
  kBooking,  // The member's bookings, at any node; the only scope ever forwarded.
  kAccount,  // The member's profile, erasure, revocation and refreshes, at its home site.
};

// The scopes a token carries.
struct TokenScopes {
  bool booking = false;
  bool account = false;

  bool Has(TokenScope scope) const { return scope == TokenScope::kBooking ? booking : account; }
  bool empty() const { return !booking && !account; }
  friend bool operator==(const TokenScopes&, const TokenScopes&) = default;
};

// "booking", "account" or "booking and account".
std::string ScopeNames(TokenScopes scopes);

// The scopes of a request or of a token's claims (cantine.v1.TokenScope values), each at
// most once. INVALID_ARGUMENT naming `field` for UNSPECIFIED, an unknown value or a repeat.
absl::StatusOr<TokenScopes> ScopesFromProto(absl::string_view field,
                                            const google::protobuf::RepeatedField<int>& scopes);

// What a member token proves: who, from which home site, signed by which key, until when,
// for what, and from which sign-in.
struct MemberTokenClaims {
  std::string member_id;
  std::string home_site_id;
  std::string key_id;
  absl::Time issue_time;
  absl::Time expire_time;
  TokenScopes scopes;
  // The sign-in this token descends from: the desk's issue, copied by every refresh.
  absl::Time session_start_time;
};

// Names a public key: the first 8 bytes of SHA-256 of its raw form, in hex.
std::string KeyId(const Ed25519PublicKey& key);

// Finds the public key a site signs tokens with, for verification at any site.
class TokenKeyResolver {
 public:
  virtual ~TokenKeyResolver() = default;
  // The key `key_id` of `site_id` if it signs tokens at `now`: the site's current key, or
  // a retired one until its expiry. UNAUTHENTICATED when `site_id` lists no such key (or
  // it expired); PERMISSION_DENIED when the site is suspended or removed.
  virtual absl::StatusOr<Ed25519PublicKey> Resolve(absl::string_view site_id,
                                                   absl::string_view key_id,
                                                   absl::Time now) const = 0;
};

// The claims of a new token of `member` (as its home site holds it) with `scopes`, signed
// by key `key_id`, issued at `now` to live `ttl`. With `refreshed` null it starts a sign-in
// (the desk's issue); else it refreshes the verified token `refreshed`, which must carry
// ACCOUNT scope, and belongs to its sign-in: it expires at the earliest of now + ttl and
// the sign-in's start + kMaxSessionLifetime. PERMISSION_DENIED for a refresh without
// ACCOUNT scope; UNAUTHENTICATED once the sign-in is over; UNAVAILABLE when the member's
// tokens were revoked at or after the sign-in's start (a clock that stepped back).
absl::StatusOr<MemberTokenClaims> NewTokenClaims(const domain::Member& member,
                                                 absl::string_view key_id, TokenScopes scopes,
                                                 absl::Time now, absl::Duration ttl,
                                                 const MemberTokenClaims* refreshed);

// The token for `claims` (whose key_id must be KeyId of `key`'s public key), signed.
std::string SignMemberToken(const MemberTokenClaims& claims, const Ed25519PrivateKey& key);

// The claims of `token` if it is well-formed, names a member id whose home (the one
// domain::ParseMemberId reads from the id) is the site that signed it, is signed by that
// home's key `key_id`, carries a scope, expires within kMaxSessionLifetime of its sign-in,
// and is not expired at `now`. The key comes from the id's home, so a
// node verifies a member whose profile has not reached it yet, and one site's key never
// speaks for another site's members (not even "san" for "san-francisco-<hex>").
// UNAUTHENTICATED says which of these failed; the resolver's PERMISSION_DENIED passes
// through.
absl::StatusOr<MemberTokenClaims> VerifyMemberToken(absl::string_view token,
                                                    const TokenKeyResolver& keys, absl::Time now);

// What this node holds of a verified token's member must not contradict it: `held` is the
// member as this node holds it (domain::MemberDirectory::Get). A member not known here yet
// (NOT_FOUND) is fine: its token proves it. UNAUTHENTICATED for a member known to be erased,
// whose record names another home than the token's, or whose tokens were revoked at or
// after the token's sign-in (Member::tokens_revoked_before); other errors pass through.
// Called on every call: revocation is never remembered away.
absl::Status CheckClaimedHome(const MemberTokenClaims& claims,
                              const absl::StatusOr<domain::Member>& held);

// PERMISSION_DENIED, naming the scope needed and the token's, unless `claims` carry `scope`.
absl::Status RequireScope(const MemberTokenClaims& claims, TokenScope scope);

}  // namespace cantine::auth
