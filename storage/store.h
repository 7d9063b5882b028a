#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/bulk_load.h"
#include "storage/table.h"

namespace cantine::storage {

struct KeyValue {
  std::string key;
  std::string value;
};

// One atomic, isolated unit of work over any tables. Reads see the transaction's own writes.
// Nothing is visible to others, nor durable, until Commit() returns OK; a transaction
// destroyed without a successful Commit() is rolled back. Not thread-safe: one thread uses it.
class Transaction {
 public:
  virtual ~Transaction() = default;

  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(Table table,
                                                                       absl::string_view key) = 0;
  // Reads and locks the key until the transaction ends, so no concurrent transaction can
  // change it in between: the tool for check-then-write on counters. Lock contention that
  // outlasts the store's lock timeout returns ABORTED; retry the whole transaction.
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> GetForUpdate(
      Table table, absl::string_view key) = 0;
  [[nodiscard]] virtual absl::Status Put(Table table, absl::string_view key,
                                         absl::string_view value) = 0;
  // Put, for a write this transaction does not read back: its own later reads may not see
  // it, which makes it cheaper (RocksDB keeps it out of the transaction's index). Committed,
  // locked and rolled back as any write. By default, Put.
  [[nodiscard]] virtual absl::Status PutUnread(Table table, absl::string_view key,
                                               absl::string_view value) {
    return Put(table, key, value);
  }
  [[nodiscard]] virtual absl::Status Delete(Table table, absl::string_view key) = 0;
  // Keys starting with `prefix`, in key order, seeing this transaction's writes.
  [[nodiscard]] virtual absl::StatusOr<std::vector<KeyValue>> Scan(Table table,
                                                                   absl::string_view prefix,
                                                                   size_t limit) = 0;

  // Marks the writes so far; RollbackToSavePoint undoes every write made after the latest
  // mark (and removes the mark), keeping the transaction open: one part of a batch can fail
  // alone. Locks taken after the mark are kept until the transaction ends.
  virtual void SetSavePoint() = 0;
  [[nodiscard]] virtual absl::Status RollbackToSavePoint() = 0;
  // Removes the latest mark, keeping every write.
  [[nodiscard]] virtual absl::Status PopSavePoint() = 0;

  // Makes every write of the transaction visible and durable at once: when this returns OK
  // the writes are in the synced write-ahead log and survive a crash of the process or
  // the machine.
  [[nodiscard]] virtual absl::Status Commit() = 0;
  // Commit, but without waiting for the write-ahead log to reach the disk: the writes are
  // visible at once and survive a crash of the process, but are durable against a crash of
  // the machine only once a later Store::SyncWal (or any synced Commit) returns. For a
  // caller that acknowledges nothing before that (storage/wal_syncer.h), or whose writes
  // can be had again after a crash (another origin's oplog entries, which peers send again);
  // never for what this node originates and others read (its own oplog entries, the receipt
  // feed). By default, Commit.
  [[nodiscard]] virtual absl::Status CommitWithoutSync() { return Commit(); }
};

// The node's database. Thread-safe.
class Store {
 public:
  virtual ~Store() = default;

  [[nodiscard]] virtual std::unique_ptr<Transaction> BeginTransaction() = 0;
  // Starts a bulk load (bulk_load.h); FAILED_PRECONDITION from a store that cannot take one.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() = 0;

  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(Table table,
                                                                       absl::string_view key) = 0;
  // Up to `limit` records whose keys start with `prefix` and sort after `start_after`
  // (empty: from the first), in key order, from one consistent snapshot.
  [[nodiscard]] virtual absl::StatusOr<std::vector<KeyValue>> Scan(
      Table table, absl::string_view prefix, size_t limit, absl::string_view start_after = {}) = 0;

  // Rewrites every table so that no file of the database (tables and write-ahead log) still
  // holds a value that was overwritten or deleted before the call: what erasure needs of the
  // disk. Heavy (it reads and writes the whole database); blocks until done.
  [[nodiscard]] virtual absl::Status Compact() = 0;

  // Makes every commit that returned before the call durable (CommitWithoutSync); one at a
  // time. By default nothing to do: every commit is synced.
  [[nodiscard]] virtual absl::Status SyncWal() { return absl::OkStatus(); }
};

}  // namespace cantine::storage
