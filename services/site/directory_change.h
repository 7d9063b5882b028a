#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/ed25519.h"
#include "services/domain/directory_rules.h"

namespace cantine::site {

// Signed changes of the site directory (cantine.v1.SignedDirectoryChange): how the network
// admin signs them, how a node opens and checks one, and how the admin's tools make the next
// change of a listing.

// At most this many retired token keys, and retired entry keys, in a listing.
inline constexpr int kMaxRetiredTokenKeys = 16;
inline constexpr int kMaxRetiredEntryKeys = 16;
// A serialized DirectoryChange is at most this long (a listing is well under 2 KiB).
inline constexpr size_t kMaxDirectoryChangeBytes = 16 * 1024;

// `change` serialized and signed with the network admin key.
v1::SignedDirectoryChange SignDirectoryChange(const v1::DirectoryChange& change,
                                              const auth::Ed25519PrivateKey& admin_key);

// The change `signed_change` holds, once its signature verifies with `admin_key` and it is
// well formed: at most kMaxDirectoryChangeBytes, a known action, a listing of the change's own site
// whose profile, endpoints, keys (32 bytes each) and certificate digest (32 bytes) are valid, and a
// status its action can leave (domain::CheckChangeShape). UNAUTHENTICATED when the signature does
// not verify; INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<v1::DirectoryChange> OpenDirectoryChange(
    const v1::SignedDirectoryChange& signed_change, const auth::Ed25519PublicKey& admin_key);

// What the directory rules read of `change`, signed as `signed_bytes`.
domain::ListingChange ListingChangeOf(const v1::DirectoryChange& change,
                                      absl::string_view signed_bytes);

// The admin's side: the next change of a site, to be signed.

// Adds `listing` (made active) at version 1.
v1::DirectoryChange AddSiteChange(v1::SiteListing listing, absl::Time now);

// Suspends, reinstates or removes the site `current` lists, at the next version.
// INVALID_ARGUMENT for another action.
absl::StatusOr<v1::DirectoryChange> StatusChange(const v1::DirectoryChange& current,
                                                 v1::DirectoryAction action, absl::Time now);

// The keys a rotation lists.
struct SiteKeys {
  std::string entry_public_key;  // Raw Ed25519.
  std::string token_public_key;  // Raw Ed25519.
  std::string certificate_sha256;
};

// Lists `keys` for the site `current` lists, at the next version. The token key it
// replaces stays listed as retired until `now + token_lifetime` (the longest a token it
// signed can live); retired keys already expired at `now` are dropped. The entry key it
// replaces stays listed as retired (the oldest dropped past kMaxRetiredEntryKeys), so that
// the entries it signed keep verifying.
v1::DirectoryChange RotateKeysChange(const v1::DirectoryChange& current, const SiteKeys& keys,
                                     absl::Time now, absl::Duration token_lifetime);

}  // namespace cantine::site
