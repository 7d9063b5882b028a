#include "services/auth/member_token.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "cantine/v1/member.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/verified_tokens.h"
#include "tests/support/fake_clock.h"

namespace cantine::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Keys by (site, key id); sites listed in `suspended` are refused.
class FakeResolver final : public TokenKeyResolver {
 public:
  void Add(const std::string& site, const Ed25519PublicKey& key) {
    keys_.insert_or_assign(absl::StrCat(site, "/", KeyId(key)), key);
  }
  void Suspend(const std::string& site) { suspended_ = site; }

  absl::StatusOr<Ed25519PublicKey> Resolve(absl::string_view site_id, absl::string_view key_id,
                                           absl::Time) const override {
    if (site_id == suspended_) return absl::PermissionDeniedError("site suspended");
    auto it = keys_.find(absl::StrCat(site_id, "/", key_id));
    if (it == keys_.end()) return absl::UnauthenticatedError("unknown key");
    return it->second;
  }

 private:
  absl::flat_hash_map<std::string, Ed25519PublicKey> keys_;
  std::string suspended_;
};

class MemberTokenTest : public ::testing::Test {
 protected:
  MemberTokenTest() : paris_key_(Ed25519PrivateKey::Generate()) {
    resolver_.Add("paris", paris_key_.PublicKey());
  }
  MemberTokenClaims Claims() const {
    return {.member_id = "paris-00000000000000aa",
            .home_site_id = "paris",
            .key_id = KeyId(paris_key_.PublicKey()),
            .issue_time = kNow,
            .expire_time = kNow + absl::Hours(12),
            .scopes = {.booking = true},
            .session_start_time = kNow};
  }
  // Ada as her home site holds her.
  static domain::Member Ada() {
    domain::Member ada;
    ada.member_id = "paris-00000000000000aa";
    ada.home_site_id = "paris";
    return ada;
  }
  // A token whose claims are `proto` as they are, signed with paris's key.
  std::string SignProto(const v1::MemberTokenClaims& proto) const {
    const std::string body = proto.SerializeAsString();
    return absl::StrCat(absl::WebSafeBase64Escape(body), ".",
                        absl::WebSafeBase64Escape(paris_key_.Sign(body)));
  }

  Ed25519PrivateKey paris_key_;
  FakeResolver resolver_;
};

TEST_F(MemberTokenTest, ValidTokenVerifiesOfflineWithTheHomeSiteKey) {
  const std::string token = SignMemberToken(Claims(), paris_key_);
  absl::StatusOr<MemberTokenClaims> claims =
      VerifyMemberToken(token, resolver_, kNow + absl::Hours(1));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->member_id, "paris-00000000000000aa");
  EXPECT_EQ(claims->home_site_id, "paris");
}

TEST_F(MemberTokenTest, ExpiredTokenIsUnauthenticated) {
  const std::string token = SignMemberToken(Claims(), paris_key_);
  EXPECT_EQ(VerifyMemberToken(token, resolver_, kNow + absl::Hours(12)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(MemberTokenTest, TokenSignedByAnUnknownKeyIsUnauthenticated) {
  const Ed25519PrivateKey stranger = Ed25519PrivateKey::Generate();
  MemberTokenClaims claims = Claims();
  claims.key_id = KeyId(stranger.PublicKey());
  EXPECT_EQ(VerifyMemberToken(SignMemberToken(claims, stranger), resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  // A stranger's signature under paris's key id does not verify either.
  EXPECT_EQ(VerifyMemberToken(SignMemberToken(Claims(), stranger), resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(MemberTokenTest, TamperedTokenIsUnauthenticated) {
  const std::string token = SignMemberToken(Claims(), paris_key_);
  MemberTokenClaims other = Claims();
  other.member_id = "paris-00000000000000bb";
  const std::string forged_body =
      SignMemberToken(other, paris_key_).substr(0, SignMemberToken(other, paris_key_).find('.'));
  const std::string tampered = forged_body + token.substr(token.find('.'));
  EXPECT_EQ(VerifyMemberToken(tampered, resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  for (const char* garbage : {"", "abc", "a.b", "....", "not-base64!.x"}) {
    EXPECT_EQ(VerifyMemberToken(garbage, resolver_, kNow).status().code(),
              absl::StatusCode::kUnauthenticated)
        << garbage;
  }
}

// Names the site and key it cannot resolve, as the directory does.
class NamingResolver final : public TokenKeyResolver {
 public:
  absl::StatusOr<Ed25519PublicKey> Resolve(absl::string_view site_id, absl::string_view key_id,
                                           absl::Time) const override {
    return absl::UnauthenticatedError(
        absl::StrCat("no site '", site_id, "' with key '", key_id, "'"));
  }
};

TEST_F(MemberTokenTest, UnverifiedSiteAndKeyIdsAreCheckedBeforeAnErrorNamesThem) {
  for (const bool huge_site : {true, false}) {
    MemberTokenClaims claims = Claims();
    (huge_site ? claims.home_site_id : claims.key_id) = std::string(10'000, 'x');
    const absl::Status status =
        VerifyMemberToken(SignMemberToken(claims, paris_key_), NamingResolver(), kNow).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_LT(status.message().size(), 200u) << status.message().substr(0, 200);
  }
}

TEST_F(MemberTokenTest, TokenOfASuspendedSiteIsPermissionDenied) {
  const std::string token = SignMemberToken(Claims(), paris_key_);
  resolver_.Suspend("paris");
  EXPECT_EQ(VerifyMemberToken(token, resolver_, kNow).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(MemberTokenTest, RememberedTokensStillAnswerToSuspensionAndExpiry) {
  VerifiedTokens verified;
  const std::string token = SignMemberToken(Claims(), paris_key_);
  ASSERT_TRUE(verified.Verify(token, resolver_, kNow).ok());
  ASSERT_TRUE(verified.Verify(token, resolver_, kNow + absl::Hours(1)).ok());  // Remembered.
  EXPECT_EQ(verified.Verify(token, resolver_, kNow + absl::Hours(12)).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verified.Verify(tampered, resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  resolver_.Suspend("paris");
  EXPECT_EQ(verified.Verify(token, resolver_, kNow).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(MemberTokenTest, ASiteWhoseIdPrefixesAnothersCannotSignForItsMembers) {
  // "san" holds a key in the directory and signs a token for a member of "san-francisco".
  const Ed25519PrivateKey san_key = Ed25519PrivateKey::Generate();
  resolver_.Add("san", san_key.PublicKey());
  MemberTokenClaims claims = Claims();
  claims.member_id = "san-francisco-00000000000000aa";
  claims.home_site_id = "san";
  claims.key_id = KeyId(san_key.PublicKey());
  absl::StatusOr<MemberTokenClaims> verified =
      VerifyMemberToken(SignMemberToken(claims, san_key), resolver_, kNow);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(verified.status().message()),
              ::testing::HasSubstr("belongs to san-francisco"));
  // Claiming the victim's home under its own key does not verify either.
  claims.home_site_id = "san-francisco";
  EXPECT_EQ(VerifyMemberToken(SignMemberToken(claims, san_key), resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(MemberTokenTest, AMemberNotReplicatedHereYetIsVerifiedButAnErasedOneIsNot) {
  const MemberTokenClaims claims =
      VerifyMemberToken(SignMemberToken(Claims(), paris_key_), resolver_, kNow).value();
  // The token proves a member this node has not heard of: its home's key signed it.
  EXPECT_TRUE(CheckClaimedHome(claims, absl::NotFoundError("no member")).ok());
  domain::Member held;
  held.member_id = claims.member_id;
  held.home_site_id = "paris";
  EXPECT_TRUE(CheckClaimedHome(claims, held).ok());
  held.erased = true;
  EXPECT_EQ(CheckClaimedHome(claims, held).code(), absl::StatusCode::kUnauthenticated);
  held.erased = false;
  held.home_site_id = "milan";  // A record contradicting the token.
  EXPECT_EQ(CheckClaimedHome(claims, held).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CheckClaimedHome(claims, absl::UnavailableError("disk")).code(),
            absl::StatusCode::kUnavailable);
}

// ---- Scopes, the sign-in's maximum lifetime and revocation ----

TEST_F(MemberTokenTest, ScopesAndTheSignInTravelInTheSignedClaims) {
  MemberTokenClaims claims = Claims();
  claims.scopes = {.booking = true, .account = true};
  claims.session_start_time = kNow - absl::Hours(30) + absl::Microseconds(250);  // Sub-second.
  absl::StatusOr<MemberTokenClaims> verified =
      VerifyMemberToken(SignMemberToken(claims, paris_key_), resolver_, kNow);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->scopes, claims.scopes);
  EXPECT_EQ(verified->session_start_time, claims.session_start_time);
}

TEST_F(MemberTokenTest, EachCallNeedsItsScope) {
  MemberTokenClaims claims = Claims();
  EXPECT_TRUE(RequireScope(claims, TokenScope::kBooking).ok());
  const absl::Status account = RequireScope(claims, TokenScope::kAccount);
  EXPECT_EQ(account.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(account.message()), ::testing::HasSubstr("account scope"));
  claims.scopes = {.account = true};
  EXPECT_TRUE(RequireScope(claims, TokenScope::kAccount).ok());
  EXPECT_EQ(RequireScope(claims, TokenScope::kBooking).code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(MemberTokenTest, ATokenWithoutAKnownScopeIsRefused) {
  v1::MemberTokenClaims proto;
  proto.set_member_id("paris-00000000000000aa");
  proto.set_home_site_id("paris");
  proto.set_key_id(KeyId(paris_key_.PublicKey()));
  proto.mutable_issue_time()->set_seconds(absl::ToUnixSeconds(kNow));
  proto.mutable_session_start_time()->set_seconds(absl::ToUnixSeconds(kNow));
  proto.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(kNow + absl::Hours(1)));
  proto.add_scopes(v1::TOKEN_SCOPE_BOOKING);
  ASSERT_TRUE(VerifyMemberToken(SignProto(proto), resolver_, kNow).ok());
  // None (a token of before scopes), UNSPECIFIED, an unknown value, a repeat.
  for (const std::vector<int>& scopes : std::vector<std::vector<int>>{{}, {0}, {1, 7}, {1, 1}}) {
    proto.clear_scopes();
    for (int scope : scopes) proto.add_scopes(static_cast<v1::TokenScope>(scope));
    EXPECT_EQ(VerifyMemberToken(SignProto(proto), resolver_, kNow).status().code(),
              absl::StatusCode::kUnauthenticated)
        << ::testing::PrintToString(scopes);
  }
  // No sign-in time.
  proto.clear_scopes();
  proto.add_scopes(v1::TOKEN_SCOPE_BOOKING);
  proto.clear_session_start_time();
  EXPECT_EQ(VerifyMemberToken(SignProto(proto), resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(MemberTokenTest, ATokenOutlivingItsSignInIsRefusedEvenIfItsHomeSignedIt) {
  MemberTokenClaims claims = Claims();
  claims.session_start_time = kNow - kMaxSessionLifetime + absl::Hours(1);
  claims.expire_time = kNow + absl::Hours(1);
  ASSERT_TRUE(VerifyMemberToken(SignMemberToken(claims, paris_key_), resolver_, kNow).ok());
  claims.expire_time += absl::Microseconds(1);
  EXPECT_EQ(VerifyMemberToken(SignMemberToken(claims, paris_key_), resolver_, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(MemberTokenTest, RefreshesNeverOutliveTheSignIn) {
  testing::FakeClock clock(kNow);
  const std::string key_id = KeyId(paris_key_.PublicKey());
  // The desk signs ada in: a token of both scopes.
  absl::StatusOr<MemberTokenClaims> signed_in = NewTokenClaims(
      Ada(), key_id, {.booking = true, .account = true}, clock.Now(), absl::Hours(24), nullptr);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status();
  EXPECT_EQ(signed_in->session_start_time, kNow);
  std::string token = SignMemberToken(*signed_in, paris_key_);
  // Ada refreshes every 20 hours, each time for 24 hours, with the token she holds.
  absl::Time latest_expiry = signed_in->expire_time;
  int refreshes = 0;
  for (;; ++refreshes) {
    clock.Advance(absl::Hours(20));
    absl::StatusOr<MemberTokenClaims> held = VerifyMemberToken(token, resolver_, clock.Now());
    if (!held.ok()) {
      EXPECT_EQ(held.status().code(), absl::StatusCode::kUnauthenticated);
      break;
    }
    absl::StatusOr<MemberTokenClaims> fresh =
        NewTokenClaims(Ada(), key_id, held->scopes, clock.Now(), absl::Hours(24), &*held);
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    EXPECT_EQ(fresh->session_start_time, kNow);
    EXPECT_LE(fresh->expire_time, kNow + kMaxSessionLifetime);
    latest_expiry = fresh->expire_time;
    token = SignMemberToken(*fresh, paris_key_);
  }
  // Refreshes stopped at the sign-in's end, not a day earlier nor a moment later.
  EXPECT_EQ(latest_expiry, kNow + kMaxSessionLifetime);
  EXPECT_EQ(refreshes, 8);  // 8 x 20 h = 160 h < 168 h; the 9th finds the token expired.
  EXPECT_GE(clock.Now(), kNow + kMaxSessionLifetime);
  // Refreshed in the sign-in's last second, a token lives no longer than the sign-in.
  MemberTokenClaims last = *signed_in;
  const absl::Time end = kNow + kMaxSessionLifetime;
  absl::StatusOr<MemberTokenClaims> fresh =
      NewTokenClaims(Ada(), key_id, last.scopes, end - absl::Seconds(1), absl::Hours(24), &last);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->expire_time, end);
  EXPECT_EQ(NewTokenClaims(Ada(), key_id, last.scopes, end, absl::Hours(24), &last).status().code(),
            absl::StatusCode::kUnauthenticated);
  // The desk starts a new sign-in.
  absl::StatusOr<MemberTokenClaims> again =
      NewTokenClaims(Ada(), key_id, last.scopes, end, absl::Hours(24), nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->session_start_time, end);
}

TEST_F(MemberTokenTest, OnlyAnAccountTokenRefreshesAndItMayAskForEitherScope) {
  const std::string key_id = KeyId(paris_key_.PublicKey());
  MemberTokenClaims booking = Claims();  // Booking scope only.
  EXPECT_EQ(
      NewTokenClaims(Ada(), key_id, booking.scopes, kNow + absl::Hours(1), absl::Hours(1), &booking)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  MemberTokenClaims account = Claims();
  account.scopes = {.account = true};
  absl::StatusOr<MemberTokenClaims> for_booking = NewTokenClaims(
      Ada(), key_id, {.booking = true}, kNow + absl::Hours(1), absl::Hours(1), &account);
  ASSERT_TRUE(for_booking.ok()) << for_booking.status();
  EXPECT_EQ(for_booking->scopes, (TokenScopes{.booking = true}));
  EXPECT_EQ(for_booking->session_start_time, account.session_start_time);
}

TEST_F(MemberTokenTest, ARevocationRefusesEveryTokenOfTheSignInsBeforeIt) {
  VerifiedTokens verified;
  const std::string token = SignMemberToken(Claims(), paris_key_);  // Signed in at kNow.
  domain::Member held = Ada();
  absl::StatusOr<MemberTokenClaims> claims = verified.Verify(token, resolver_, kNow);
  ASSERT_TRUE(claims.ok());
  ASSERT_TRUE(CheckClaimedHome(*claims, held).ok());
  held.tokens_revoked_before = kNow - absl::Microseconds(1);  // Before the sign-in.
  EXPECT_TRUE(CheckClaimedHome(*claims, held).ok());
  held.tokens_revoked_before = kNow;  // At it: the logout of this very sign-in.
  // Remembered by VerifiedTokens, and still refused: revocation is checked on every call.
  claims = verified.Verify(token, resolver_, kNow + absl::Minutes(1));
  ASSERT_TRUE(claims.ok());
  const absl::Status refused = CheckClaimedHome(*claims, held);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("revoked"));
  // A refresh of a revoked sign-in is refused too; the desk signs the member in again once
  // its clock is past the revocation.
  const std::string key_id = KeyId(paris_key_.PublicKey());
  EXPECT_EQ(NewTokenClaims(held, key_id, {.booking = true}, kNow, absl::Hours(1), nullptr)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  absl::StatusOr<MemberTokenClaims> again = NewTokenClaims(
      held, key_id, {.booking = true}, kNow + absl::Microseconds(1), absl::Hours(1), nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(CheckClaimedHome(*again, held).ok());
}

}  // namespace
}  // namespace cantine::auth
