// The signed site directory: changes the network admin signs, opened and checked, taken in
// at a node, replicated in any order, and overriding what a site says of itself.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/replication/entry_signing.h"
#include "services/site/directory_change.h"
#include "services/site/site_directory.h"
#include "storage/oplog.h"
#include "storage/status_macros.h"
#include "tests/support/fake_clock.h"
#include "tests/support/lyon_listing.h"
#include "tests/support/site_log.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace cantine::site {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2027, 1, 4, 9, 0, 0), absl::UTCTimeZone());
constexpr absl::Duration kTokenLifetime = absl::Hours(24);

v1::SiteListing LyonListing(const auth::Ed25519PrivateKey& site_key) {
  return testing::LyonListing(site_key.PublicKey());
}
// The change `signed_change` holds, as the admin wrote it (no checks).
v1::DirectoryChange ChangeIn(const v1::SignedDirectoryChange& signed_change) {
  v1::DirectoryChange change;
  EXPECT_TRUE(change.ParseFromString(signed_change.change()));
  return change;
}

class DirectoryChangeTest : public ::testing::Test {
 protected:
  const auth::Ed25519PrivateKey admin_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey lyon_ = auth::Ed25519PrivateKey::Generate();
};

TEST_F(DirectoryChangeTest, OpensWhatTheAdminSigned) {
  const v1::SignedDirectoryChange signed_change =
      SignDirectoryChange(AddSiteChange(LyonListing(lyon_), kNow), admin_);
  const v1::DirectoryChange change = OpenDirectoryChange(signed_change, admin_.PublicKey()).value();
  EXPECT_EQ(change.action(), v1::DIRECTORY_ACTION_ADD_SITE);
  EXPECT_EQ(change.version(), 1u);
  EXPECT_EQ(change.listing().status(), v1::SITE_STATUS_ACTIVE);
  EXPECT_EQ(change.listing().site().city(), "Lyon");
}

TEST_F(DirectoryChangeTest, RefusesAnotherKeyAndAnyAlteredByte) {
  const v1::SignedDirectoryChange signed_change =
      SignDirectoryChange(AddSiteChange(LyonListing(lyon_), kNow), admin_);
  EXPECT_THAT(
      (OpenDirectoryChange(SignDirectoryChange(ChangeIn(signed_change), lyon_), admin_.PublicKey()))
          .status(),
      testing::StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  for (size_t i = 0; i < signed_change.change().size(); i += 7) {
    v1::SignedDirectoryChange altered = signed_change;
    (*altered.mutable_change())[i] ^= 0x01;
    EXPECT_THAT((OpenDirectoryChange(altered, admin_.PublicKey())).status(),
                testing::StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_))
        << "byte " << i;
  }
}

TEST_F(DirectoryChangeTest, AMalformedChangeNamesItsField) {
  const auto open = [&](v1::DirectoryChange change) {
    return OpenDirectoryChange(SignDirectoryChange(change, admin_), admin_.PublicKey()).status();
  };
  const v1::DirectoryChange good = AddSiteChange(LyonListing(lyon_), kNow);
  v1::DirectoryChange change = good;
  change.mutable_listing()->set_public_endpoint("lyon");
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("public_endpoint")));
  change = good;
  change.mutable_listing()->set_token_public_key("short");
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("token_public_key")));
  change = good;
  change.mutable_listing()->clear_certificate_sha256();
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("certificate_sha256")));
  change = good;
  change.set_site_id("rome");
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("change.site_id")));
  change = good;
  change.mutable_listing()->mutable_site()->set_time_zone("Mars/Olympus");
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("time_zone")));
  change = good;
  change.set_action(v1::DIRECTORY_ACTION_UNSPECIFIED);
  EXPECT_THAT(open(change), testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("change.action")));
  v1::SignedDirectoryChange oversized = SignDirectoryChange(good, admin_);
  oversized.mutable_change()->append(kMaxDirectoryChangeBytes, 'x');
  EXPECT_THAT(OpenDirectoryChange(oversized, admin_.PublicKey()).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                ::testing::HasSubstr("signed_change.change")));
}

TEST_F(DirectoryChangeTest, ARotationRetiresTheTokenKeyUntilItsTokensExpire) {
  const v1::DirectoryChange added = AddSiteChange(LyonListing(lyon_), kNow);
  const auth::Ed25519PrivateKey next = auth::Ed25519PrivateKey::Generate();
  const v1::DirectoryChange rotated =
      RotateKeysChange(added,
                       {.entry_public_key = next.PublicKey().Raw(),
                        .token_public_key = next.PublicKey().Raw(),
                        .certificate_sha256 = std::string(32, '\x6b')},
                       kNow + absl::Hours(1), kTokenLifetime);
  EXPECT_EQ(rotated.version(), 2u);
  EXPECT_EQ(rotated.action(), v1::DIRECTORY_ACTION_ROTATE_KEYS);
  EXPECT_EQ(rotated.listing().token_public_key(), next.PublicKey().Raw());
  ASSERT_EQ(rotated.listing().retired_token_keys_size(), 1);
  EXPECT_EQ(rotated.listing().retired_token_keys(0).public_key(), lyon_.PublicKey().Raw());
  EXPECT_EQ(rotated.listing().retired_token_keys(0).expire_time().seconds(),
            absl::ToUnixSeconds(kNow + absl::Hours(1) + kTokenLifetime));
  EXPECT_TRUE(OpenDirectoryChange(SignDirectoryChange(rotated, admin_), admin_.PublicKey()).ok());

  // Rotated again after the first retired key expired: only the second stays retired.
  const v1::DirectoryChange again =
      RotateKeysChange(rotated,
                       {.entry_public_key = lyon_.PublicKey().Raw(),
                        .token_public_key = admin_.PublicKey().Raw(),
                        .certificate_sha256 = std::string(32, '\x6b')},
                       kNow + absl::Hours(30), kTokenLifetime);
  ASSERT_EQ(again.listing().retired_token_keys_size(), 1);
  EXPECT_EQ(again.listing().retired_token_keys(0).public_key(), next.PublicKey().Raw());
  // Entry keys stay retired (entries they signed keep verifying) unless back in use.
  ASSERT_EQ(rotated.listing().retired_entry_keys_size(), 1);
  EXPECT_EQ(rotated.listing().retired_entry_keys(0), lyon_.PublicKey().Raw());
  ASSERT_EQ(again.listing().retired_entry_keys_size(), 1);
  EXPECT_EQ(again.listing().retired_entry_keys(0), next.PublicKey().Raw());
}

TEST_F(DirectoryChangeTest, AStatusChangeIsTheNextVersionOfTheSameListing) {
  const v1::DirectoryChange added = AddSiteChange(LyonListing(lyon_), kNow);
  const v1::DirectoryChange suspended =
      StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, kNow).value();
  EXPECT_EQ(suspended.version(), 2u);
  EXPECT_EQ(suspended.listing().status(), v1::SITE_STATUS_SUSPENDED);
  EXPECT_EQ(suspended.listing().public_endpoint(), added.listing().public_endpoint());
  EXPECT_THAT((StatusChange(added, v1::DIRECTORY_ACTION_ADD_SITE, kNow)).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

// A node's directory over its own store, taking changes signed by `admin`.
class SignedDirectoryTest : public ::testing::Test {
 protected:
  struct NodeDirectory {
    NodeDirectory(const std::string& path, const storage::Clock* clock,
                  const storage::EntrySigner* signer, const std::string& site_id,
                  std::optional<auth::Ed25519PublicKey> admin_key)
        : log(path, clock, signer, site_id),
          directory(log.store(), log.oplog(), std::move(admin_key)) {}
    testing::SiteLog log;
    SiteDirectory directory;
  };

  std::unique_ptr<NodeDirectory> MakeNode(const std::string& site_id,
                                          std::optional<auth::Ed25519PublicKey> admin_key) {
    return std::make_unique<NodeDirectory>(dir_.Sub(site_id), &clock_, &signer_, site_id,
                                           std::move(admin_key));
  }

  v1::SignedDirectoryChange Sign(const v1::DirectoryChange& change) {
    return SignDirectoryChange(change, admin_);
  }

  // Applies `signed_change` at `node` as a replicated entry, in one transaction.
  static absl::Status Replicate(NodeDirectory& node, const v1::SignedDirectoryChange& change) {
    v1::OplogEntry entry;
    entry.set_kind(v1::ENTRY_KIND_DIRECTORY_CHANGE);
    entry.set_payload(change.SerializeAsString());
    std::unique_ptr<storage::Transaction> txn = node.log.store()->BeginTransaction();
    RETURN_IF_ERROR(node.directory.ApplyRemoteChange(*txn, entry));
    return txn->Commit();
  }

  static std::vector<std::string> Listed(const NodeDirectory& node) {
    absl::StatusOr<std::vector<v1::SignedDirectoryChange>> changes = node.directory.ListChanges();
    std::vector<std::string> listed;
    if (!changes.ok()) {
      ADD_FAILURE() << changes.status();
      return listed;
    }
    for (const v1::SignedDirectoryChange& change : *changes) {
      listed.push_back(change.SerializeAsString());
    }
    return listed;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  replication::KeySigner signer_{auth::Ed25519PrivateKey::Generate()};
  const auth::Ed25519PrivateKey admin_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey lyon_ = auth::Ed25519PrivateKey::Generate();
};

TEST_F(SignedDirectoryTest, TheListingOverridesWhatTheSitePublishesOfItself) {
  auto paris = MakeNode("paris", admin_.PublicKey());
  // Lyon published its own entry (relayed here), saying it is active, with a key of its own.
  const auth::Ed25519PrivateKey self_key = auth::Ed25519PrivateKey::Generate();
  v1::DirectoryEntry own;
  own.mutable_site()->set_site_id("lyon");
  own.mutable_site()->set_display_name("Lyon, as it says");
  own.mutable_site()->mutable_policy()->set_max_booking_days(7);
  own.set_public_key(self_key.PublicKey().Raw());
  own.set_status(v1::SITE_STATUS_ACTIVE);
  own.set_member_visit_days_per_month(3);
  ASSERT_TRUE(paris->directory.PublishOwn(own, kNow, kTokenLifetime).ok());

  const v1::DirectoryChange added = AddSiteChange(LyonListing(lyon_), kNow);
  ASSERT_TRUE(paris->directory.TakeChange(Sign(added), v1::DIRECTORY_ACTION_ADD_SITE).ok());
  const v1::DirectoryChange suspended =
      StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, kNow).value();
  ASSERT_TRUE(paris->directory.TakeChange(Sign(suspended), v1::DIRECTORY_ACTION_SUSPEND_SITE).ok());

  const v1::DirectoryEntry entry = paris->directory.Get("lyon").value();
  EXPECT_EQ(entry.site().display_name(), "La Cantine Lyon");
  EXPECT_EQ(entry.public_key(), lyon_.PublicKey().Raw());
  EXPECT_EQ(entry.status(), v1::SITE_STATUS_SUSPENDED);
  EXPECT_EQ(entry.site().policy().max_booking_days(), 7);  // The site's own.
  EXPECT_EQ(entry.member_visit_days_per_month(), 3);       // The site's own.
  EXPECT_EQ(paris->directory.StatusOf("lyon").value(), v1::SITE_STATUS_SUSPENDED);
  EXPECT_THAT((paris->directory.Resolve("lyon", auth::KeyId(lyon_.PublicKey()), kNow)).status(),
              testing::StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT((paris->directory.Resolve("lyon", auth::KeyId(self_key.PublicKey()), kNow)).status(),
              testing::StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  // Republishing itself changes nothing of what the admin lists: only the admin reinstates.
  own.mutable_site()->set_display_name("Lyon, active again");
  ASSERT_TRUE(paris->directory.PublishOwn(own, kNow, kTokenLifetime).ok());
  EXPECT_EQ(paris->directory.StatusOf("lyon").value(), v1::SITE_STATUS_SUSPENDED);
  EXPECT_EQ(paris->directory.Get("lyon")->site().display_name(), "La Cantine Lyon");
  ASSERT_EQ(paris->directory.List()->size(), 1u);  // One entry, merged.
}

TEST_F(SignedDirectoryTest, ListsASiteTheAdminAddedBeforeItPublishedAnything) {
  auto paris = MakeNode("paris", admin_.PublicKey());
  ASSERT_TRUE(
      paris->directory
          .TakeChange(Sign(AddSiteChange(LyonListing(lyon_), kNow)), v1::DIRECTORY_ACTION_ADD_SITE)
          .ok());
  const std::vector<v1::DirectoryEntry> listed = paris->directory.List().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].site().site_id(), "lyon");
  EXPECT_EQ(listed[0].status(), v1::SITE_STATUS_ACTIVE);
  EXPECT_TRUE(paris->directory.Resolve("lyon", auth::KeyId(lyon_.PublicKey()), kNow).ok());
}

TEST_F(SignedDirectoryTest, AChangeNotSignedByTheAdminKeyIsRefusedAndChangesNothing) {
  auto paris = MakeNode("paris", admin_.PublicKey());
  const uint64_t head =
      paris->log.oplog()->Vector().empty() ? 0 : paris->log.oplog()->Vector().at(0).seq();
  const v1::SignedDirectoryChange forged =
      SignDirectoryChange(AddSiteChange(LyonListing(lyon_), kNow), lyon_);
  EXPECT_THAT(paris->directory.TakeChange(forged, v1::DIRECTORY_ACTION_ADD_SITE).status(),
              testing::StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  // Replicated, it is a rejection (the entry is kept as refused) that lists nothing.
  EXPECT_THAT(Replicate(*paris, forged),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                ::testing::HasSubstr("not signed by this network's admin key")));
  EXPECT_TRUE(Listed(*paris).empty());
  EXPECT_THAT(paris->directory.Get("lyon").status(),
              testing::StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(paris->log.oplog()->Vector().empty() ? 0 : paris->log.oplog()->Vector().at(0).seq(),
            head);
}

TEST_F(SignedDirectoryTest, WithoutAnAdminKeyANodeTakesNoChange) {
  auto paris = MakeNode("paris", std::nullopt);
  const v1::SignedDirectoryChange added = Sign(AddSiteChange(LyonListing(lyon_), kNow));
  EXPECT_THAT(paris->directory.TakeChange(added, v1::DIRECTORY_ACTION_ADD_SITE).status(),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                ::testing::HasSubstr("admin_public_key_file")));
  EXPECT_THAT(Replicate(*paris, added),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_TRUE(Listed(*paris).empty());
}

TEST_F(SignedDirectoryTest, TakeChangeChecksTheActionOfTheCallAndTheVersionHeld) {
  auto paris = MakeNode("paris", admin_.PublicKey());
  const v1::DirectoryChange added = AddSiteChange(LyonListing(lyon_), kNow);
  EXPECT_THAT(
      paris->directory.TakeChange(Sign(added), v1::DIRECTORY_ACTION_SUSPEND_SITE).status(),
      testing::StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("change.action")));
  ASSERT_TRUE(paris->directory.TakeChange(Sign(added), v1::DIRECTORY_ACTION_ADD_SITE).ok());
  // The same addition again, as a retry would send it.
  EXPECT_THAT(paris->directory.TakeChange(Sign(added), v1::DIRECTORY_ACTION_ADD_SITE).status(),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                ::testing::HasSubstr("already lists")));
  v1::DirectoryChange stale = StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, kNow).value();
  stale.set_version(5);
  EXPECT_THAT(paris->directory.TakeChange(Sign(stale), v1::DIRECTORY_ACTION_SUSPEND_SITE).status(),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                ::testing::HasSubstr("holds version 1")));
  EXPECT_EQ(paris->directory.StatusOf("lyon").value(), v1::SITE_STATUS_ACTIVE);
}

TEST_F(SignedDirectoryTest, ReplicasKeepTheSameChangeWhateverOrderTheyReceiveThemIn) {
  const v1::DirectoryChange added = AddSiteChange(LyonListing(lyon_), kNow);
  const v1::DirectoryChange suspended =
      StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, kNow).value();
  const v1::DirectoryChange reinstated =
      StatusChange(suspended, v1::DIRECTORY_ACTION_REINSTATE_SITE, kNow).value();
  // A second admin signed another version 3 at the same time.
  const v1::DirectoryChange removed =
      StatusChange(suspended, v1::DIRECTORY_ACTION_REMOVE_SITE, kNow).value();
  std::vector<v1::SignedDirectoryChange> changes = {Sign(added), Sign(suspended), Sign(reinstated),
                                                    Sign(removed)};
  auto forward = MakeNode("milan", admin_.PublicKey());
  auto backward = MakeNode("rome", admin_.PublicKey());
  for (const v1::SignedDirectoryChange& change : changes) {
    ASSERT_TRUE(Replicate(*forward, change).ok());
  }
  std::reverse(changes.begin(), changes.end());
  for (const v1::SignedDirectoryChange& change : changes) {
    ASSERT_TRUE(Replicate(*backward, change).ok());
  }
  EXPECT_EQ(Listed(*forward), Listed(*backward));
  EXPECT_EQ(forward->directory.StatusOf("lyon").value(), v1::SITE_STATUS_REMOVED);
  EXPECT_EQ(backward->directory.StatusOf("lyon").value(), v1::SITE_STATUS_REMOVED);
  // A replayed older change changes nothing.
  ASSERT_TRUE(Replicate(*forward, Sign(reinstated)).ok());
  EXPECT_EQ(forward->directory.StatusOf("lyon").value(), v1::SITE_STATUS_REMOVED);
}

}  // namespace
}  // namespace cantine::site
