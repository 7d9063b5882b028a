#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/admin/network_health.h"
#include "services/rpc/proto_time.h"

namespace cantine::admin {
namespace {

v1::DirectoryChange Listed(const std::string& site_id, const std::string& city,
                           v1::SiteStatus status) {
  v1::DirectoryChange change;
  change.set_site_id(site_id);
  change.mutable_listing()->mutable_site()->set_site_id(site_id);
  change.mutable_listing()->mutable_site()->set_display_name("Cantine " + city);
  change.mutable_listing()->mutable_site()->set_city(city);
  change.mutable_listing()->set_status(status);
  return change;
}

v1::VersionVectorEntry Head(const std::string& site_id, uint64_t incarnation, uint64_t seq) {
  v1::VersionVectorEntry entry;
  entry.mutable_origin()->set_site_id(site_id);
  entry.mutable_origin()->set_incarnation(incarnation);
  entry.set_seq(seq);
  return entry;
}

federation::PeerStatus Link(const std::string& site_id, bool connected, absl::Time contact) {
  federation::PeerStatus link;
  link.site_id = site_id;
  link.connected = connected;
  link.last_contact = contact;
  return link;
}

TEST(SiteHealthTest, EverySiteWithItsStatusLinkAndEntriesOfAllItsIncarnations) {
  const absl::Time contact = absl::FromUnixSeconds(1'800'000'000);
  const std::vector<v1::SiteHealth> sites =
      NetworkHealth("paris",
                    {Listed("paris", "Paris", v1::SITE_STATUS_ACTIVE),
                     Listed("milan", "Milan", v1::SITE_STATUS_ACTIVE),
                     Listed("lyon", "Lyon", v1::SITE_STATUS_SUSPENDED),
                     Listed("rome", "Rome", v1::SITE_STATUS_ACTIVE)},
                    // Milan restored once: two incarnations. Lyon: nothing held yet.
                    {Head("paris", 1, 12), Head("milan", 1, 40), Head("milan", 2, 3),
                     Head("ghost", 1, 2), Head("rome", 1, 5)},
                    {Head("milan", 2, 10), Head("lyon", 1, 7), Head("rome", 1, 4)},
                    {Link("milan", true, contact), Link("lyon", false, absl::InfinitePast())});

  ASSERT_EQ(sites.size(), 5u);
  // By site id.
  const v1::SiteHealth& ghost = sites[0];
  const v1::SiteHealth& lyon = sites[1];
  const v1::SiteHealth& milan = sites[2];
  const v1::SiteHealth& paris = sites[3];
  const v1::SiteHealth& rome = sites[4];

  EXPECT_EQ(paris.site_id(), "paris");
  EXPECT_TRUE(paris.self());
  EXPECT_FALSE(paris.peer());
  EXPECT_EQ(paris.entries_held(), 12u);
  EXPECT_EQ(paris.entries_known(), 12u);

  EXPECT_EQ(milan.city(), "Milan");
  EXPECT_EQ(milan.display_name(), "Cantine Milan");
  EXPECT_EQ(milan.status(), v1::SITE_STATUS_ACTIVE);
  EXPECT_TRUE(milan.peer());
  EXPECT_TRUE(milan.connected());
  EXPECT_EQ(rpc::TimeFromProto("t", milan.last_contact()).value(), contact);
  EXPECT_EQ(milan.entries_held(), 43u);
  EXPECT_EQ(milan.entries_known(), 50u);  // 40 of the first incarnation, 10 of the second.

  EXPECT_EQ(lyon.status(), v1::SITE_STATUS_SUSPENDED);
  EXPECT_TRUE(lyon.peer());
  EXPECT_FALSE(lyon.connected());
  EXPECT_FALSE(lyon.has_last_contact());
  EXPECT_EQ(lyon.entries_held(), 0u);
  EXPECT_EQ(lyon.entries_known(), 7u);

  // Reached by relay only; it holds more than any peer reported.
  EXPECT_FALSE(rome.peer());
  EXPECT_EQ(rome.entries_held(), 5u);
  EXPECT_EQ(rome.entries_known(), 5u);

  // Held, but not listed.
  EXPECT_EQ(ghost.status(), v1::SITE_STATUS_UNSPECIFIED);
  EXPECT_EQ(ghost.city(), "");
  EXPECT_EQ(ghost.entries_held(), 2u);
}

TEST(SiteHealthTest, ALoneNodeWithoutADirectoryIsItself) {
  const std::vector<v1::SiteHealth> sites = NetworkHealth("paris", {}, {}, {}, {});
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].site_id(), "paris");
  EXPECT_TRUE(sites[0].self());
}

}  // namespace
}  // namespace cantine::admin
