// The rules of the signed site directory: which of two changes every node keeps, which
// change the admin may sign next, and endpoint checks.

#include "services/domain/directory_rules.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace cantine::domain {
namespace {

using Action = DirectoryAction;
using Status = ListingStatus;

ListingChange Change(Action action, uint64_t version, Status status, std::string bytes,
                     std::string token_key = "token-1") {
  return {.action = action,
          .site_id = "lyon",
          .version = version,
          .status = status,
          .entry_public_key = "entry-1",
          .token_public_key = std::move(token_key),
          .signed_bytes = std::move(bytes)};
}

// The change a node keeps after receiving `changes` in this order.
std::string Kept(const std::vector<ListingChange>& changes) {
  ListingChange kept = changes.front();
  for (const ListingChange& change : changes) {
    if (Supersedes(change, kept)) kept = change;
  }
  return kept.signed_bytes;
}

// Every order of `changes` leaves every node with the same change, `expected`.
void ExpectEveryOrderKeeps(std::vector<ListingChange> changes, const std::string& expected) {
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.signed_bytes < b.signed_bytes; });
  int orders = 0;
  do {
    ++orders;
    ASSERT_EQ(Kept(changes), expected) << "after order " << orders;
  } while (std::next_permutation(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return a.signed_bytes < b.signed_bytes;
  }));
  EXPECT_GT(orders, 1);
}

TEST(SupersedesTest, EveryArrivalOrderKeepsTheHighestVersion) {
  ExpectEveryOrderKeeps({Change(Action::kAddSite, 1, Status::kActive, "a"),
                         Change(Action::kSuspendSite, 2, Status::kSuspended, "b"),
                         Change(Action::kReinstateSite, 3, Status::kActive, "c"),
                         Change(Action::kRotateKeys, 4, Status::kActive, "d", "token-2")},
                        "d");
}

TEST(SupersedesTest, TwoChangesOfOneVersionAreOrderedByTheirSignedBytes) {
  // Two admins signed version 2 at once: every node keeps the same one.
  ExpectEveryOrderKeeps({Change(Action::kAddSite, 1, Status::kActive, "a"),
                         Change(Action::kSuspendSite, 2, Status::kSuspended, "x"),
                         Change(Action::kRotateKeys, 2, Status::kActive, "y", "token-2")},
                        "y");
}

TEST(SupersedesTest, ARemovalIsFinalWhateverCameAfterIt) {
  ExpectEveryOrderKeeps({Change(Action::kAddSite, 1, Status::kActive, "a"),
                         Change(Action::kRemoveSite, 2, Status::kRemoved, "r"),
                         Change(Action::kReinstateSite, 3, Status::kActive, "c"),
                         Change(Action::kRotateKeys, 9, Status::kActive, "z", "token-2")},
                        "r");
}

TEST(SupersedesTest, AChangeDoesNotSupersedeItself) {
  const ListingChange change = Change(Action::kAddSite, 1, Status::kActive, "a");
  EXPECT_FALSE(Supersedes(change, change));
  const ListingChange removal = Change(Action::kRemoveSite, 2, Status::kRemoved, "r");
  EXPECT_FALSE(Supersedes(removal, removal));
}

TEST(CheckChangeShapeTest, EachActionLeavesItsStatus) {
  EXPECT_TRUE(CheckChangeShape(Change(Action::kAddSite, 1, Status::kActive, "")).ok());
  EXPECT_TRUE(CheckChangeShape(Change(Action::kSuspendSite, 2, Status::kSuspended, "")).ok());
  EXPECT_TRUE(CheckChangeShape(Change(Action::kReinstateSite, 3, Status::kActive, "")).ok());
  EXPECT_TRUE(CheckChangeShape(Change(Action::kRemoveSite, 3, Status::kRemoved, "")).ok());
  EXPECT_TRUE(CheckChangeShape(Change(Action::kRotateKeys, 3, Status::kSuspended, "")).ok());

  EXPECT_EQ(CheckChangeShape(Change(Action::kSuspendSite, 2, Status::kActive, "")).message(),
            "change.listing.status does not match change.action (active after an addition or "
            "a reinstatement, suspended after a suspension, removed after a removal)");
  EXPECT_FALSE(CheckChangeShape(Change(Action::kRotateKeys, 2, Status::kRemoved, "")).ok());
  EXPECT_FALSE(CheckChangeShape(Change(Action::kAddSite, 1, Status::kSuspended, "")).ok());
}

TEST(CheckChangeShapeTest, VersionsStartAtOneWithTheAddition) {
  EXPECT_EQ(CheckChangeShape(Change(Action::kSuspendSite, 0, Status::kSuspended, "")).message(),
            "change.version must be at least 1");
  EXPECT_EQ(CheckChangeShape(Change(Action::kAddSite, 2, Status::kActive, "")).message(),
            "change.version is 2; a site is added at version 1");
}

TEST(CheckFollowsTest, AnAdditionOnlyOfASiteNotListed) {
  const ListingChange add = Change(Action::kAddSite, 1, Status::kActive, "a");
  EXPECT_TRUE(CheckFollows(nullptr, add).ok());
  EXPECT_EQ(CheckFollows(&add, add).message(), "the directory already lists site 'lyon'");
  const ListingChange suspend = Change(Action::kSuspendSite, 1, Status::kSuspended, "b");
  EXPECT_EQ(CheckFollows(nullptr, suspend).message(), "the directory lists no site 'lyon'");
}

TEST(CheckFollowsTest, EveryOtherChangeAtTheNextVersionFromAValidStatus) {
  const ListingChange active = Change(Action::kAddSite, 1, Status::kActive, "a");
  const ListingChange suspended = Change(Action::kSuspendSite, 2, Status::kSuspended, "b");
  EXPECT_TRUE(CheckFollows(&active, suspended).ok());
  EXPECT_EQ(
      CheckFollows(&active, Change(Action::kSuspendSite, 3, Status::kSuspended, "")).message(),
      "change.version is 3 but the directory holds version 1 of site 'lyon': sign "
      "version 2 over the listing it holds");
  EXPECT_EQ(CheckFollows(&active, Change(Action::kReinstateSite, 2, Status::kActive, "")).message(),
            "site 'lyon' is not suspended");
  EXPECT_EQ(
      CheckFollows(&suspended, Change(Action::kSuspendSite, 3, Status::kSuspended, "")).message(),
      "site 'lyon' is not active");
  EXPECT_TRUE(
      CheckFollows(&suspended, Change(Action::kReinstateSite, 3, Status::kActive, "")).ok());
  EXPECT_TRUE(CheckFollows(&suspended, Change(Action::kRemoveSite, 3, Status::kRemoved, "")).ok());
}

TEST(CheckFollowsTest, ARotationNeedsNewKeysAndKeepsTheStatus) {
  const ListingChange active = Change(Action::kAddSite, 1, Status::kActive, "a");
  EXPECT_TRUE(
      CheckFollows(&active, Change(Action::kRotateKeys, 2, Status::kActive, "", "token-2")).ok());
  EXPECT_EQ(CheckFollows(&active, Change(Action::kRotateKeys, 2, Status::kActive, "")).message(),
            "the keys of site 'lyon' are already these");
  EXPECT_EQ(CheckFollows(&active, Change(Action::kRotateKeys, 2, Status::kSuspended, "", "token-2"))
                .message(),
            "a key rotation keeps the site's status");
}

TEST(CheckFollowsTest, NothingFollowsARemoval) {
  const ListingChange removed = Change(Action::kRemoveSite, 4, Status::kRemoved, "r");
  for (const ListingChange& next :
       {Change(Action::kAddSite, 1, Status::kActive, ""),
        Change(Action::kReinstateSite, 5, Status::kActive, ""),
        Change(Action::kRotateKeys, 5, Status::kRemoved, "", "token-2")}) {
    EXPECT_EQ(CheckFollows(&removed, next).code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(CheckEndpointTest, HostAndPort) {
  for (const char* good :
       {"lyon.cantine.example:7101", "127.0.0.1:7201", "[::1]:443", "node-1.lyon:1"}) {
    EXPECT_TRUE(CheckEndpoint("public_endpoint", good).ok()) << good;
  }
  EXPECT_EQ(CheckEndpoint("public_endpoint", "").message(), "public_endpoint is required");
  EXPECT_EQ(CheckEndpoint("public_endpoint", "lyon").message(),
            "public_endpoint 'lyon' is not host:port: no port");
  for (const char* bad : {"lyon:0", "lyon:65536", "lyon:http", ":7101", "ly on:7101",
                          "[zz::1]:7101", "lyon/x:7101"}) {
    const absl::Status status = CheckEndpoint("federation_endpoint", bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(status.message(), "federation_endpoint '")) << bad;
  }
  EXPECT_FALSE(CheckEndpoint("e", std::string(300, 'a') + ":1").ok());
}

}  // namespace
}  // namespace cantine::domain
