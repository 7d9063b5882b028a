#pragma once

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/booking/booking_ledger.h"
#include "services/logging/logger.h"

namespace cantine::booking {

// A background thread that asks the ledger to release no-shows every `interval`. The ledger
// decides what is due by its own (injected) clock; this only paces the calls.
class NoShowSweeper {
 public:
  // `ledger` is not owned and outlives the sweeper. Starts the thread.
  NoShowSweeper(BookingLedger* ledger, absl::Duration interval);
  // Stops the thread and waits for it.
  ~NoShowSweeper();

 private:
  void Run();

  BookingLedger* const ledger_;
  const absl::Duration interval_;
  const logging::Logger log_{"no-show"};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cantine::booking
