#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cantine::domain {

// What a member may show network-wide. Every other site holds only the fields the member
// shows, and the display name, which always replicates: it is how venues and co-workers see
// the member. The email and the fields not shown stay at the home site. kAttendance is no
// field but a consent: the hosts of the events the member goes to may list the member among
// those going.
enum class ProfileField { kBio, kSkills, kCity, kLinks, kAttendance };
using ProfileFields = std::set<ProfileField>;

// A co-worker, registered at a home site. The home site holds the whole profile; every
// other site holds NetworkView(profile).
struct Member {
  std::string member_id = {};  // MakeMemberId(home_site_id, 16 hex digits).
  std::string home_site_id = {};
  std::string display_name = {};
  std::string email = {};  // Home site only.
  std::string bio = {};
  absl::Time create_time = absl::UnixEpoch();
  bool erased = false;  // A tombstone: id and home site only.
  // Tokens of a sign-in that started at or before this are refused (a logout, or the home
  // desk); replicated, never shown in the profile.
  absl::Time tokens_revoked_before = absl::InfinitePast();
  std::vector<std::string> skills = {};
  std::string city = {};
  std::vector<std::string> links = {};
  ProfileFields network_visible_fields = {};  // Home site only; none by default.
  // Whether the member shows kAttendance: at home kept in step with network_visible_fields
  // (ApplyMemberUpdate); elsewhere all the network holds of that choice (NetworkView), which
  // event hosts read.
  bool shows_attendance = false;
};

// The profile fields a member may change at the home site; unset ones stay.
struct MemberUpdate {
  std::optional<std::string> display_name = std::nullopt;
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> bio = std::nullopt;
  // Revokes the member's tokens of sign-ins started at or before this instant.
  std::optional<absl::Time> tokens_revoked_before = std::nullopt;
  std::optional<std::vector<std::string>> skills = std::nullopt;  // Replaces them all.
  std::optional<std::string> city = std::nullopt;
  std::optional<std::vector<std::string>> links = std::nullopt;  // Replaces them all.
  std::optional<ProfileFields> network_visible_fields = std::nullopt;
};

inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMemberIdSuffixLength = 16;
inline constexpr size_t kMaxSkills = 20;
inline constexpr size_t kMaxSkillLength = 50;
inline constexpr size_t kMaxCityLength = 100;
inline constexpr size_t kMaxLinks = 5;
inline constexpr size_t kMaxLinkLength = 200;

// `member` with the fields `update` sets replaced.
Member ApplyMemberUpdate(Member member, const MemberUpdate& update);

// A search of the co-workers' directory; every criterion given must match, case aside.
struct MemberQuery {
  std::string name;   // A part of the display name.
  std::string skill;  // One of the skills, whole.
  std::string city;   // The city, whole.
};

// INVALID_ARGUMENT naming the field for a criterion longer than its field may be.
absl::Status ValidateMemberQuery(const MemberQuery& query);

// Whether `member`, as the network sees it (NetworkView), is one `query` finds: never an
// erased member, nor one by a field it does not show.
bool Matches(const Member& member, const MemberQuery& query);

// What every site holds of `member`: id, home, display name, creation time, erasure, and
// bio, skills, city and links where the member shows them; no email, no choice of fields.
Member NetworkView(const Member& member);

// A member id names its home site: "<home site id>-<16 lower-case hex digits>". The home is
// everything before the last '-': site ids may hold dashes, the suffix never does, so
// "san-0123456789abcdef" belongs to "san" and "san-francisco-0123456789abcdef" to
// "san-francisco", whatever other sites exist.
struct MemberIdParts {
  std::string home_site_id;
  std::string suffix;
};

// The id of a new member of `home_site_id`; `suffix` is IdGenerator::NewId()'s.
std::string MakeMemberId(absl::string_view home_site_id, absl::string_view suffix);

// The one parse of a member id: every rule that needs a member's home takes it from here.
// INVALID_ARGUMENT naming `field` unless `member_id` is a site id (CheckSlug), '-', and
// exactly 16 lower-case hex digits.
absl::StatusOr<MemberIdParts> ParseMemberId(absl::string_view field, absl::string_view member_id);

// INVALID_ARGUMENT unless `email` looks like local@domain.tld (no spaces, one '@').
absl::Status CheckEmail(absl::string_view field, absl::string_view email);

// INVALID_ARGUMENT unless `link` is an http:// or https:// URL of at most kMaxLinkLength
// bytes: a host of letters, digits, '.', '-', ':', '[' or ']', then no whitespace nor
// control character. A light check: it does not say the link resolves.
absl::Status CheckLink(absl::string_view field, absl::string_view link);

// INVALID_ARGUMENT naming the first bad field of a member profile: display_name (required,
// at most 200 bytes), bio (at most 2000), skills (at most 20, each 1 to 50 bytes, none
// twice), city (at most 100), links (at most 5, each CheckLink), email (CheckEmail).
absl::Status ValidateMember(const Member& member);

// Answers whether a member exists, for the rules that need one (a booking's owner).
// Implemented by the member registry; federation and tokens plug in behind it.
class MemberDirectory {
 public:
  virtual ~MemberDirectory() = default;
  // The member as this node holds it: what it shows network-wide (never its email), or its
  // tombstone once erased. NOT_FOUND naming it when its profile has not reached this node
  // (yet).
  virtual absl::StatusOr<Member> Get(absl::string_view member_id) const = 0;
  // The home site of a known, not erased member; NOT_FOUND naming it otherwise.
  virtual absl::StatusOr<std::string> HomeSiteOf(absl::string_view member_id) const = 0;
};

// The home site of a member that acts for itself with a token its home site signed (so
// the token's signer is the home its id names): the home of its record where this node
// holds one, else the home its id names, for its profile may not have replicated here yet.
// NOT_FOUND for a member this node knows to be erased; INVALID_ARGUMENT for a malformed id.
absl::StatusOr<std::string> HomeSiteOfSignedInMember(const MemberDirectory& members,
                                                     absl::string_view member_id);

}  // namespace cantine::domain
