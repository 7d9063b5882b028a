#include "storage/scrubber.h"

#include <optional>
#include <string>

#include "storage/status_macros.h"

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
  ASSIGN_OR_RETURN(std::optional<std::string> pending,
                   store_->Get(Table::kMeta, Oplog::kScrubPendingKey));
  if (!pending.has_value()) return absl::OkStatus();
  RETURN_IF_ERROR(store_->Compact());
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> now,
                   txn->GetForUpdate(Table::kMeta, Oplog::kScrubPendingKey));
  if (now != pending) return absl::OkStatus();  // Redacted again meanwhile: another pass.
  RETURN_IF_ERROR(txn->Delete(Table::kMeta, Oplog::kScrubPendingKey));
  return txn->Commit();
}

}  // namespace cantine::storage
