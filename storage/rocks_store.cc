#include "storage/rocks_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/transaction.h"
#include "rocksdb/utilities/transaction_db.h"
#include "storage/rocks_status.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

// A point read's outcome: the value, nullopt when the key is absent, or the error.
absl::StatusOr<std::optional<std::string>> ReadResult(const rocksdb::Status& status,
                                                      std::string value) {
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocksStatus(status);
  return std::optional<std::string>(std::move(value));
}

// Collects up to `limit` records of `it` starting at `seek` while keys keep `prefix`.
absl::StatusOr<std::vector<KeyValue>> Collect(rocksdb::Iterator* it, absl::string_view prefix,
                                              size_t limit, absl::string_view start_after) {
  std::vector<KeyValue> out;
  if (start_after.empty()) {
    it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
  } else {
    it->Seek(rocksdb::Slice(start_after.data(), start_after.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(start_after.data(), start_after.size())) {
      it->Next();
    }
  }
  for (; it->Valid() && out.size() < limit; it->Next()) {
    if (!it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) break;
    out.push_back({it->key().ToString(), it->value().ToString()});
  }
  RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return out;
}

class RocksTransaction final : public Transaction {
 public:
  RocksTransaction(std::unique_ptr<rocksdb::Transaction> txn,
                   const std::vector<rocksdb::ColumnFamilyHandle*>& handles)
      : txn_(std::move(txn)), handles_(handles) {}

  ~RocksTransaction() override {
    if (!committed_) txn_->Rollback().PermitUncheckedError();
  }

  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override {
    std::string value;
    rocksdb::Status s = txn_->Get(rocksdb::ReadOptions(), Handle(table), ToSlice(key), &value);
    return ReadResult(s, std::move(value));
  }

  absl::StatusOr<std::optional<std::string>> GetForUpdate(Table table,
                                                          absl::string_view key) override {
    std::string value;
    rocksdb::Status s =
        txn_->GetForUpdate(rocksdb::ReadOptions(), Handle(table), ToSlice(key), &value);
    return ReadResult(s, std::move(value));
  }

  absl::Status Put(Table table, absl::string_view key, absl::string_view value) override {
    return FromRocksStatus(txn_->Put(Handle(table), ToSlice(key), ToSlice(value)));
  }

  absl::Status PutUnread(Table table, absl::string_view key, absl::string_view value) override {
    txn_->DisableIndexing();
    const rocksdb::Status s = txn_->Put(Handle(table), ToSlice(key), ToSlice(value));
    txn_->EnableIndexing();
    return FromRocksStatus(s);
  }
  absl::Status Delete(Table table, absl::string_view key) override {
    return FromRocksStatus(txn_->Delete(Handle(table), ToSlice(key)));
  }

  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix,
                                             size_t limit) override {
    std::unique_ptr<rocksdb::Iterator> it(txn_->GetIterator(rocksdb::ReadOptions(), Handle(table)));
    return Collect(it.get(), prefix, limit, {});
  }

  void SetSavePoint() override { txn_->SetSavePoint(); }
  absl::Status RollbackToSavePoint() override {
    return FromRocksStatus(txn_->RollbackToSavePoint());
  }
  absl::Status PopSavePoint() override { return FromRocksStatus(txn_->PopSavePoint()); }

  absl::Status Commit() override {
    absl::Status status = FromRocksStatus(txn_->Commit());
    committed_ = status.ok();
    return status;
  }

  absl::Status CommitWithoutSync() override {
    rocksdb::WriteOptions unsynced = *txn_->GetWriteOptions();
    unsynced.sync = false;
    txn_->SetWriteOptions(unsynced);
    return Commit();
  }

 private:
  static rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
  rocksdb::ColumnFamilyHandle* Handle(Table table) const {
    return handles_[static_cast<size_t>(table)];
  }

  std::unique_ptr<rocksdb::Transaction> txn_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
  bool committed_ = false;
};

// A bulk load as RocksDB takes one: an SST file per table, written in key order beside the
// database and ingested all at once (IngestExternalFiles: atomic across column families,
// recorded in the MANIFEST), so the records skip the write-ahead log and the memtables.
class RocksBulkLoad final : public BulkLoad {
 public:
  RocksBulkLoad(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                std::string folder)
      : db_(db), handles_(handles), folder_(std::move(folder)), writers_(kTableCount) {}

  ~RocksBulkLoad() override {
    writers_.clear();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  absl::Status Put(Table table, absl::string_view key, absl::string_view value) override {
    ASSIGN_OR_RETURN(rocksdb::SstFileWriter * writer, WriterOf(table));
    return FromRocksStatus(writer->Put(ToSlice(key), ToSlice(value)));
  }

  absl::Status Delete(Table table, absl::string_view key) override {
    ASSIGN_OR_RETURN(rocksdb::SstFileWriter * writer, WriterOf(table));
    return FromRocksStatus(writer->Delete(ToSlice(key)));
  }

  absl::Status Commit() override {
    std::vector<rocksdb::IngestExternalFileArg> files;
    for (size_t table = 0; table < kTableCount; ++table) {
      if (writers_[table] == nullptr) continue;
      // Finish syncs the file: the ingestion below only links it into the database.
      RETURN_IF_ERROR(FromRocksStatus(writers_[table]->Finish()));
      rocksdb::IngestExternalFileArg file;
      file.column_family = handles_[table];
      file.external_files = {FileOf(table)};
      file.options.move_files = true;
      files.push_back(std::move(file));
    }
    writers_.clear();
    if (files.empty()) return absl::OkStatus();
    return FromRocksStatus(db_->IngestExternalFiles(files));
  }

 private:
  static rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
  std::string FileOf(size_t table) const { return absl::StrCat(folder_, "/", table, ".sst"); }

  absl::StatusOr<rocksdb::SstFileWriter*> WriterOf(Table table) {
    const size_t index = static_cast<size_t>(table);
    if (writers_.size() != kTableCount) {
      return absl::FailedPreconditionError("the bulk load was already committed");
    }
    if (writers_[index] == nullptr) {
      std::error_code error;
      std::filesystem::create_directories(folder_, error);
      if (error) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot create '", folder_, "': ", error.message()));
      }
      // The table's own options, so the file has the filters and format of the others.
      auto writer = std::make_unique<rocksdb::SstFileWriter>(
          rocksdb::EnvOptions(), db_->GetOptions(handles_[index]), handles_[index]);
      RETURN_IF_ERROR(FromRocksStatus(writer->Open(FileOf(index))));
      writers_[index] = std::move(writer);
    }
    return writers_[index].get();
  }

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
  const std::string folder_;
  std::vector<std::unique_ptr<rocksdb::SstFileWriter>> writers_;  // By table, opened lazily.
};

// Where bulk loads write their files, under the data folder; what a crash left there is
// removed when the store opens.
constexpr absl::string_view kBulkLoadFolder = "bulk-load";

absl::Status CheckWritableFolder(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data folder '", path, "': ", error.message()));
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("data folder '", path, "' is not writable by this user"));
  }
  return absl::OkStatus();
}

// The tables a booking of a member at its home venue writes a record to, each: the only
// ones whose memtables fill fast enough to need RocksDB's default size.
bool WrittenByEveryBooking(Table table) {
  switch (table) {
    case Table::kBookings:
    case Table::kBookingsBySpaceDay:
    case Table::kSlotCounters:
    case Table::kIdempotency:
    case Table::kNoShowQueue:
    case Table::kReceipts:
    case Table::kReceiptsByMember:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::Open(const RocksStoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("data folder path is empty");
  RETURN_IF_ERROR(CheckWritableFolder(options.path));
  std::error_code ignored;
  std::filesystem::remove_all(absl::StrCat(options.path, "/", kBulkLoadFolder), ignored);

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.keep_log_file_num = 5;
  // One budget for the memtables of all column families, so memory does not grow with the
  // number of tables (each would otherwise take up to 2 x 64 MB).
  db_options.db_write_buffer_size = options.memtable_budget_bytes;
  db_options.max_total_wal_size = options.max_wal_bytes;
  // Concurrent commits still share one synced WAL write (the write group), but its leader
  // then inserts every member's keys into the memtables itself instead of waking each
  // writer to insert its own, and waiting writers block rather than spin: on a small box
  // (two cores, more writers than cores) the hand-offs and the spinning cost more CPU than
  // the parallel inserts save (docs/benchmarks.md: about 0.05 ms of node CPU a booking).
  db_options.allow_concurrent_memtable_write = false;
  db_options.enable_write_thread_adaptive_yield = false;

  // Point lookups that miss (new idempotency keys, empty slot counters) are the common
  // case on the booking path: bloom filters answer them without reading table blocks.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Index and filter blocks are cut into 4 KB partitions that live in the block cache, with
  // only each file's top level pinned there. Held whole outside the cache, they grew with
  // the data (10 million member profiles: 73-120 MiB, docs/benchmarks.md "Memory"); this
  // way a node's memory stays within its budgets however much it holds, and a lookup reads
  // only the partitions it needs. The L0 files', hot on the write path, stay pinned whole.
  table_options.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table_options.partition_filters = true;
  table_options.cache_index_and_filter_blocks = true;
  table_options.cache_index_and_filter_blocks_with_high_priority = true;
  table_options.pin_top_level_index_and_filter = true;
  table_options.pin_l0_filter_and_index_blocks_in_cache = true;
  rocksdb::ColumnFamilyOptions family_options(db_options);
  // No table's memtable larger than the whole budget: its Bloom filter below is sized from
  // it and allocated with each memtable, whatever it holds (a small budget, many nodes in one
  // process, would otherwise still take about 1.3 MB a table).
  family_options.write_buffer_size =
      std::min(family_options.write_buffer_size, options.memtable_budget_bytes);
  // TransactionDB keeps flushed memtables for snapshot conflict checks, 128 MB a table unless
  // told otherwise; the store never sets a snapshot, so keep next to none.
  family_options.max_write_buffer_size_to_maintain = 1 << 20;
  // The same for keys still in the memtable: a lookup of a key not there (a member, a
  // booking or an idempotency key seen for the first time) skips the skip-list search.
  family_options.memtable_prefix_bloom_size_ratio = 0.02;
  family_options.memtable_whole_key_filtering = true;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  rocksdb::ColumnFamilyOptions small_options = family_options;
  small_options.write_buffer_size =
      std::min(options.small_memtable_bytes, family_options.write_buffer_size);

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (size_t index = 0; index < kTableCount; ++index) {
    const Table table = static_cast<Table>(index);
    families.emplace_back(std::string(TableName(table)),
                          WrittenByEveryBooking(table) ? family_options : small_options);
  }
  // RocksDB requires the default family to be opened; it holds nothing of ours.
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, small_options);

  rocksdb::TransactionDBOptions txn_options;
  txn_options.transaction_lock_timeout = absl::ToInt64Milliseconds(options.lock_timeout);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::TransactionDB* db = nullptr;
  rocksdb::Status s =
      rocksdb::TransactionDB::Open(db_options, txn_options, options.path, families, &handles, &db);
  if (!s.ok()) {
    if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data folder '", options.path, "' is in use by another process: ", s.ToString()));
    }
    absl::Status status = FromRocksStatus(s);
    return absl::Status(status.code(), absl::StrCat("cannot open the database in '", options.path,
                                                    "': ", status.message()));
  }
  return std::unique_ptr<RocksStore>(new RocksStore(options, db, std::move(handles)));
}

RocksStore::RocksStore(const RocksStoreOptions& options, rocksdb::TransactionDB* db,
                       std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : options_(options), db_(db), handles_(std::move(handles)) {}

RocksStore::~RocksStore() {
  db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
  delete db_;
}

absl::Status RocksStore::Compact() {
  // Flushing every memtable retires the write-ahead logs that held old values; a forced
  // compaction down to the last level drops every overwritten and deleted value from the
  // table files. RocksDB deletes the obsolete logs and files as it goes.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status s = db_->Flush(flush, handles_); !s.ok()) return FromRocksStatus(s);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (rocksdb::Status s = db_->CompactRange(compact, handle, nullptr, nullptr); !s.ok()) {
      return FromRocksStatus(s);
    }
  }
  return absl::OkStatus();
}

std::vector<TableSize> RocksStore::TableSizes() const {
  std::vector<TableSize> sizes;
  for (size_t i = 0; i < kTableCount; ++i) {
    const Table table = static_cast<Table>(i);
    TableSize size{.table = table};
    db_->GetIntProperty(Handle(table), "rocksdb.total-sst-files-size", &size.sst_bytes);
    db_->GetIntProperty(Handle(table), "rocksdb.size-all-mem-tables", &size.memtable_bytes);
    db_->GetIntProperty(Handle(table), "rocksdb.estimate-num-keys", &size.keys);
    db_->GetIntProperty(Handle(table), "rocksdb.estimate-table-readers-mem",
                        &size.table_reader_bytes);
    sizes.push_back(size);
  }
  return sizes;
}

rocksdb::ColumnFamilyHandle* RocksStore::Handle(Table table) const {
  return handles_[static_cast<size_t>(table)];
}

std::unique_ptr<Transaction> RocksStore::BeginTransaction() {
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  std::unique_ptr<rocksdb::Transaction> txn(db_->BeginTransaction(write_options));
  return std::make_unique<RocksTransaction>(std::move(txn), handles_);
}

absl::Status RocksStore::SyncWal() {
  if (!options_.sync_writes) return absl::OkStatus();
  return FromRocksStatus(db_->SyncWAL());
}

absl::StatusOr<std::unique_ptr<BulkLoad>> RocksStore::BeginBulkLoad() {
  return std::make_unique<RocksBulkLoad>(
      db_, handles_,
      absl::StrCat(options_.path, "/", kBulkLoadFolder, "/", bulk_loads_.fetch_add(1)));
}

absl::StatusOr<std::optional<std::string>> RocksStore::Get(Table table, absl::string_view key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(table),
                               rocksdb::Slice(key.data(), key.size()), &value);
  return ReadResult(s, std::move(value));
}

absl::StatusOr<std::vector<KeyValue>> RocksStore::Scan(Table table, absl::string_view prefix,
                                                       size_t limit,
                                                       absl::string_view start_after) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(table)));
  return Collect(it.get(), prefix, limit, start_after);
}

}  // namespace cantine::storage
