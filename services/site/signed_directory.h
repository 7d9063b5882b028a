#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cantine/v1/federation.pb.h"

namespace cantine::site {

// The site directory as the network admin changes it: each change of a site's listing is
// signed by the admin key (directory_change.h), taken in at any node and replicated to
// every node. Implemented by SiteDirectory; called by the admin port.
class SignedDirectory {
 public:
  virtual ~SignedDirectory() = default;

  // Takes in a change the admin signed, of `action`: opens it (UNAUTHENTICATED when the
  // admin key did not sign it, INVALID_ARGUMENT naming the field when it is malformed or of
  // another action), checks that it follows the change held for its site
  // (domain::CheckFollows, FAILED_PRECONDITION), then lists it and adds it to this node's
  // oplog in one transaction. FAILED_PRECONDITION when this node has no admin key.
  virtual absl::StatusOr<v1::DirectoryChange> TakeChange(
      const v1::SignedDirectoryChange& signed_change, v1::DirectoryAction action) = 0;

  // The change each site is listed by, as the admin signed it, by site id.
  virtual absl::StatusOr<std::vector<v1::SignedDirectoryChange>> ListChanges() const = 0;
  // The key id (auth::KeyId) of the admin key changes are checked against; empty without one.
  virtual std::string AdminKeyId() const = 0;

  // What MergeChanges did.
  struct MergeReport {
    int listed = 0;   // Changes that superseded the one held, now listed.
    int refused = 0;  // Changes the admin did not sign, or malformed: skipped.
  };
  // Merges the directory as a peer lists it (ListChanges of the peer, sent at the start of
  // a Pull stream): each change is kept as a replicated one would be (domain::Supersedes),
  // in one transaction. A peer cannot forge a change, only withhold one: the changes it
  // lacks still arrive through the oplog.
  virtual absl::StatusOr<MergeReport> MergeChanges(
      const std::vector<v1::SignedDirectoryChange>& changes) = 0;
};

}  // namespace cantine::site
