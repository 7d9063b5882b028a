#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::domain {

// A co-worker, registered at a home site.
struct Member {
  std::string member_id;  // "<home site>-<16 hex>".
  std::string home_site_id;
  std::string display_name;
  std::string email;
  absl::Time create_time;
};

inline constexpr size_t kMaxEmailLength = 254;

// INVALID_ARGUMENT unless `email` looks like local@domain.tld (no spaces, one '@').
absl::Status CheckEmail(absl::string_view field, absl::string_view email);

// INVALID_ARGUMENT naming the first bad field of a new member.
absl::Status ValidateNewMember(const Member& member);

// Answers whether a member exists, for the rules that need one (a booking's owner).
// Implemented by the member registry; federation and tokens plug in behind it.
class MemberDirectory {
 public:
  virtual ~MemberDirectory() = default;
  // OK if `member_id` names a known member, NOT_FOUND naming it otherwise.
  virtual absl::Status CheckMember(absl::string_view member_id) const = 0;
};

}  // namespace cantine::domain
