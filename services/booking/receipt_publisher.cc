#include "services/booking/receipt_publisher.h"

namespace cantine::booking {

ReceiptPublisher::ReceiptPublisher(ReceiptBook* receipts, storage::Oplog* oplog)
    : receipts_(receipts), oplog_(oplog), thread_([this] { Run(); }) {}

ReceiptPublisher::~ReceiptPublisher() {
  stopping_ = true;
  receipts_->NotifyQueued();  // Wakes the thread.
  thread_.join();
}

void ReceiptPublisher::Run() {
  uint64_t seen = 0;
  while (!stopping_) {
    absl::StatusOr<int> published = receipts_->PublishQueued(*oplog_, kBatchSize);
    if (!published.ok()) {
      log_.Warning("publishing booking receipts failed, will retry: ",
                   published.status().ToString());
    } else if (*published == static_cast<int>(kBatchSize)) {
      continue;  // More may be queued.
    }
    // Notifications that came while publishing are covered by the next pass.
    seen = receipts_->WaitForQueued(seen, absl::Seconds(1));
  }
}

}  // namespace cantine::booking
