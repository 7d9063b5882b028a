// The network's health as the admin sees it: every site of the directory with its status
// and link, and the directory's signed changes.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/member_token.h"
#include "services/site/directory_change.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"
#include "tools/cantinectl/output.h"

namespace cantine {
namespace {

using testing::Context;
using ::testing::HasSubstr;
using testing::MiniCluster;
using ::testing::StartsWith;
using testing::WaitFor;

v1::NetworkStatus StatusAt(MiniCluster& cluster, int i) {
  v1::NetworkStatus status;
  const grpc::Status called =
      v1::AdminService::NewStub(cluster.channel(i))
          ->GetNetworkStatus(testing::DeskContext(cluster, i).get(), {}, &status);
  EXPECT_TRUE(called.ok()) << called.error_message();
  return status;
}

// The health of `site_id` in `status`; a default one when it is not there.
v1::SiteHealth SiteIn(const v1::NetworkStatus& status, const std::string& site_id) {
  for (const v1::SiteHealth& site : status.sites()) {
    if (site.site_id() == site_id) return site;
  }
  return {};
}

TEST(NetworkHealthTest, StatusShowsEverySiteOfTheDirectoryAndEventsItsSignedChanges) {
  MiniCluster cluster(3);
  cluster.ListEverySite(0);
  cluster.ConnectLine();  // site-a pulls from site-b; the directory's fan-out adds site-c.
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  // Every site, listed, active, caught up; site-a's peers connected.
  ASSERT_TRUE(WaitFor([&] {
    const v1::NetworkStatus status = StatusAt(cluster, 0);
    if (status.sites_size() != 3) return false;
    for (const v1::SiteHealth& site : status.sites()) {
      if (site.status() != v1::SITE_STATUS_ACTIVE || site.entries_held() != site.entries_known()) {
        return false;
      }
      if (!site.self() && !(site.peer() && site.connected() && site.has_last_contact())) {
        return false;
      }
    }
    return true;
  }));
  const v1::NetworkStatus status = StatusAt(cluster, 0);
  EXPECT_TRUE(SiteIn(status, "site-a").self());
  EXPECT_EQ(SiteIn(status, "site-b").city(), "City of site-b");
  EXPECT_EQ(SiteIn(status, "site-c").display_name(), "Cantine site-c");
  EXPECT_GT(SiteIn(status, "site-b").entries_held(), 0u);
  EXPECT_THAT(cantinectl::FormatNetworkStatus(status),
              StartsWith("Node  site-a\n\nSITE    CITY            STATUS  CONNECTED "));

  // The admin suspends site-c at site-b; site-a learns it and drops the site.
  auto admin_b = v1::AdminService::NewStub(cluster.channel(1));
  v1::ListDirectoryChangesResponse listed;
  ASSERT_TRUE(admin_b->ListDirectoryChanges(Context().get(), {}, &listed).ok());
  v1::DirectoryChange current;
  for (const v1::SignedDirectoryChange& signed_change : listed.signed_changes()) {
    v1::DirectoryChange change;
    ASSERT_TRUE(change.ParseFromString(signed_change.change()));
    if (change.site_id() == "site-c") current = change;
  }
  v1::SuspendSiteRequest suspend;
  *suspend.mutable_signed_change() = site::SignDirectoryChange(
      site::StatusChange(current, v1::DIRECTORY_ACTION_SUSPEND_SITE, absl::Now()).value(),
      cluster.network_admin_key());
  v1::DirectoryChange answer;
  ASSERT_TRUE(admin_b->SuspendSite(Context().get(), suspend, &answer).ok());
  ASSERT_TRUE(WaitFor([&] {
    const v1::SiteHealth site_c = SiteIn(StatusAt(cluster, 0), "site-c");
    return site_c.status() == v1::SITE_STATUS_SUSPENDED && !site_c.connected();
  }));
  EXPECT_THAT(cantinectl::FormatNetworkStatus(StatusAt(cluster, 0)),
              HasSubstr("site-c  City of site-c  suspended  refused"));

  // The events at site-a: the suspension first, signed by the network admin's key.
  auto admin_a = v1::AdminService::NewStub(cluster.channel(0));
  ASSERT_TRUE(admin_a->ListDirectoryChanges(Context().get(), {}, &listed).ok());
  EXPECT_EQ(listed.admin_key_id(), auth::KeyId(cluster.network_admin_key().PublicKey()));
  const std::string events = cantinectl::FormatDirectoryEvents(listed);
  EXPECT_THAT(events, StartsWith("SIGNED "));
  const std::vector<std::string> rows = absl::StrSplit(events, '\n');
  ASSERT_GE(rows.size(), 2u);
  EXPECT_THAT(rows[1], HasSubstr("site-c  City of site-c  suspend site"));  // The newest.
  EXPECT_THAT(events,
              HasSubstr(absl::StrCat("Signed by network admin key ", listed.admin_key_id())));
}

}  // namespace
}  // namespace cantine
