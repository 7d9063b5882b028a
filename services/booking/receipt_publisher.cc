#include "services/booking/receipt_publisher.h"

namespace cantine::booking {

ReceiptPublisher::ReceiptPublisher(ReceiptBook* receipts, ReceiptNotifier* notifier)
    : receipts_(receipts), notifier_(notifier), thread_([this] { Run(); }) {}

ReceiptPublisher::~ReceiptPublisher() {
  stopping_ = true;
  receipts_->Wake();
  thread_.join();
}

void ReceiptPublisher::Run() {
  // A sweep scans the whole outbox: at start (what a crash left queued), and after a second
  // without notifications. Under load, the receipts notified are published by key.
  bool sweep = true;
  uint64_t seen = 0;
  while (!stopping_) {
    absl::StatusOr<int> published =
        sweep ? receipts_->PublishQueued(kBatchSize) : receipts_->PublishNotified(kBatchSize);
    if (!published.ok()) {
      log_.Warning("publishing booking receipts failed, will retry: ",
                   published.status().ToString());
    } else if (*published == static_cast<int>(kBatchSize)) {
      continue;  // More may be queued.
    }
    notifier_->Tell(receipts_->TakeHomesToNotify());
    // Notifications that came while publishing are covered by the next pass.
    const uint64_t now_seen = receipts_->WaitForQueued(seen, absl::Seconds(1));
    sweep = now_seen == seen;  // A quiet second.
    seen = now_seen;
  }
}

}  // namespace cantine::booking
