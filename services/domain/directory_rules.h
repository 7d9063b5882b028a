#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cantine::domain {

// The rules of the signed site directory, as plain functions of plain structs. The network
// admin signs every change of a site's listing; nodes receive the changes in any order, from
// any peer, and must all keep the same one.

enum class ListingStatus { kActive, kSuspended, kRemoved };

enum class DirectoryAction { kAddSite, kRotateKeys, kSuspendSite, kReinstateSite, kRemoveSite };

// What the rules read of one signed change of a site's listing.
struct ListingChange {
  DirectoryAction action = DirectoryAction::kAddSite;
  std::string site_id;
  uint64_t version = 0;
  // The listing after the change.
  ListingStatus status = ListingStatus::kActive;
  std::string entry_public_key;  // Raw Ed25519.
  std::string token_public_key;  // Raw Ed25519.
  // The change as the admin signed it: breaks a tie between two changes of one version.
  std::string signed_bytes;
};

// Whether a node holding `kept` replaces it with `candidate` (a change of the same site).
// A total order, so that every node keeps the same change whatever order they arrive in: a
// removal is final and wins over anything but an earlier removal; else the higher version;
// else the greater signed bytes.
bool Supersedes(const ListingChange& candidate, const ListingChange& kept);

// OK when `change` is consistent in itself: a version of at least 1, exactly 1 for an
// addition; the status its action leaves (active after an addition or a reinstatement,
// suspended after a suspension, removed after a removal, and not removed after a key
// rotation). INVALID_ARGUMENT naming the field.
absl::Status CheckChangeShape(const ListingChange& change);

// OK when the admin may sign `change` over `current`, the change a node holds for the site
// (nullptr when it lists no such site): an addition only of a site not listed; any other
// action only of a listed site, not removed, at the next version; a suspension of an active
// site, a reinstatement of a suspended one; a rotation with a token key other than the
// current one. FAILED_PRECONDITION saying why. Checked where a change is made, never where
// it is replicated: replicas only order changes (Supersedes), so that they converge.
absl::Status CheckFollows(const ListingChange* current, const ListingChange& change);

// OK when `endpoint` is host:port, a host name or IP address (IPv6 in brackets) and a port
// from 1 to 65535. INVALID_ARGUMENT naming `field`.
absl::Status CheckEndpoint(absl::string_view field, absl::string_view endpoint);

}  // namespace cantine::domain
