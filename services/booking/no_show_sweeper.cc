#include "services/booking/no_show_sweeper.h"

namespace cantine::booking {

NoShowSweeper::NoShowSweeper(BookingLedger* ledger, absl::Duration interval)
    : ledger_(ledger), interval_(interval), thread_([this] { Run(); }) {}

NoShowSweeper::~NoShowSweeper() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void NoShowSweeper::Run() {
  while (true) {
    absl::StatusOr<int> released = ledger_->ReleaseNoShows();
    if (!released.ok()) {
      log_.Warning("releasing no-shows failed, will retry: ", released.status().ToString());
    } else if (*released > 0) {
      log_.Info("released ", *released, " no-show booking(s)");
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
  }
}

}  // namespace cantine::booking
