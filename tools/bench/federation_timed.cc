#include "tools/bench/federation_timed.h"

#include <utility>

namespace cantine::bench {
namespace {

using Clock = std::chrono::steady_clock;

size_t Index(storage::Table table) { return static_cast<size_t>(table); }

class TimedTransaction final : public storage::Transaction {
 public:
  TimedTransaction(std::unique_ptr<storage::Transaction> inner, StoreTimes* times)
      : inner_(std::move(inner)), times_(times) {}

  absl::StatusOr<std::optional<std::string>> Get(storage::Table table,
                                                 absl::string_view key) override {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::optional<std::string>> value = inner_->Get(table, key);
    times_->get[Index(table)].Add(Clock::now() - start);
    return value;
  }

  absl::StatusOr<std::optional<std::string>> GetForUpdate(storage::Table table,
                                                          absl::string_view key) override {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::optional<std::string>> value = inner_->GetForUpdate(table, key);
    times_->get_for_update[Index(table)].Add(Clock::now() - start);
    return value;
  }

  absl::Status Put(storage::Table table, absl::string_view key, absl::string_view value) override {
    const Clock::time_point start = Clock::now();
    absl::Status status = inner_->Put(table, key, value);
    times_->put[Index(table)].Add(Clock::now() - start);
    return status;
  }

  absl::Status Delete(storage::Table table, absl::string_view key) override {
    return inner_->Delete(table, key);
  }

  absl::StatusOr<std::vector<storage::KeyValue>> Scan(storage::Table table,
                                                      absl::string_view prefix,
                                                      size_t limit) override {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::vector<storage::KeyValue>> rows = inner_->Scan(table, prefix, limit);
    times_->scan.Add(Clock::now() - start);
    return rows;
  }

  void SetSavePoint() override { inner_->SetSavePoint(); }
  absl::Status RollbackToSavePoint() override { return inner_->RollbackToSavePoint(); }
  absl::Status PopSavePoint() override { return inner_->PopSavePoint(); }

  absl::Status Commit() override {
    const Clock::time_point start = Clock::now();
    absl::Status status = inner_->Commit();
    times_->commit.Add(Clock::now() - start);
    return status;
  }

 private:
  const std::unique_ptr<storage::Transaction> inner_;
  StoreTimes* const times_;
};

}  // namespace

std::unique_ptr<storage::Transaction> TimedStore::BeginTransaction() {
  return std::make_unique<TimedTransaction>(inner_->BeginTransaction(), times_);
}

absl::StatusOr<std::optional<std::string>> TimedStore::Get(storage::Table table,
                                                           absl::string_view key) {
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::optional<std::string>> value = inner_->Get(table, key);
  times_->get[Index(table)].Add(Clock::now() - start);
  return value;
}

absl::StatusOr<std::vector<storage::KeyValue>> TimedStore::Scan(storage::Table table,
                                                                absl::string_view prefix,
                                                                size_t limit,
                                                                absl::string_view start_after) {
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::vector<storage::KeyValue>> rows =
      inner_->Scan(table, prefix, limit, start_after);
  times_->scan.Add(Clock::now() - start);
  return rows;
}

absl::Status TimedVerifier::Verify(absl::string_view site_id, absl::string_view chain_hash,
                                   absl::string_view signature) const {
  const Clock::time_point start = Clock::now();
  absl::Status status = inner_->Verify(site_id, chain_hash, signature);
  timer_.Add(Clock::now() - start);
  return status;
}

absl::Status TimedApplier::Apply(storage::Transaction& txn, const v1::OplogEntry& entry) {
  const Clock::time_point start = Clock::now();
  absl::Status status = inner_->Apply(txn, entry);
  timer_.Add(Clock::now() - start);
  return status;
}

}  // namespace cantine::bench
