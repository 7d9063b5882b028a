#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "storage/oplog.h"
#include "storage/store.h"
#include "storage/table.h"

namespace cantine::bench {

// Decorators that time the calls they pass on, to show where an apply spends its time.
// Each timed call costs two steady-clock reads (some 50 ns). Thread-safe.

// Calls and their summed wall time.
class CallTimer {
 public:
  void Add(std::chrono::steady_clock::duration elapsed) {
    calls_.fetch_add(1, std::memory_order_relaxed);
    nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count(),
                     std::memory_order_relaxed);
  }
  int64_t calls() const { return calls_.load(std::memory_order_relaxed); }
  absl::Duration total() const { return absl::Nanoseconds(nanos_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> nanos_{0};
};

// What a TimedStore measured: reads and writes per table, commits.
struct StoreTimes {
  CallTimer get[storage::kTableCount];
  CallTimer get_for_update[storage::kTableCount];
  CallTimer put[storage::kTableCount];
  CallTimer commit;
  CallTimer scan;
};

// A Store passing every call to `inner`, timing transaction reads, writes and commits into
// `times`. Neither owned; both outlive it.
class TimedStore final : public storage::Store {
 public:
  TimedStore(storage::Store* inner, StoreTimes* times) : inner_(inner), times_(times) {}

  std::unique_ptr<storage::Transaction> BeginTransaction() override;
  absl::StatusOr<std::optional<std::string>> Get(storage::Table table,
                                                 absl::string_view key) override;
  absl::StatusOr<std::vector<storage::KeyValue>> Scan(storage::Table table,
                                                      absl::string_view prefix, size_t limit,
                                                      absl::string_view start_after) override;
  absl::Status Compact() override { return inner_->Compact(); }

 private:
  storage::Store* const inner_;
  StoreTimes* const times_;
};

// Times each Verify of `inner` (not owned).
class TimedVerifier final : public storage::EntryVerifier {
 public:
  explicit TimedVerifier(const storage::EntryVerifier* inner) : inner_(inner) {}
  absl::Status Verify(absl::string_view site_id, absl::string_view chain_hash,
                      absl::string_view signature) const override;
  const CallTimer& timer() const { return timer_; }

 private:
  const storage::EntryVerifier* const inner_;
  mutable CallTimer timer_;
};

// Times each Apply of `inner` (not owned).
class TimedApplier final : public storage::EntryApplier {
 public:
  explicit TimedApplier(storage::EntryApplier* inner) : inner_(inner) {}
  absl::Status Apply(storage::Transaction& txn, const v1::OplogEntry& entry) override;
  absl::Status ApplyRedaction(storage::Transaction& txn,
                              const v1::RedactionNotice& notice) override {
    return inner_->ApplyRedaction(txn, notice);
  }
  const CallTimer& timer() const { return timer_; }

 private:
  storage::EntryApplier* const inner_;
  CallTimer timer_;
};

}  // namespace cantine::bench
