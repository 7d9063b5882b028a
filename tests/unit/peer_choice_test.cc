// Which listed sites a node pulls from: deterministic, bounded by the fan-out, spread.

#include "services/federation/peer_choice.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cantine::federation {
namespace {

std::vector<ListedSite> Sites(int count) {
  std::vector<ListedSite> sites;
  for (int i = 0; i < count; ++i) {
    sites.push_back({absl::StrCat("site-", i), absl::StrCat("127.0.0.1:", 7200 + i), true});
  }
  return sites;
}

std::set<std::string> Ids(const std::vector<PeerOptions>& peers) {
  std::set<std::string> ids;
  for (const PeerOptions& peer : peers) ids.insert(peer.site_id);
  return ids;
}

TEST(ChoosePeersTest, AtMostTheFanOutOfActiveSitesOtherThanItself) {
  std::vector<ListedSite> sites = Sites(10);
  sites[3].active = false;
  sites[4].federation_endpoint.clear();
  for (int fan_out : {0, 1, 3, 8, 20}) {
    const std::vector<PeerOptions> peers = ChoosePeers("site-0", sites, fan_out);
    EXPECT_EQ(peers.size(), static_cast<size_t>(std::min(fan_out, 7))) << fan_out;
    const std::set<std::string> ids = Ids(peers);
    EXPECT_EQ(ids.size(), peers.size());  // No site twice.
    EXPECT_FALSE(ids.contains("site-0"));
    EXPECT_FALSE(ids.contains("site-3"));
    EXPECT_FALSE(ids.contains("site-4"));
  }
  const std::vector<PeerOptions> peers = ChoosePeers("site-0", sites, 3);
  for (const PeerOptions& peer : peers) {
    EXPECT_EQ(peer.address, absl::StrCat("127.0.0.1:", 7200 + std::stoi(peer.site_id.substr(5))));
  }
}

TEST(ChoosePeersTest, TheSameChoiceWhateverTheOrderOfTheDirectory) {
  std::vector<ListedSite> sites = Sites(30);
  const std::set<std::string> chosen = Ids(ChoosePeers("site-7", sites, 3));
  std::reverse(sites.begin(), sites.end());
  EXPECT_EQ(Ids(ChoosePeers("site-7", sites, 3)), chosen);
  // Another site chooses for itself.
  EXPECT_NE(Ids(ChoosePeers("site-8", sites, 3)), chosen);
}

TEST(ChoosePeersTest, ASiteLeavingChangesOnlyTheChoicesThatNamedIt) {
  std::vector<ListedSite> sites = Sites(40);
  std::map<std::string, std::set<std::string>> before;
  for (const ListedSite& site : sites)
    before[site.site_id] = Ids(ChoosePeers(site.site_id, sites, 3));
  sites[17].active = false;
  for (const ListedSite& site : sites) {
    if (!site.active) continue;
    const std::set<std::string> after = Ids(ChoosePeers(site.site_id, sites, 3));
    if (!before[site.site_id].contains("site-17")) {
      EXPECT_EQ(after, before[site.site_id]) << site.site_id;
    }
  }
}

TEST(ChoosePeersTest, EverySiteIsPulledFromByAboutTheFanOut) {
  const std::vector<ListedSite> sites = Sites(100);
  std::map<std::string, int> pulled_by;
  for (const ListedSite& site : sites) {
    for (const PeerOptions& peer : ChoosePeers(site.site_id, sites, 3)) ++pulled_by[peer.site_id];
  }
  int total = 0;
  int most = 0;
  for (const auto& [site, count] : pulled_by) {
    total += count;
    most = std::max(most, count);
  }
  EXPECT_EQ(total, 300);
  EXPECT_LE(most, 12);  // A random choice, not a hub: no site carries the network.
}

TEST(LinkedPeersTest, EveryChoiceIsALinkBothWaysAndTheLinksConnectEverySite) {
  // 100 sites at fan-out 3: a choice one way only leaves some sites that no site chooses.
  const std::vector<ListedSite> sites = Sites(100);
  std::map<std::string, std::set<std::string>> chosen_by;
  std::map<std::string, std::set<std::string>> links;
  for (const ListedSite& site : sites) {
    for (const PeerOptions& peer : ChoosePeers(site.site_id, sites, 3)) {
      chosen_by[peer.site_id].insert(site.site_id);
    }
    links[site.site_id] = Ids(LinkedPeers(site.site_id, sites, 3));
  }
  EXPECT_LT(chosen_by.size(), sites.size()) << "every site is chosen: the case is not shown";
  size_t most = 0;
  for (const ListedSite& site : sites) {
    EXPECT_TRUE(std::includes(links[site.site_id].begin(), links[site.site_id].end(),
                              chosen_by[site.site_id].begin(), chosen_by[site.site_id].end()));
    for (const std::string& peer : links[site.site_id]) {
      EXPECT_TRUE(links[peer].contains(site.site_id)) << site.site_id << " - " << peer;
    }
    most = std::max(most, links[site.site_id].size());
  }
  EXPECT_LE(most, 15u);  // The fan-out and the sites that chose it.
  // Every site reaches every other over the links: relay carries every origin everywhere.
  std::set<std::string> reached = {"site-0"};
  std::vector<std::string> frontier = {"site-0"};
  while (!frontier.empty()) {
    const std::string site = frontier.back();
    frontier.pop_back();
    for (const std::string& peer : links[site]) {
      if (reached.insert(peer).second) frontier.push_back(peer);
    }
  }
  EXPECT_EQ(reached.size(), sites.size());
}

}  // namespace
}  // namespace cantine::federation
