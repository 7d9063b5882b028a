#include "services/federation/peer_set.h"

#include <algorithm>
#include <utility>

namespace cantine::federation {

PeerSet::PeerSet(WantedPeers wanted, MakeReplicator make, absl::Duration interval)
    : wanted_(std::move(wanted)), make_(std::move(make)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

PeerSet::~PeerSet() { Stop(); }

void PeerSet::Run() {
  while (true) {
    Refresh();
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
  }
}

void PeerSet::Refresh() {
  absl::MutexLock refresh(&refresh_mu_);
  absl::StatusOr<std::vector<PeerOptions>> wanted = wanted_();
  if (!wanted.ok()) {
    log_.Warning("keeping the current peers: ", wanted.status().ToString());
    return;
  }
  const auto is_wanted = [&](const PeerOptions& peer) {
    return std::find(wanted->begin(), wanted->end(), peer) != wanted->end();
  };
  std::vector<Link> dropped;
  std::vector<PeerOptions> added;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    for (auto it = links_.begin(); it != links_.end();) {
      if (is_wanted(it->peer)) {
        ++it;
      } else {
        dropped.push_back(std::move(*it));
        it = links_.erase(it);
      }
    }
    for (const PeerOptions& peer : *wanted) {
      const bool linked = std::any_of(links_.begin(), links_.end(),
                                      [&](const Link& link) { return link.peer == peer; });
      if (!linked) added.push_back(peer);
    }
  }
  for (const Link& link : dropped) {
    log_.Info("no longer pulling from peer '", link.peer.site_id, "' at ", link.peer.address);
  }
  dropped.clear();  // Joins their threads, outside mu_.
  for (const PeerOptions& peer : added) {
    std::unique_ptr<Replicator> replicator = make_(peer);
    log_.Info("pulling from peer '", peer.site_id, "' at ", peer.address);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;  // The new replicator stops as it goes out of scope.
    links_.push_back({peer, std::move(replicator)});
  }
}

std::vector<PeerStatus> PeerSet::Statuses() const {
  absl::MutexLock lock(&mu_);
  std::vector<PeerStatus> statuses;
  for (const Link& link : links_) statuses.push_back(link.replicator->status());
  std::sort(statuses.begin(), statuses.end(),
            [](const PeerStatus& a, const PeerStatus& b) { return a.site_id < b.site_id; });
  return statuses;
}

void PeerSet::Stop() {
  std::vector<Link> links;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    links = std::move(links_);
    links_.clear();
  }
  if (thread_.joinable()) thread_.join();
  links.clear();  // Joins the replicators' threads, outside mu_.
}

}  // namespace cantine::federation
