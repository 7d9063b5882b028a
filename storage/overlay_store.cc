#include "storage/overlay_store.h"

#include <algorithm>
#include <iterator>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

// What one held key costs besides its bytes: the tree node and the string headers.
constexpr size_t kHeldOverheadBytes = 96;

size_t BytesOf(absl::string_view key, const std::optional<std::string>& value) {
  return key.size() + (value.has_value() ? value->size() : 0) + kHeldOverheadBytes;
}

}  // namespace

class OverlayStore::OverlayTransaction final : public Transaction {
 public:
  explicit OverlayTransaction(OverlayStore* store) : store_(store) {
    store_->transaction_open_ = true;
  }
  ~OverlayTransaction() override {
    if (!committed_) store_->UndoTo(undo_, 0);
    store_->transaction_open_ = false;
  }

  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override {
    return store_->Get(table, key);
  }
  absl::StatusOr<std::optional<std::string>> GetForUpdate(Table table,
                                                          absl::string_view key) override {
    return store_->Get(table, key);  // One writer: there is nobody to lock against.
  }
  absl::Status Put(Table table, absl::string_view key, absl::string_view value) override {
    RETURN_IF_ERROR(CheckOpen());
    store_->Write(table, key, std::string(value), undo_);
    return absl::OkStatus();
  }
  absl::Status Delete(Table table, absl::string_view key) override {
    RETURN_IF_ERROR(CheckOpen());
    store_->Write(table, key, std::nullopt, undo_);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix,
                                             size_t limit) override {
    return store_->Scan(table, prefix, limit);
  }

  void SetSavePoint() override { save_points_.push_back(undo_.size()); }
  absl::Status RollbackToSavePoint() override {
    if (save_points_.empty()) return absl::NotFoundError("no save point to roll back to");
    store_->UndoTo(undo_, save_points_.back());
    save_points_.pop_back();
    return absl::OkStatus();
  }
  absl::Status PopSavePoint() override {
    if (save_points_.empty()) return absl::NotFoundError("no save point to pop");
    save_points_.pop_back();
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    committed_ = true;
    undo_.clear();
    return absl::OkStatus();
  }

 private:
  absl::Status CheckOpen() const {
    if (committed_) return absl::FailedPreconditionError("the transaction was committed");
    return absl::OkStatus();
  }

  OverlayStore* const store_;
  std::vector<Undo> undo_;
  std::vector<size_t> save_points_;  // Positions in undo_, oldest first.
  bool committed_ = false;
};

OverlayStore::OverlayStore(Store* base) : base_(base), tables_(kTableCount) {}

std::unique_ptr<Transaction> OverlayStore::BeginTransaction() {
  return std::make_unique<OverlayTransaction>(this);
}

void OverlayStore::Write(Table table, absl::string_view key, Held value, std::vector<Undo>& undo) {
  TableRows& rows = tables_[static_cast<size_t>(table)];
  auto [it, inserted] = rows.rows.try_emplace(std::string(key));
  if (inserted) {
    rows.added.push_back(&*it);
    undo.push_back({table, &*it, std::nullopt});
  } else {
    bytes_held_ -= BytesOf(it->first, it->second);
    undo.push_back({table, &*it, std::optional<Held>(std::in_place, std::move(it->second))});
  }
  bytes_held_ += BytesOf(key, value);
  it->second = std::move(value);
}

void OverlayStore::UndoTo(std::vector<Undo>& undo, size_t mark) {
  while (undo.size() > mark) {
    Undo& last = undo.back();
    TableRows& rows = tables_[static_cast<size_t>(last.table)];
    Row& row = *last.row;
    bytes_held_ -= BytesOf(row.first, row.second);
    if (last.before.has_value()) {
      bytes_held_ += BytesOf(row.first, *last.before);
      row.second = std::move(*last.before);
    } else {
      rows.rows.erase(rows.rows.find(row.first));
      rows.added.clear();
      rows.resort = true;
    }
    undo.pop_back();
  }
}

const std::vector<const OverlayStore::Row*>& OverlayStore::Sorted(TableRows& table) {
  const auto by_key = [](const Row* a, const Row* b) { return a->first < b->first; };
  if (table.resort) {
    table.sorted.clear();
    for (const Row& row : table.rows) table.sorted.push_back(&row);
    std::sort(table.sorted.begin(), table.sorted.end(), by_key);
    table.resort = false;
  } else if (!table.added.empty()) {
    std::sort(table.added.begin(), table.added.end(), by_key);
    std::vector<const Row*> merged;
    merged.reserve(table.sorted.size() + table.added.size());
    std::merge(table.sorted.begin(), table.sorted.end(), table.added.begin(), table.added.end(),
               std::back_inserter(merged), by_key);
    table.sorted = std::move(merged);
  }
  table.added.clear();
  return table.sorted;
}

absl::StatusOr<std::optional<std::string>> OverlayStore::Get(Table table, absl::string_view key) {
  const TableRows& rows = tables_[static_cast<size_t>(table)];
  if (auto it = rows.rows.find(key); it != rows.rows.end()) return it->second;
  return base_->Get(table, key);
}

absl::StatusOr<std::vector<KeyValue>> OverlayStore::Scan(Table table, absl::string_view prefix,
                                                         size_t limit,
                                                         absl::string_view start_after) {
  const std::vector<const Row*>& sorted = Sorted(tables_[static_cast<size_t>(table)]);
  const bool from_prefix = start_after.empty() || start_after < prefix;
  auto held = from_prefix ? std::lower_bound(sorted.begin(), sorted.end(), prefix,
                                             [](const Row* row, absl::string_view key) {
                                               return absl::string_view(row->first) < key;
                                             })
                          : std::upper_bound(sorted.begin(), sorted.end(), start_after,
                                             [](absl::string_view key, const Row* row) {
                                               return key < absl::string_view(row->first);
                                             });
  const auto held_in_prefix = [&] {
    return held != sorted.end() && absl::StartsWith((*held)->first, prefix);
  };
  // The base is read a page at a time, merged with what the overlay holds in the same
  // range: a held key shadows the base's, a held deletion hides it.
  std::vector<KeyValue> out;
  std::vector<KeyValue> page;
  size_t next = 0;
  std::string base_after(from_prefix ? absl::string_view() : start_after);
  bool base_done = false;
  while (out.size() < limit) {
    if (next == page.size() && !base_done) {
      ASSIGN_OR_RETURN(page, base_->Scan(table, prefix, limit, base_after));
      next = 0;
      base_done = page.size() < limit;
      if (!page.empty()) base_after = page.back().key;
    }
    const bool have_base = next < page.size();
    if (!have_base && !held_in_prefix()) break;
    if (held_in_prefix() && (!have_base || (*held)->first <= page[next].key)) {
      if (have_base && (*held)->first == page[next].key) ++next;
      if ((*held)->second.has_value()) out.push_back({(*held)->first, *(*held)->second});
      ++held;
    } else {
      out.push_back(std::move(page[next++]));
    }
  }
  return out;
}

absl::Status OverlayStore::Compact() {
  RETURN_IF_ERROR(Flush());
  return base_->Compact();
}

absl::StatusOr<std::unique_ptr<BulkLoad>> OverlayStore::BeginBulkLoad() {
  return absl::FailedPreconditionError(
      "an overlay store takes no bulk load: it is loaded into its base by Flush");
}

absl::Status OverlayStore::Flush() {
  if (transaction_open_) {
    return absl::FailedPreconditionError("cannot flush the overlay while a transaction is open");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<BulkLoad> load, base_->BeginBulkLoad());
  // A thread per table: sorting and writing the files (compression, filters) is most of a
  // flush, and the tables are independent.
  std::vector<absl::Status> loaded(kTableCount);
  std::vector<std::thread> threads;
  for (size_t table = 0; table < kTableCount; ++table) {
    if (tables_[table].rows.empty()) continue;
    threads.emplace_back([&, table] {
      for (const Row* row : Sorted(tables_[table])) {
        loaded[table] = row->second.has_value()
                            ? load->Put(static_cast<Table>(table), row->first, *row->second)
                            : load->Delete(static_cast<Table>(table), row->first);
        if (!loaded[table].ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : loaded) RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(load->Commit());
  for (TableRows& rows : tables_) rows = TableRows();
  bytes_held_ = 0;
  return absl::OkStatus();
}

}  // namespace cantine::storage
