#include "storage/scrubber.h"

#include <optional>
#include <string>

namespace cantine::storage {

Scrubber::Scrubber(Store* store, const Oplog* oplog, absl::Duration poll)
    : store_(store), oplog_(oplog), poll_(poll) {
  thread_ = std::thread([this] { Run(); });
}

Scrubber::~Scrubber() {
  stopping_ = true;
  thread_.join();
}

void Scrubber::Run() {
  uint64_t seen = 0;
  while (!stopping_) {
    // A failed pass leaves the marker: the next one tries again.
    ScrubIfPending().IgnoreError();
    seen = oplog_->WaitForRedaction(seen, poll_);
  }
}

absl::Status Scrubber::ScrubIfPending() {
  absl::StatusOr<std::optional<std::string>> pending =
      store_->Get(Table::kMeta, Oplog::kScrubPendingKey);
  if (!pending.ok()) return pending.status();
  if (!pending->has_value()) return absl::OkStatus();
  if (absl::Status s = store_->Compact(); !s.ok()) return s;
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  absl::StatusOr<std::optional<std::string>> now =
      txn->GetForUpdate(Table::kMeta, Oplog::kScrubPendingKey);
  if (!now.ok()) return now.status();
  if (*now != *pending) return absl::OkStatus();  // Redacted again meanwhile: another pass.
  if (absl::Status s = txn->Delete(Table::kMeta, Oplog::kScrubPendingKey); !s.ok()) return s;
  return txn->Commit();
}

}  // namespace cantine::storage
