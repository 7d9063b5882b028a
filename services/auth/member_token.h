#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth/ed25519.h"
#include "services/domain/member.h"

namespace cantine::auth {

// What a member token proves: who, from which home site, signed by which key, until when.
struct MemberTokenClaims {
  std::string member_id;
  std::string home_site_id;
  std::string key_id;
  absl::Time issue_time;
  absl::Time expire_time;
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

// The token for `claims` (whose key_id must be KeyId of `key`'s public key), signed.
std::string SignMemberToken(const MemberTokenClaims& claims, const Ed25519PrivateKey& key);

// The claims of `token` if it is well-formed, names a member id whose home (the one
// domain::ParseMemberId reads from the id) is the site that signed it, is signed by that
// home's key `key_id`, and is not expired at `now`. The key comes from the id's home, so a
// node verifies a member whose profile has not reached it yet, and one site's key never
// speaks for another site's members (not even "san" for "san-francisco-<hex>").
// UNAUTHENTICATED says which of these failed; the resolver's PERMISSION_DENIED passes
// through.
absl::StatusOr<MemberTokenClaims> VerifyMemberToken(absl::string_view token,
                                                    const TokenKeyResolver& keys, absl::Time now);

// What this node holds of a verified token's member must not contradict it: `held` is the
// member as this node holds it (domain::MemberDirectory::Get). A member not known here yet
// (NOT_FOUND) is fine: its token proves it. UNAUTHENTICATED for a member known to be erased,
// or whose record names another home than the token's; other errors pass through.
absl::Status CheckClaimedHome(const MemberTokenClaims& claims,
                              const absl::StatusOr<domain::Member>& held);

}  // namespace cantine::auth
