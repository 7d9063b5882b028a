#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace cantine::testing {

// A transaction that passes every call to another, which it owns: the base of decorators
// that watch a few calls (tests, benchmarks) and override only those.
class ForwardingTransaction : public storage::Transaction {
 public:
  explicit ForwardingTransaction(std::unique_ptr<storage::Transaction> inner)
      : inner_(std::move(inner)) {}

  absl::StatusOr<std::optional<std::string>> Get(storage::Table table,
                                                 absl::string_view key) override {
    return inner_->Get(table, key);
  }
  absl::StatusOr<std::optional<std::string>> GetForUpdate(storage::Table table,
                                                          absl::string_view key) override {
    return inner_->GetForUpdate(table, key);
  }
  absl::Status Put(storage::Table table, absl::string_view key, absl::string_view value) override {
    return inner_->Put(table, key, value);
  }
  absl::Status PutUnread(storage::Table table, absl::string_view key,
                         absl::string_view value) override {
    return inner_->PutUnread(table, key, value);
  }
  absl::Status Delete(storage::Table table, absl::string_view key) override {
    return inner_->Delete(table, key);
  }
  absl::StatusOr<std::vector<storage::KeyValue>> Scan(storage::Table table,
                                                      absl::string_view prefix,
                                                      size_t limit) override {
    return inner_->Scan(table, prefix, limit);
  }
  void SetSavePoint() override { inner_->SetSavePoint(); }
  absl::Status RollbackToSavePoint() override { return inner_->RollbackToSavePoint(); }
  absl::Status PopSavePoint() override { return inner_->PopSavePoint(); }
  absl::Status Commit() override { return inner_->Commit(); }
  absl::Status CommitWithoutSync() override { return inner_->CommitWithoutSync(); }

 protected:
  storage::Transaction& inner() { return *inner_; }

 private:
  const std::unique_ptr<storage::Transaction> inner_;
};

// A store that passes every call to another (not owned; outlives it). Decorators override
// BeginTransaction to wrap the inner store's transactions in a ForwardingTransaction.
class ForwardingStore : public storage::Store {
 public:
  explicit ForwardingStore(storage::Store* inner) : inner_(inner) {}

  std::unique_ptr<storage::Transaction> BeginTransaction() override {
    return inner_->BeginTransaction();
  }
  absl::StatusOr<std::unique_ptr<storage::BulkLoad>> BeginBulkLoad() override {
    return inner_->BeginBulkLoad();
  }
  absl::StatusOr<std::optional<std::string>> Get(storage::Table table,
                                                 absl::string_view key) override {
    return inner_->Get(table, key);
  }
  absl::StatusOr<std::vector<storage::KeyValue>> Scan(storage::Table table,
                                                      absl::string_view prefix, size_t limit,
                                                      absl::string_view start_after) override {
    return inner_->Scan(table, prefix, limit, start_after);
  }
  absl::Status Compact() override { return inner_->Compact(); }
  absl::Status SyncWal() override { return inner_->SyncWal(); }

 protected:
  storage::Store& inner() { return *inner_; }

 private:
  storage::Store* const inner_;
};

}  // namespace cantine::testing
