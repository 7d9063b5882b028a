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
