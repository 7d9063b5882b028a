// A join bundle applied to a new site's config: what it fills in, what it refuses.

#include "services/node/join_bundle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/replication/catch_up.h"
#include "services/site/directory_change.h"
#include "tests/support/lyon_listing.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace cantine::node {
namespace {

using ::testing::HasSubstr;
using testing::StatusIs;

class JoinBundleTest : public ::testing::Test {
 protected:
  JoinBundleTest() {
    const v1::SiteListing listing = testing::LyonListing(site_key_.PublicKey());
    *bundle_.mutable_listing() =
        site::SignDirectoryChange(site::AddSiteChange(listing, absl::Now()), admin_);
    *bundle_.add_directory() = bundle_.listing();
    bundle_.set_admin_public_key_pem(admin_.PublicKey().ToPem());
    for (const auto& [id, address] :
         {std::pair{"paris", "127.0.0.1:7201"}, std::pair{"milan", "127.0.0.1:7203"}}) {
      config::v1::Peer* seed = bundle_.add_seeds();
      seed->set_site_id(id);
      seed->set_address(address);
    }
  }

  const auth::Ed25519PrivateKey admin_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey site_key_ = auth::Ed25519PrivateKey::Generate();
  config::v1::JoinBundle bundle_;
};

TEST_F(JoinBundleTest, FillsWhatTheConfigLeavesEmptyAndAddsTheSeeds) {
  config::v1::NodeConfig config;
  config.set_display_name("Cantine Lyon, as the site calls itself");
  config.add_peers()->set_site_id("milan");  // Already named: not added twice.
  const config::v1::NodeConfig joined = JoinConfig(bundle_, config).value();
  EXPECT_EQ(joined.site_id(), "lyon");
  EXPECT_EQ(joined.display_name(), "Cantine Lyon, as the site calls itself");
  EXPECT_EQ(joined.time_zone(), "Europe/Paris");
  EXPECT_EQ(joined.listen_address(), "127.0.0.1:7104");
  EXPECT_EQ(joined.federation_listen_address(), "127.0.0.1:7204");
  ASSERT_EQ(joined.peers_size(), 2);
  EXPECT_EQ(joined.peers(0).site_id(), "milan");
  EXPECT_EQ(joined.peers(1).site_id(), "paris");
  EXPECT_EQ(joined.peers(1).address(), "127.0.0.1:7201");
}

TEST_F(JoinBundleTest, RefusesAnotherSiteAndAListingTheAdminDidNotSign) {
  config::v1::NodeConfig config;
  config.set_site_id("rome");
  EXPECT_THAT(JoinConfig(bundle_, config).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the join bundle lists site 'lyon' but site_id is 'rome'")));
  config::v1::JoinBundle forged = bundle_;
  forged.set_admin_public_key_pem(site_key_.PublicKey().ToPem());
  EXPECT_THAT(JoinConfig(forged, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listing")));
  forged.set_admin_public_key_pem("not a key");
  EXPECT_THAT(JoinConfig(forged, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("admin_public_key_pem")));
}

TEST_F(JoinBundleTest, GivesTheOptionsTheAdminKeyAndTheDirectory) {
  NodeOptions options;
  ASSERT_TRUE(ApplyJoinBundle(bundle_, options).ok());
  EXPECT_EQ(options.admin_public_key_pem, admin_.PublicKey().ToPem());
  ASSERT_EQ(options.initial_directory.size(), 2u);  // The listing, and the directory.

  // A config that names another admin key, or another CA, is refused.
  testing::TempDir dir;
  testing::WritePrivateFile(dir.Sub("other.pub"), site_key_.PublicKey().ToPem());
  options.admin_public_key_file = dir.Sub("other.pub");
  EXPECT_THAT(ApplyJoinBundle(bundle_, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("admin_public_key_file")));
  options.admin_public_key_file.clear();
  bundle_.set_ca_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  testing::WritePrivateFile(dir.Sub("ca.pem"), "another CA");
  options.tls.ca_file = dir.Sub("ca.pem");
  EXPECT_THAT(ApplyJoinBundle(bundle_, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tls.ca_file")));
}

v1::VersionVectorEntry Head(const std::string& site, uint64_t seq) {
  v1::VersionVectorEntry head;
  head.mutable_origin()->set_site_id(site);
  head.mutable_origin()->set_incarnation(1);
  head.set_seq(seq);
  return head;
}

TEST(MeasureCatchUpTest, CountsTheEntriesHeldOfThoseKnownPerOrigin) {
  const replication::CatchUp catch_up =
      replication::MeasureCatchUp({Head("paris", 120), Head("lyon", 7)},
                                  {Head("paris", 500), Head("milan", 40), Head("lyon", 7)});
  EXPECT_EQ(catch_up.held, 127u);
  EXPECT_EQ(catch_up.known, 547u);
  EXPECT_EQ(catch_up.per_origin, "paris 120/500, milan 0/40");
  EXPECT_EQ(replication::MeasureCatchUp({Head("paris", 9)}, {Head("paris", 5)}).per_origin, "");
}

}  // namespace
}  // namespace cantine::node
