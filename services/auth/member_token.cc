#include "services/auth/member_token.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cantine/v1/member.pb.h"
#include "openssl/sha.h"
#include "services/domain/field_checks.h"

namespace cantine::auth {
namespace {

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp proto;
  proto.set_seconds(absl::ToUnixSeconds(t));
  return proto;
}

absl::Time FromProto(const google::protobuf::Timestamp& proto) {
  return absl::FromUnixSeconds(proto.seconds());
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("member token refused: ", why));
}

}  // namespace

std::string KeyId(const Ed25519PublicKey& key) {
  const std::string raw = key.Raw();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 8));
}

std::string SignMemberToken(const MemberTokenClaims& claims, const Ed25519PrivateKey& key) {
  v1::MemberTokenClaims proto;
  proto.set_member_id(claims.member_id);
  proto.set_home_site_id(claims.home_site_id);
  proto.set_key_id(claims.key_id);
  *proto.mutable_issue_time() = ToProto(claims.issue_time);
  *proto.mutable_expire_time() = ToProto(claims.expire_time);
  const std::string body = proto.SerializeAsString();
  return absl::StrCat(absl::WebSafeBase64Escape(body), ".",
                      absl::WebSafeBase64Escape(key.Sign(body)));
}

absl::StatusOr<MemberTokenClaims> VerifyMemberToken(absl::string_view token,
                                                    const TokenKeyResolver& keys, absl::Time now) {
  const std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(token, absl::MaxSplits('.', 1));
  std::string body, signature;
  v1::MemberTokenClaims proto;
  if (parts.second.empty() || !absl::WebSafeBase64Unescape(parts.first, &body) ||
      !absl::WebSafeBase64Unescape(parts.second, &signature) || !proto.ParseFromString(body) ||
      // Checked before they name a key in an error: they are not verified yet.
      !domain::CheckSlug("home_site_id", proto.home_site_id()).ok() ||
      !domain::CheckSlug("key_id", proto.key_id()).ok()) {
    return Unauthenticated("it is not a member token");
  }
  absl::StatusOr<domain::MemberIdParts> id = domain::ParseMemberId("member_id", proto.member_id());
  if (!id.ok()) return Unauthenticated(id.status().message());
  if (proto.home_site_id() != id->home_site_id) {
    return Unauthenticated(absl::StrCat("it is signed by ", proto.home_site_id(), " but member ",
                                        proto.member_id(), " belongs to ", id->home_site_id));
  }
  absl::StatusOr<Ed25519PublicKey> key = keys.Resolve(id->home_site_id, proto.key_id(), now);
  if (!key.ok()) return key.status();
  if (!key->Verify(body, signature)) return Unauthenticated("its signature does not verify");
  MemberTokenClaims claims{.member_id = proto.member_id(),
                           .home_site_id = proto.home_site_id(),
                           .key_id = proto.key_id(),
                           .issue_time = FromProto(proto.issue_time()),
                           .expire_time = FromProto(proto.expire_time())};
  if (now >= claims.expire_time) {
    return Unauthenticated(
        absl::StrCat("it expired at ", absl::FormatTime(claims.expire_time), "; log in again"));
  }
  return claims;
}

absl::Status CheckClaimedHome(const MemberTokenClaims& claims,
                              const absl::StatusOr<domain::Member>& held) {
  if (absl::IsNotFound(held.status())) return absl::OkStatus();  // Not replicated here yet.
  if (!held.ok()) return held.status();
  if (held->erased) {
    return Unauthenticated(absl::StrCat("member ", claims.member_id, " has been erased"));
  }
  if (held->home_site_id != claims.home_site_id) {
    return Unauthenticated(absl::StrCat("it is signed by ", claims.home_site_id, " but member ",
                                        claims.member_id, " belongs to ", held->home_site_id));
  }
  return absl::OkStatus();
}

}  // namespace cantine::auth
