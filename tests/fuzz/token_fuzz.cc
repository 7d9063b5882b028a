// Member tokens: auth::VerifyMemberToken over arbitrary bytes (mode 0), or over the input's
// claims signed with Lyon's token key (mode 1), so that the checks behind the signature are
// reached. A token that verifies must carry claims that keep every promise of the contract.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/auth/member_token.h"
#include "services/domain/member.h"
#include "tests/fuzz/fuzz_support.h"

namespace cantine::fuzz {
namespace {

// Lyon's key; Paris is suspended; no other site signs tokens.
class FixedResolver final : public auth::TokenKeyResolver {
 public:
  absl::StatusOr<auth::Ed25519PublicKey> Resolve(absl::string_view site_id,
                                                 absl::string_view key_id,
                                                 absl::Time) const override {
    if (site_id == "paris") return absl::PermissionDeniedError("site paris is suspended");
    if (site_id != "lyon" || key_id != lyon_key_id_) {
      return absl::UnauthenticatedError("no such key");
    }
    return LyonKey().PublicKey();
  }

 private:
  const std::string lyon_key_id_ = auth::KeyId(LyonKey().PublicKey());
};

void CheckToken(absl::string_view token) {
  static const FixedResolver* const resolver = new FixedResolver();
  const absl::StatusOr<auth::MemberTokenClaims> claims =
      auth::VerifyMemberToken(token, *resolver, kNow);
  if (!claims.ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(claims.status()) ||
               absl::IsPermissionDenied(claims.status()));
    return;
  }
  // What a verified token promises.
  const absl::StatusOr<domain::MemberIdParts> id =
      domain::ParseMemberId("member_id", claims->member_id);
  FUZZ_CHECK(id.ok());
  FUZZ_CHECK(id->home_site_id == claims->home_site_id);
  FUZZ_CHECK(claims->home_site_id == "lyon");
  FUZZ_CHECK(claims->key_id == auth::KeyId(LyonKey().PublicKey()));
  FUZZ_CHECK(!claims->scopes.empty());
  FUZZ_CHECK(kNow < claims->expire_time);
  FUZZ_CHECK(claims->session_start_time <= claims->issue_time);
  FUZZ_CHECK(claims->expire_time <= claims->session_start_time + auth::kMaxSessionLifetime);

  // The same claims signed again verify to themselves: a refresh keeps what it copies.
  const absl::StatusOr<auth::MemberTokenClaims> again =
      auth::VerifyMemberToken(auth::SignMemberToken(*claims, LyonKey()), *resolver, kNow);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->member_id == claims->member_id);
  FUZZ_CHECK(again->issue_time == claims->issue_time);
  FUZZ_CHECK(again->expire_time == claims->expire_time);
  FUZZ_CHECK(again->session_start_time == claims->session_start_time);
  FUZZ_CHECK(again->scopes == claims->scopes);

  // The checks every call makes next, against the member as a node may hold it.
  domain::Member held;
  held.member_id = claims->member_id;
  held.home_site_id = "lyon";
  held.tokens_revoked_before = claims->session_start_time;
  FUZZ_CHECK(absl::IsUnauthenticated(auth::CheckClaimedHome(*claims, held)));
  held.tokens_revoked_before = absl::InfinitePast();
  FUZZ_CHECK(auth::CheckClaimedHome(*claims, held).ok());
  FUZZ_CHECK(auth::RequireScope(*claims, auth::TokenScope::kBooking).ok() ==
             claims->scopes.booking);
}

}  // namespace
}  // namespace cantine::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cantine::fuzz;
  const Input input = SplitInput(data, size);
  if (!input.sign) {
    CheckToken(input.bytes);
    return 0;
  }
  // The input's bytes as the token's body, unparsed: what a signer could put there.
  CheckToken(absl::StrCat(absl::WebSafeBase64Escape(input.bytes), ".",
                          absl::WebSafeBase64Escape(LyonKey().Sign(input.bytes))));
  return 0;
}
