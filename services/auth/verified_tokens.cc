#include "services/auth/verified_tokens.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace cantine::auth {

absl::StatusOr<MemberTokenClaims> VerifiedTokens::Verify(absl::string_view token,
                                                         const TokenKeyResolver& keys,
                                                         absl::Time now) {
  std::optional<MemberTokenClaims> known;
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) known = it->second;
  }
  if (!known.has_value()) {
    ASSIGN_OR_RETURN(MemberTokenClaims claims, VerifyMemberToken(token, keys, now));
    absl::MutexLock lock(&mu_);
    if (verified_.size() >= capacity_) verified_.clear();
    verified_.emplace(std::string(token), claims);
    return claims;
  }
  // The signature checked out before; the key and the site must still be good.
  ASSIGN_OR_RETURN(Ed25519PublicKey key, keys.Resolve(known->home_site_id, known->key_id, now));
  if (now >= known->expire_time) {
    return absl::UnauthenticatedError(absl::StrCat("member token refused: it expired at ",
                                                   absl::FormatTime(known->expire_time),
                                                   "; log in again"));
  }
  return *known;
}

}  // namespace cantine::auth
