#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class TransactionDB;
}  // namespace rocksdb

namespace cantine::storage {

struct RocksStoreOptions {
  // The data folder; created if missing.
  std::string path;
  // fsync the write-ahead log on every commit. Only benchmarks of the in-memory path turn
  // this off; a node always syncs, so an acknowledged write survives a power cut.
  bool sync_writes = true;
  // How long GetForUpdate waits for a lock held by another transaction.
  absl::Duration lock_timeout = absl::Seconds(2);
  // Memory for the memtables of all tables together, and for the block cache.
  size_t memtable_budget_bytes = 128 << 20;
  size_t block_cache_bytes = 64 << 20;
  // How large the memtable of a table that not every booking writes grows before it is
  // flushed; the tables every booking writes take RocksDB's default, 64 MB. Every memtable
  // allocates a Bloom filter of 2 % of this size when it is made, used or not: at 64 MB,
  // 1.3 MB for each of the 33 column families (docs/benchmarks.md, "Memory").
  size_t small_memtable_bytes = 8 << 20;
  // How large the write-ahead logs may grow before RocksDB flushes the tables whose
  // memtables keep the oldest one alive. A log is deleted only once every table has flushed
  // what it holds, and a table written a little at every commit (the version vector) may
  // fill its memtable only after gigabytes of logs (a replay of a million entries left 518
  // MB of them beside 156 MB of table files); all of it is replayed at the next start.
  size_t max_wal_bytes = 256 << 20;
};

// What one table takes, as RocksDB estimates it (for operators: /metrics).
struct TableSize {
  Table table;
  uint64_t sst_bytes = 0;       // Its files on disk ("rocksdb.total-sst-files-size").
  uint64_t memtable_bytes = 0;  // Its memtables ("rocksdb.size-all-mem-tables").
  uint64_t keys = 0;            // Estimated ("rocksdb.estimate-num-keys").
  // Memory its open files hold outside the block cache ("rocksdb.estimate-table-readers-mem").
  uint64_t table_reader_bytes = 0;
};

// The Store over one RocksDB TransactionDB (pessimistic locking), a column family per Table.
class RocksStore final : public Store {
 public:
  // Opens or creates the database. Fails with a message naming the folder when it is not
  // writable or another process holds it.
  static absl::StatusOr<std::unique_ptr<RocksStore>> Open(const RocksStoreOptions& options);

  ~RocksStore() override;  // Flushes and closes cleanly.

  std::unique_ptr<Transaction> BeginTransaction() override;
  absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() override;
  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override;
  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix, size_t limit,
                                             absl::string_view start_after = {}) override;
  absl::Status Compact() override;
  absl::Status SyncWal() override;

  // Every table's size, in Table order. Cheap: RocksDB keeps these figures.
  std::vector<TableSize> TableSizes() const;

 private:
  friend class RocksBackups;  // Backs the database up (storage/backup.h).

  RocksStore(const RocksStoreOptions& options, rocksdb::TransactionDB* db,
             std::vector<rocksdb::ColumnFamilyHandle*> handles);

  rocksdb::ColumnFamilyHandle* Handle(Table table) const;

  const RocksStoreOptions options_;
  rocksdb::TransactionDB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // Indexed by Table.
  std::atomic<uint64_t> bulk_loads_{0};                // Names each load's folder.
};

}  // namespace cantine::storage
