#include "services/domain/member.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"

namespace cantine::domain {

absl::Status CheckEmail(absl::string_view field, absl::string_view email) {
  if (absl::Status s = CheckText(field, email, kMaxEmailLength, /*required=*/true); !s.ok()) {
    return s;
  }
  const size_t at = email.find('@');
  const bool one_at = at != absl::string_view::npos && email.rfind('@') == at;
  const absl::string_view domain = one_at ? email.substr(at + 1) : "";
  if (!one_at || at == 0 || domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || absl::StrContains(email, " ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", email, "' is not an email address like ada@example.org"));
  }
  return absl::OkStatus();
}

std::string MakeMemberId(absl::string_view home_site_id, absl::string_view suffix) {
  return absl::StrCat(home_site_id, "-", suffix);
}

absl::StatusOr<MemberIdParts> ParseMemberId(absl::string_view field, absl::string_view member_id) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", member_id,
                     "' is not a member id (its home site id, '-', 16 lower-case hex digits)"));
  };
  const size_t dash = member_id.rfind('-');
  if (dash == absl::string_view::npos) return invalid();
  const absl::string_view home = member_id.substr(0, dash);
  const absl::string_view suffix = member_id.substr(dash + 1);
  if (suffix.size() != kMemberIdSuffixLength) return invalid();
  for (char c : suffix) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return invalid();
  }
  if (!CheckSlug(field, home).ok()) return invalid();
  return MemberIdParts{.home_site_id = std::string(home), .suffix = std::string(suffix)};
}

absl::StatusOr<std::string> HomeSiteOfSignedInMember(const MemberDirectory& members,
                                                     absl::string_view member_id) {
  absl::StatusOr<Member> held = members.Get(member_id);
  if (held.ok()) {
    if (held->erased) {
      return absl::NotFoundError(absl::StrCat("member '", member_id, "' has been erased"));
    }
    return held->home_site_id;
  }
  if (!absl::IsNotFound(held.status())) return held.status();
  absl::StatusOr<MemberIdParts> id = ParseMemberId("member_id", member_id);
  if (!id.ok()) return id.status();
  return id->home_site_id;
}

absl::Status ValidateMember(const Member& member) {
  if (absl::Status s = CheckText("display_name", member.display_name, kMaxNameLength, true);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("bio", member.bio, kMaxDescriptionLength, false); !s.ok()) {
    return s;
  }
  return CheckEmail("email", member.email);
}

}  // namespace cantine::domain
