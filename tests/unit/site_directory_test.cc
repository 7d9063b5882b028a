// The site directory as a source of token keys: key rotation and site status.

#include "services/site/site_directory.h"

#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/replication/entry_signing.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/site_log.h"
#include "tests/support/temp_dir.h"

namespace cantine::site {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2027, 1, 4, 9, 0, 0), absl::UTCTimeZone());
constexpr absl::Duration kTokenLifetime = absl::Hours(24);

class SiteDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::make_unique<SiteDirectory>(log_.store(), log_.oplog());
  }

  absl::Status Publish(const auth::Ed25519PrivateKey& key) {
    v1::DirectoryEntry entry;
    entry.mutable_site()->set_site_id("paris");
    entry.set_public_key(key.PublicKey().Raw());
    entry.set_status(v1::SITE_STATUS_ACTIVE);
    return directory_->PublishOwn(entry, clock_.Now(), kTokenLifetime);
  }

  absl::StatusCode Resolve(const auth::Ed25519PrivateKey& key) {
    return directory_->Resolve("paris", auth::KeyId(key.PublicKey()), clock_.Now()).status().code();
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  replication::KeySigner signer_{auth::Ed25519PrivateKey::Generate()};
  testing::SiteLog log_{dir_.Sub("db"), &clock_, &signer_, "paris"};
  std::unique_ptr<SiteDirectory> directory_;
};

TEST_F(SiteDirectoryTest, ARotatedKeyStaysValidForTokensUntilItsExpiry) {
  const auth::Ed25519PrivateKey old_key = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey new_key = auth::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(Publish(old_key).ok());
  EXPECT_EQ(Resolve(old_key), absl::StatusCode::kOk);
  EXPECT_EQ(Resolve(new_key), absl::StatusCode::kUnauthenticated);

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(Publish(new_key).ok());
  EXPECT_EQ(Resolve(new_key), absl::StatusCode::kOk);
  EXPECT_EQ(Resolve(old_key), absl::StatusCode::kOk);  // Retired, listed until expiry.
  const v1::DirectoryEntry listed = directory_->Get("paris").value();
  ASSERT_EQ(listed.retired_keys_size(), 1);
  EXPECT_EQ(listed.retired_keys(0).public_key(), old_key.PublicKey().Raw());

  clock_.Advance(kTokenLifetime);
  EXPECT_EQ(Resolve(old_key), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Resolve(new_key), absl::StatusCode::kOk);
  // The next publication drops the expired key.
  ASSERT_TRUE(Publish(new_key).ok());
  EXPECT_EQ(directory_->Get("paris")->retired_keys_size(), 0);
}

TEST_F(SiteDirectoryTest, RepublishingTheSameKeyKeepsOneEntryAndNoRetiredKey) {
  const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(Publish(key).ok());
  const uint64_t head = log_.oplog()->Vector().at(0).seq();
  ASSERT_TRUE(Publish(key).ok());
  EXPECT_EQ(log_.oplog()->Vector().at(0).seq(), head);  // Nothing new to replicate.
  EXPECT_EQ(directory_->Get("paris")->retired_keys_size(), 0);
}

TEST_F(SiteDirectoryTest, UnknownSiteIsUnauthenticated) {
  const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  EXPECT_EQ(Resolve(key), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace cantine::site
