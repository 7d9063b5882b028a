#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "services/booking/receipt_book.h"
#include "services/booking/remote_venues.h"
#include "services/logging/logger.h"
#include "services/site/site_directory.h"

namespace cantine::booking {

// A background thread at a home site that pulls its members' booking receipts from the
// other venues the directory lists (not suspended nor removed), each from where it stopped
// (ReceiptBook::FeedCursor): a venue at once when it says it has new ones
// (ReceiptBook::NoteFeedWaiting) or when it is newly listed or moved, and every venue every
// `poll_interval` (and at start), which catches what a restore of this site's database left
// behind: venues tell a home until it is told (ReceiptNotifier). A pull that fails (the
// venue down, the link cut, even right after the venue's notice was delivered) is tried
// again on its own after a backoff (RetryBackoff), without holding up the others, so the
// receipts of a told home never wait for the next poll. So a home holds the receipts its
// members' itineraries, visit days and settlement need, and no other site stores them.
class ReceiptPuller {
 public:
  // The most pages read from one venue in one pass.
  inline static constexpr int kMaxPagesPerPass = 64;

  struct Options {
    absl::Duration poll_interval = absl::Minutes(10);
    // Each call's deadline.
    absl::Duration timeout = absl::Seconds(10);
  };

  // None owned; all outlive the puller. Starts the thread.
  ReceiptPuller(std::string site_id, ReceiptBook* receipts, RemoteVenues* venues,
                const site::SiteDirectory* directory, Options options);
  // Stops the thread and waits for it (a call in flight ends by its deadline).
  ~ReceiptPuller();

 private:
  struct VenueState {
    std::string endpoint;  // Where it was last pulled from.
    int failures = 0;
    absl::Time next_try = absl::InfinitePast();
    bool unfinished = false;  // Its last pull stopped at kMaxPagesPerPass.
  };

  // A venue is reported unreachable in the log after this many failed pulls in a row.
  inline static constexpr int kFailuresToWarn = 3;
  // How often the directory is read for venues newly listed or moved.
  inline static constexpr absl::Duration kDirectoryCheck = absl::Seconds(1);

  void Run();
  // Pulls from the venues due: those of `noticed`, those newly listed or at a new address,
  // those whose last pull stopped short, those whose last pull failed once their backoff is
  // over, and when `poll` every other venue.
  // Returns whether a venue has more to read at once.
  bool PullDue(const std::vector<std::string>& noticed, bool poll);
  // Reads `venue`'s feed from the cursor: true when to its end, false when it stopped at
  // kMaxPagesPerPass.
  absl::StatusOr<bool> PullAll(const std::string& venue);

  const std::string site_id_;
  ReceiptBook* const receipts_;
  RemoteVenues* const venues_;
  const site::SiteDirectory* const directory_;
  const Options options_;
  const logging::Logger log_{"receipt-puller"};
  absl::flat_hash_map<std::string, VenueState> venues_state_;  // The thread's own.
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cantine::booking
