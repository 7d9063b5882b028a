#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/auth/member_token.h"

namespace cantine::auth {

// Verifies member tokens, remembering the ones whose signature already checked out, so that
// a member's calls cost one Ed25519 verification per token rather than per call. Every call
// still resolves the signing key (so a suspended site, or a key no longer listed, is refused
// at once) and checks the expiry. Scope and revocation are the caller's to check on every
// call, on the claims returned (RequireScope, CheckClaimedHome): nothing of them is
// remembered here. Thread-safe.
class VerifiedTokens {
 public:
  // At most `capacity` tokens are remembered; when full, the memory starts over.
  explicit VerifiedTokens(size_t capacity = 10000) : capacity_(capacity) {}

  // As VerifyMemberToken.
  absl::StatusOr<MemberTokenClaims> Verify(absl::string_view token, const TokenKeyResolver& keys,
                                           absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, MemberTokenClaims> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::auth
