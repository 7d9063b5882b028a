#include "services/domain/member.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {

absl::Status CheckEmail(absl::string_view field, absl::string_view email) {
  RETURN_IF_ERROR(CheckText(field, email, kMaxEmailLength, /*required=*/true));
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
  ASSIGN_OR_RETURN(MemberIdParts id, ParseMemberId("member_id", member_id));
  return id.home_site_id;
}

absl::Status CheckLink(absl::string_view field, absl::string_view link) {
  RETURN_IF_ERROR(CheckText(field, link, kMaxLinkLength, /*required=*/true));
  const auto not_a_link = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not an http:// or https:// link like https://example.org/ada"));
  };
  absl::string_view rest = link;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return not_a_link();
  }
  const size_t host_end = std::min(rest.find_first_of("/?#"), rest.size());
  const absl::string_view host = rest.substr(0, host_end);
  if (host.empty()) return not_a_link();
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return not_a_link();
    }
  }
  for (char c : rest) {
    if (absl::ascii_isspace(c)) return not_a_link();
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckSkills(const std::vector<std::string>& skills) {
  return CheckList("skills", skills, kMaxSkills, [&](absl::string_view field, size_t i) {
    RETURN_IF_ERROR(CheckText(field, skills[i], kMaxSkillLength, /*required=*/true));
    if (RepeatsEarlier(skills, i)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " repeats an earlier skill; list each skill once"));
    }
    return absl::OkStatus();
  });
}

absl::Status CheckLinks(const std::vector<std::string>& links) {
  return CheckList("links", links, kMaxLinks,
                   [&](absl::string_view field, size_t i) { return CheckLink(field, links[i]); });
}

}  // namespace

absl::Status ValidateMember(const Member& member) {
  RETURN_IF_ERROR(CheckText("display_name", member.display_name, kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText("bio", member.bio, kMaxDescriptionLength, false));
  RETURN_IF_ERROR(CheckSkills(member.skills));
  RETURN_IF_ERROR(CheckText("city", member.city, kMaxCityLength, false));
  RETURN_IF_ERROR(CheckLinks(member.links));
  return CheckEmail("email", member.email);
}

Member ApplyMemberUpdate(Member member, const MemberUpdate& update) {
  if (update.display_name) member.display_name = *update.display_name;
  if (update.email) member.email = *update.email;
  if (update.bio) member.bio = *update.bio;
  if (update.skills) member.skills = *update.skills;
  if (update.city) member.city = *update.city;
  if (update.links) member.links = *update.links;
  if (update.network_visible_fields) {
    member.network_visible_fields = *update.network_visible_fields;
    member.shows_attendance = member.network_visible_fields.contains(ProfileField::kAttendance);
  }
  return member;
}

Member NetworkView(const Member& member) {
  const auto shown = [&](ProfileField field) {
    return member.network_visible_fields.contains(field);
  };
  Member view{.member_id = member.member_id,
              .home_site_id = member.home_site_id,
              .display_name = member.display_name,
              .create_time = member.create_time,
              .erased = member.erased};
  if (shown(ProfileField::kBio)) view.bio = member.bio;
  if (shown(ProfileField::kSkills)) view.skills = member.skills;
  if (shown(ProfileField::kCity)) view.city = member.city;
  if (shown(ProfileField::kLinks)) view.links = member.links;
  view.shows_attendance = shown(ProfileField::kAttendance);
  return view;
}

absl::Status ValidateMemberQuery(const MemberQuery& query) {
  if (query.name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("name must be at most ", kMaxNameLength, " bytes"));
  }
  if (query.skill.size() > kMaxSkillLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("skill must be at most ", kMaxSkillLength, " bytes"));
  }
  if (query.city.size() > kMaxCityLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("city must be at most ", kMaxCityLength, " bytes"));
  }
  return absl::OkStatus();
}

bool Matches(const Member& member, const MemberQuery& query) {
  if (member.erased) return false;
  if (!query.name.empty() && !absl::StrContains(absl::AsciiStrToLower(member.display_name),
                                                absl::AsciiStrToLower(query.name))) {
    return false;
  }
  if (!query.city.empty() && !absl::EqualsIgnoreCase(member.city, query.city)) return false;
  if (!query.skill.empty() &&
      std::none_of(member.skills.begin(), member.skills.end(), [&](const std::string& skill) {
        return absl::EqualsIgnoreCase(skill, query.skill);
      })) {
    return false;
  }
  return true;
}

}  // namespace cantine::domain
