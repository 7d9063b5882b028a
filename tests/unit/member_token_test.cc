#include "services/auth/member_token.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/verified_tokens.h"

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
            .expire_time = kNow + absl::Hours(12)};
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

}  // namespace
}  // namespace cantine::auth
