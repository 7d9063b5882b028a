#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth/ed25519.h"

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

// The claims of `token` if it is well-formed, signed by its home site's key `key_id`, and
// not expired at `now`. UNAUTHENTICATED says which of these failed; the resolver's
// PERMISSION_DENIED passes through.
absl::StatusOr<MemberTokenClaims> VerifyMemberToken(absl::string_view token,
                                                    const TokenKeyResolver& keys, absl::Time now);

// A token proves a member only if it is signed by the member's own home site: another
// site's key must not speak for members it does not hold. `actual_home` is the member's
// home site from the replicated profile (NOT_FOUND when this node does not know the member
// yet). UNAUTHENTICATED naming the mismatch otherwise.
absl::Status CheckClaimedHome(const MemberTokenClaims& claims,
                              const absl::StatusOr<std::string>& actual_home);

}  // namespace cantine::auth
