#pragma once

#include <atomic>
#include <thread>

#include "absl/time/time.h"
#include "services/booking/receipt_book.h"
#include "services/booking/receipt_notifier.h"
#include "services/logging/logger.h"

namespace cantine::booking {

// A background thread that moves this venue's queued receipts of visitors' bookings to
// their home sites' feeds (ReceiptBook::ReadFeed), in batches, as soon as their bookings
// commit (by the keys the ledger notifies), and, at start and when idle, whatever the
// outbox holds (what a crash left queued); then has each home told (ReceiptNotifier), which
// pulls them. Bookings
// thus commit concurrently, with the store's group commit, instead of one at a time behind
// the feed's sequence; a receipt reaches the feed a few milliseconds later.
class ReceiptPublisher {
 public:
  inline static constexpr size_t kBatchSize = 256;

  // Neither owned; both outlive the publisher. Starts the thread.
  ReceiptPublisher(ReceiptBook* receipts, ReceiptNotifier* notifier);
  // Stops the thread and waits for it; what is still queued is published after a restart.
  ~ReceiptPublisher();

 private:
  void Run();
  ReceiptBook* const receipts_;
  ReceiptNotifier* const notifier_;
  const logging::Logger log_{"receipts"};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cantine::booking
