#include "services/booking/receipt_notifier.h"

#include <algorithm>

#include "services/booking/retry_backoff.h"

namespace cantine::booking {

ReceiptNotifier::ReceiptNotifier(RemoteVenues* homes, const std::vector<std::string>& waiting)
    : homes_(homes) {
  Tell(waiting);
  thread_ = std::thread([this] { Run(); });
}

ReceiptNotifier::~ReceiptNotifier() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void ReceiptNotifier::Tell(const std::vector<std::string>& homes) {
  if (homes.empty()) return;
  absl::MutexLock lock(&mu_);
  for (const std::string& home : homes) {
    Pending& pending = pending_[home];
    pending.again = true;  // A home backing off keeps its backoff: it was unreachable.
  }
  ++changes_;
}

size_t ReceiptNotifier::Waiting() const {
  absl::MutexLock lock(&mu_);
  return pending_.size();
}

void ReceiptNotifier::Run() {
  uint64_t seen = 0;
  while (true) {
    std::vector<std::string> due;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = changes_;
      const absl::Time now = absl::Now();
      for (auto& [home, pending] : pending_) {
        if (pending.next_try > now) continue;
        pending.again = false;
        due.push_back(home);
      }
    }
    for (const std::string& home : due) {
      const absl::Status told = homes_->NotifyReceipts(home, absl::Now() + kNoticeTimeout);
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      Pending& pending = pending_[home];
      if (told.ok()) {
        if (pending.failures >= kFailuresToWarn) log_.Info("told home site ", home, " again");
        if (!pending.again) {
          pending_.erase(home);
          continue;
        }
        pending = Pending{.again = true};
        continue;
      }
      if (absl::IsNotFound(told) || absl::IsFailedPrecondition(told)) {
        log_.Info("home site ", home, " not told of its receipts waiting here: ", told.message());
        pending_.erase(home);
        continue;
      }
      ++pending.failures;
      if (pending.failures == kFailuresToWarn) {
        log_.Warning("cannot tell home site ", home, " of its receipts waiting here (",
                     pending.failures, " tries; telling it again with backoff): ", told.ToString());
      }
      pending.next_try = absl::Now() + RetryBackoff(pending.failures);
    }
    absl::MutexLock lock(&mu_);
    absl::Time wake = absl::Now() + kMaxRetry;
    for (const auto& [home, pending] : pending_) wake = std::min(wake, pending.next_try);
    auto changed = [this, seen]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || changes_ != seen; };
    mu_.AwaitWithDeadline(absl::Condition(&changed), wake);
  }
}

}  // namespace cantine::booking
