#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::domain {

// A co-worker, registered at a home site.
struct Member {
  std::string member_id;  // "<home site>-<16 hex>".
  std::string home_site_id;
  std::string display_name;
  std::string email;
  std::string bio;
  absl::Time create_time = absl::UnixEpoch();
  bool erased = false;  // A tombstone: id and home site only.
};

// The profile fields a member may change at the home site; unset ones stay.
struct MemberUpdate {
  std::optional<std::string> display_name = std::nullopt;
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> bio = std::nullopt;
};

inline constexpr size_t kMaxEmailLength = 254;

// INVALID_ARGUMENT unless `email` looks like local@domain.tld (no spaces, one '@').
absl::Status CheckEmail(absl::string_view field, absl::string_view email);

// INVALID_ARGUMENT naming the first bad field of a member profile.
absl::Status ValidateMember(const Member& member);

// Answers whether a member exists, for the rules that need one (a booking's owner).
// Implemented by the member registry; federation and tokens plug in behind it.
class MemberDirectory {
 public:
  virtual ~MemberDirectory() = default;
  // The home site of a known, not erased member; NOT_FOUND naming it otherwise.
  virtual absl::StatusOr<std::string> HomeSiteOf(absl::string_view member_id) const = 0;
};

}  // namespace cantine::domain
