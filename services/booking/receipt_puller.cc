#include "services/booking/receipt_puller.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "services/booking/retry_backoff.h"
#include "storage/status_macros.h"

namespace cantine::booking {

ReceiptPuller::ReceiptPuller(std::string site_id, ReceiptBook* receipts, RemoteVenues* venues,
                             const site::SiteDirectory* directory, Options options)
    : site_id_(std::move(site_id)),
      receipts_(receipts),
      venues_(venues),
      directory_(directory),
      options_(options),
      thread_([this] { Run(); }) {}

ReceiptPuller::~ReceiptPuller() {
  stopping_ = true;
  receipts_->Wake();
  thread_.join();
}

void ReceiptPuller::Run() {
  uint64_t seen = 0;
  absl::Time next_poll = absl::InfinitePast();  // A first poll at start.
  while (!stopping_) {
    const bool poll = absl::Now() >= next_poll;
    if (poll) next_poll = absl::Now() + options_.poll_interval;
    const bool unfinished = PullDue(receipts_->TakeWaitingFeeds(), poll);
    const absl::Duration wait =
        unfinished ? absl::ZeroDuration()
                   : std::clamp(next_poll - absl::Now(), absl::ZeroDuration(), kDirectoryCheck);
    seen = receipts_->WaitForFeedNotice(seen, wait);
  }
}

bool ReceiptPuller::PullDue(const std::vector<std::string>& noticed, bool poll) {
  absl::StatusOr<std::vector<v1::DirectoryEntry>> listed = directory_->List();
  if (!listed.ok()) {
    log_.Warning("cannot list the venues to pull receipts from: ", listed.status().ToString());
    return false;
  }
  const absl::flat_hash_set<std::string> noticed_set(noticed.begin(), noticed.end());
  bool unfinished = false;
  for (const v1::DirectoryEntry& entry : *listed) {
    if (stopping_) return false;
    const std::string& venue = entry.site().site_id();
    if (venue == site_id_ || entry.status() == v1::SITE_STATUS_SUSPENDED ||
        entry.status() == v1::SITE_STATUS_REMOVED || entry.federation_endpoint().empty()) {
      continue;
    }
    VenueState& state = venues_state_[venue];
    const absl::Time now = absl::Now();
    // A venue newly listed, or listed at a new address (restarted), is pulled at once.
    const bool due = noticed_set.contains(venue) || state.unfinished ||
                     state.endpoint != entry.federation_endpoint() ||
                     (state.failures > 0 ? now >= state.next_try : poll);
    if (!due) continue;
    state.endpoint = entry.federation_endpoint();
    absl::StatusOr<bool> read_to_end = PullAll(venue);
    if (read_to_end.ok()) {
      if (state.failures >= kFailuresToWarn) {
        log_.Info("pulling receipts from ", venue, " again");
      }
      state.failures = 0;
      state.next_try = absl::InfinitePast();
      state.unfinished = !*read_to_end;
      unfinished = unfinished || state.unfinished;
    } else {
      ++state.failures;
      // A venue down for a moment (or not up yet, as a network starts) is no news.
      if (state.failures == kFailuresToWarn) {
        log_.Warning("cannot pull receipts from ", venue, " (", state.failures,
                     " tries; tried again at its notice or after a backoff): ",
                     read_to_end.status().ToString());
      }
      state.unfinished = false;
      state.next_try = now + RetryBackoff(state.failures);
    }
  }
  return unfinished;
}

absl::StatusOr<bool> ReceiptPuller::PullAll(const std::string& venue) {
  // Bounded per pass, whatever a venue says of more to come.
  for (int pages = 0; pages < kMaxPagesPerPass; ++pages) {
    ASSIGN_OR_RETURN(const v1::ReceiptFeedCursor cursor, receipts_->FeedCursor(venue));
    v1::PullReceiptsRequest request;
    request.set_feed_incarnation(cursor.feed_incarnation());
    request.set_after_seq(cursor.seq());
    ASSIGN_OR_RETURN(const v1::PullReceiptsResponse page,
                     venues_->PullReceipts(venue, request, absl::Now() + options_.timeout));
    if (page.receipts_size() > 0 || page.feed_incarnation() != cursor.feed_incarnation()) {
      ASSIGN_OR_RETURN(const int skipped, receipts_->AcceptFeed(venue, page));
      if (skipped > 0) log_.Warning("skipped ", skipped, " receipt(s) of ", venue, "'s feed");
    }
    if (!page.more() || stopping_) return true;
  }
  return false;  // The rest on the next pass.
}

}  // namespace cantine::booking
