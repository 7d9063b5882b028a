// Signed directory changes: site::OpenDirectoryChange over an arbitrary SignedDirectoryChange
// (mode 0), or over the input's DirectoryChange signed with the admin key (mode 1), then the
// directory rules over what opened: the order replicas keep (domain::Supersedes) is total,
// and the admin's next change of an opened listing opens again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/member_token.h"
#include "services/domain/directory_rules.h"
#include "services/site/directory_change.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/lyon_listing.h"

namespace cantine::fuzz {
namespace {

// The change a node holds for Lyon: its addition, opened once.
const domain::ListingChange& HeldLyon() {
  static const domain::ListingChange* const held = [] {
    const v1::SignedDirectoryChange added = site::SignDirectoryChange(
        site::AddSiteChange(testing::LyonListing(LyonKey().PublicKey()), kNow - absl::Hours(1)),
        AdminKey());
    return new domain::ListingChange(site::ListingChangeOf(
        site::OpenDirectoryChange(added, AdminKey().PublicKey()).value(), added.change()));
  }();
  return *held;
}

// The admin's `next` change of `opened`: when the rules let the admin sign it, it opens.
void CheckNextOpens(const domain::ListingChange& opened, const v1::DirectoryChange& next) {
  const v1::SignedDirectoryChange signed_next = site::SignDirectoryChange(next, AdminKey());
  if (!domain::CheckFollows(&opened, site::ListingChangeOf(next, signed_next.change())).ok()) {
    return;
  }
  const absl::StatusOr<v1::DirectoryChange> reopened =
      site::OpenDirectoryChange(signed_next, AdminKey().PublicKey());
  if (!reopened.ok()) {
    std::fprintf(stderr, "admin's next change does not open: %s\n",
                 reopened.status().ToString().c_str());
  }
  FUZZ_CHECK(reopened.ok());
}

void CheckChange(const v1::SignedDirectoryChange& signed_change) {
  const absl::StatusOr<v1::DirectoryChange> change =
      site::OpenDirectoryChange(signed_change, AdminKey().PublicKey());
  if (!change.ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(change.status()) ||
               absl::IsInvalidArgument(change.status()));
    return;
  }
  FUZZ_CHECK(signed_change.change().size() <= site::kMaxDirectoryChangeBytes);
  FUZZ_CHECK(change->listing().site().site_id() == change->site_id());
  const domain::ListingChange opened = site::ListingChangeOf(*change, signed_change.change());
  FUZZ_CHECK(domain::CheckChangeShape(opened).ok());
  FUZZ_CHECK(auth::Ed25519PublicKey::FromRaw(opened.entry_public_key).ok());
  FUZZ_CHECK(auth::Ed25519PublicKey::FromRaw(opened.token_public_key).ok());

  // Supersedes orders every pair of changes of a site one way only.
  const domain::ListingChange& held = HeldLyon();
  FUZZ_CHECK(!domain::Supersedes(opened, opened));
  FUZZ_CHECK(!(domain::Supersedes(opened, held) && domain::Supersedes(held, opened)));
  (void)domain::CheckFollows(&held, opened);
  (void)domain::CheckFollows(nullptr, opened);

  for (const v1::DirectoryAction action :
       {v1::DIRECTORY_ACTION_SUSPEND_SITE, v1::DIRECTORY_ACTION_REINSTATE_SITE,
        v1::DIRECTORY_ACTION_REMOVE_SITE}) {
    const absl::StatusOr<v1::DirectoryChange> next = site::StatusChange(*change, action, kNow);
    FUZZ_CHECK(next.ok());
    CheckNextOpens(opened, *next);
  }
  const std::string other_key = AdminKey().PublicKey().Raw();
  CheckNextOpens(opened, site::RotateKeysChange(*change,
                                                {.entry_public_key = other_key,
                                                 .token_public_key = other_key,
                                                 .certificate_sha256 = std::string(32, '\x33')},
                                                kNow, auth::kMaxTokenTtl));
}

}  // namespace
}  // namespace cantine::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cantine::fuzz;
  const Input input = SplitInput(data, size);
  if (input.sign) {
    cantine::v1::DirectoryChange change;
    if (!change.ParseFromArray(input.bytes.data(), static_cast<int>(input.bytes.size()))) {
      return 0;
    }
    CheckChange(cantine::site::SignDirectoryChange(change, AdminKey()));
    return 0;
  }
  cantine::v1::SignedDirectoryChange signed_change;
  if (!signed_change.ParseFromArray(input.bytes.data(), static_cast<int>(input.bytes.size()))) {
    return 0;
  }
  CheckChange(signed_change);
  return 0;
}
