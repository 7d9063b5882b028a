#include "services/auth/member_token.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cantine/v1/member.pb.h"
#include "openssl/sha.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::auth {
namespace {

// Below the second: a revocation and a sign-in of the same second must still be ordered.
google::protobuf::Timestamp ToProto(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  google::protobuf::Timestamp proto;
  proto.set_seconds(seconds);
  proto.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return proto;
}

absl::Time FromProto(const google::protobuf::Timestamp& proto) {
  return absl::FromUnixSeconds(proto.seconds()) + absl::Nanoseconds(proto.nanos());
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("member token refused: ", why));
}

}  // namespace

std::string ScopeNames(TokenScopes scopes) {
  if (scopes.booking && scopes.account) return "booking and account";
  if (scopes.booking) return "booking";
  if (scopes.account) return "account";
  return "no";
}

absl::StatusOr<TokenScopes> ScopesFromProto(absl::string_view field,
                                            const google::protobuf::RepeatedField<int>& scopes) {
  TokenScopes result;
  for (const int scope : scopes) {
    bool* has = scope == v1::TOKEN_SCOPE_BOOKING   ? &result.booking
                : scope == v1::TOKEN_SCOPE_ACCOUNT ? &result.account
                                                   : nullptr;
    if (has == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " holds ", scope, "; a scope is TOKEN_SCOPE_BOOKING or TOKEN_SCOPE_ACCOUNT"));
    }
    if (*has) return absl::InvalidArgumentError(absl::StrCat(field, " repeats ", scope));
    *has = true;
  }
  return result;
}

std::string KeyId(const Ed25519PublicKey& key) {
  const std::string raw = key.Raw();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 8));
}

absl::StatusOr<MemberTokenClaims> NewTokenClaims(const domain::Member& member,
                                                 absl::string_view key_id, TokenScopes scopes,
                                                 absl::Time now, absl::Duration ttl,
                                                 const MemberTokenClaims* refreshed) {
  if (refreshed != nullptr) {
    RETURN_IF_ERROR(RequireScope(*refreshed, TokenScope::kAccount));
  }
  const absl::Time session_start = refreshed != nullptr ? refreshed->session_start_time : now;
  if (session_start <= member.tokens_revoked_before) {
    return absl::UnavailableError(
        absl::StrCat("the tokens of member ", member.member_id, " were revoked at ",
                     absl::FormatTime(member.tokens_revoked_before), "; try again in a moment"));
  }
  MemberTokenClaims claims{.member_id = member.member_id,
                           .home_site_id = member.home_site_id,
                           .key_id = std::string(key_id),
                           .issue_time = now,
                           .expire_time = std::min(now + ttl, session_start + kMaxSessionLifetime),
                           .scopes = scopes,
                           .session_start_time = session_start};
  if (claims.expire_time <= now) {
    return Unauthenticated(absl::StrCat(
        "the sign-in of member ", member.member_id, " is over (a sign-in lasts at most ",
        absl::FormatDuration(kMaxSessionLifetime), "); sign in again at the home desk"));
  }
  return claims;
}

std::string SignMemberToken(const MemberTokenClaims& claims, const Ed25519PrivateKey& key) {
  v1::MemberTokenClaims proto;
  proto.set_member_id(claims.member_id);
  proto.set_home_site_id(claims.home_site_id);
  proto.set_key_id(claims.key_id);
  *proto.mutable_issue_time() = ToProto(claims.issue_time);
  *proto.mutable_expire_time() = ToProto(claims.expire_time);
  if (claims.scopes.booking) proto.add_scopes(v1::TOKEN_SCOPE_BOOKING);
  if (claims.scopes.account) proto.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  *proto.mutable_session_start_time() = ToProto(claims.session_start_time);
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
  ASSIGN_OR_RETURN(Ed25519PublicKey key, keys.Resolve(id->home_site_id, proto.key_id(), now));
  if (!key.Verify(body, signature)) return Unauthenticated("its signature does not verify");
  absl::StatusOr<TokenScopes> scopes = ScopesFromProto("scopes", proto.scopes());
  if (!scopes.ok()) return Unauthenticated(scopes.status().message());
  if (scopes->empty()) return Unauthenticated("it carries no scope; log in again");
  MemberTokenClaims claims{.member_id = proto.member_id(),
                           .home_site_id = proto.home_site_id(),
                           .key_id = proto.key_id(),
                           .issue_time = FromProto(proto.issue_time()),
                           .expire_time = FromProto(proto.expire_time()),
                           .scopes = *scopes,
                           .session_start_time = FromProto(proto.session_start_time())};
  // The issuer caps every token at its sign-in's lifetime; a token past it was not issued
  // by these rules.
  if (!proto.has_session_start_time() || claims.session_start_time > claims.issue_time ||
      claims.expire_time > claims.session_start_time + kMaxSessionLifetime) {
    return Unauthenticated("it outlives its sign-in's maximum lifetime; log in again");
  }
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
  if (claims.session_start_time <= held->tokens_revoked_before) {
    return Unauthenticated(absl::StrCat("the tokens of member ", claims.member_id,
                                        " were revoked at ",
                                        absl::FormatTime(held->tokens_revoked_before),
                                        " (a logout, or the home desk); log in again"));
  }
  return absl::OkStatus();
}

absl::Status RequireScope(const MemberTokenClaims& claims, TokenScope scope) {
  if (claims.scopes.Has(scope)) return absl::OkStatus();
  const bool booking = scope == TokenScope::kBooking;
  return absl::PermissionDeniedError(
      absl::StrCat("this call needs a member token of ", booking ? "booking" : "account",
                   " scope; this one has ", ScopeNames(claims.scopes), " scope (",
                   booking ? "'cantinectl login' keeps a booking token for booking commands"
                           : "a member's own account token, used at its home site only",
                   ")"));
}

}  // namespace cantine::auth
