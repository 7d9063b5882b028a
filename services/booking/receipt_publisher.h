#pragma once

#include <atomic>
#include <thread>

#include "absl/time/time.h"
#include "services/booking/receipt_book.h"
#include "services/logging/logger.h"
#include "storage/oplog.h"

namespace cantine::booking {

// A background thread that moves this venue's queued booking receipts into the oplog, in
// batches, as soon as their bookings commit (by the keys the ledger notifies), and, at start
// and when idle, whatever the outbox holds (what a crash left queued). Bookings thus commit
// concurrently, with the store's group commit, instead of one at a time behind the oplog's
// sequence; a receipt reaches the log a few milliseconds later.
class ReceiptPublisher {
 public:
  inline static constexpr size_t kBatchSize = 256;

  // Neither owned; both outlive the publisher. Starts the thread.
  ReceiptPublisher(ReceiptBook* receipts, storage::Oplog* oplog);
  // Stops the thread and waits for it; what is still queued is published after a restart.
  ~ReceiptPublisher();

 private:
  void Run();

  ReceiptBook* const receipts_;
  storage::Oplog* const oplog_;
  const logging::Logger log_{"receipts"};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cantine::booking
