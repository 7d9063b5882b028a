#include "storage/overlay_store.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <new>
#include <numeric>
#include <utility>

#include "absl/base/internal/endian.h"
#include "absl/strings/match.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

// What one row costs besides its key and value bytes: the row, its slot in the hash index
// and its position in the key order.
constexpr size_t kRowOverheadBytes = 64;

}  // namespace

// Bytes copied one after the other into large blocks, given back only all at once (or back
// to a mark): no allocation per key or value, and the blocks are reused after a flush.
class OverlayStore::Arena {
 public:
  explicit Arena(size_t block_bytes) : block_bytes_(block_bytes) {}

  // A position to truncate back to.
  struct Mark {
    size_t block = 0;
    size_t used = 0;
  };

  // A copy of `bytes` that stays in place until the arena is truncated before it.
  absl::string_view Copy(absl::string_view bytes) {
    if (bytes.empty()) return absl::string_view();
    while (current_ < blocks_.size() && used_ + bytes.size() > blocks_[current_].size) {
      ++current_;
      used_ = 0;
    }
    if (current_ == blocks_.size()) {
      const size_t size = std::max(block_bytes_, bytes.size());
      blocks_.push_back({NewBlock(size), size});
      used_ = 0;
    }
    char* at = blocks_[current_].data.get() + used_;
    std::memcpy(at, bytes.data(), bytes.size());
    used_ += bytes.size();
    return absl::string_view(at, bytes.size());
  }
  Mark mark() const { return {current_, used_}; }
  // Forgets what was copied after `mark`, keeping the blocks.
  void Truncate(Mark mark) {
    current_ = mark.block;
    used_ = mark.used;
  }

 private:
  static constexpr size_t kHugePageBytes = size_t{2} << 20;
  struct Free {
    void operator()(char* data) const { ::operator delete(data, alignment); }
    std::align_val_t alignment;
  };
  struct Block {
    std::unique_ptr<char, Free> data;
    size_t size;
  };
  // A block of a huge page or more is aligned on huge pages and marked for them where it
  // can be: the kernel then fills it in two page faults instead of a thousand (page faults
  // of first touch were a tenth of a bootstrap's time).
  static std::unique_ptr<char, Free> NewBlock(size_t size) {
    if (size < kHugePageBytes) {
      const std::align_val_t alignment{alignof(std::max_align_t)};
      return std::unique_ptr<char, Free>(static_cast<char*>(::operator new(size, alignment)),
                                         Free{alignment});
    }
    const size_t rounded = (size + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    const std::align_val_t alignment{kHugePageBytes};
    char* data = static_cast<char*>(::operator new(rounded, alignment));
    madvise(data, rounded, MADV_HUGEPAGE);  // A hint: without it, ordinary pages.
    return std::unique_ptr<char, Free>(data, Free{alignment});
  }
  const size_t block_bytes_;
  std::vector<Block> blocks_;
  size_t current_ = 0;  // The block copied into; blocks_.size() before the first.
  size_t used_ = 0;     // Bytes used of blocks_[current_].
};

struct OverlayStore::Layer {
  explicit Layer(size_t arena_block_bytes) : arena(arena_block_bytes), tables(kTableCount) {}
  // Forgets every row, keeping the arena's blocks and the tables' capacity.
  void Clear() {
    for (TableRows& table : tables) {
      table.rows.clear();
      table.index.clear();
      table.indexed = false;
      table.duplicates = false;
      table.sorted.clear();
      table.sorted_rows = 0;
    }
    arena.Truncate({});
    bytes = 0;
  }
  bool empty() const { return bytes == 0; }

  Arena arena;
  std::vector<TableRows> tables;  // By Table.
  size_t bytes = 0;               // Arena bytes used and the rows' overhead.
};

struct OverlayStore::Undo {
  Table table;
  uint32_t row;
  bool inserted;
  Row before;  // When not inserted.
  Arena::Mark arena_before;
  size_t bytes_before;
};

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
    store_->Write(table, key, value, undo_);
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

OverlayStore::OverlayStore(Store* base, size_t arena_block_bytes)
    : base_(base),
      arena_block_bytes_(arena_block_bytes),
      active_(std::make_unique<Layer>(arena_block_bytes)),
      base_tables_(kTableCount, BaseTable::kUnknown) {}

OverlayStore::~OverlayStore() {
  if (loader_.joinable()) loader_.join();
}

std::unique_ptr<Transaction> OverlayStore::BeginTransaction() {
  return std::make_unique<OverlayTransaction>(this);
}

size_t OverlayStore::bytes_held() const { return active_->bytes; }

size_t OverlayStore::bytes_loading() const { return loading_ == nullptr ? 0 : loading_->bytes; }

void OverlayStore::Write(Table table, absl::string_view key, std::optional<absl::string_view> value,
                         std::vector<Undo>& undo) {
  Layer& layer = *active_;
  TableRows& rows = layer.tables[static_cast<size_t>(table)];
  Undo& record = undo.emplace_back(Undo{.table = table,
                                        .row = 0,
                                        .inserted = false,
                                        .before = {},
                                        .arena_before = layer.arena.mark(),
                                        .bytes_before = layer.bytes});
  const Row written{.key = {},
                    .value = value.has_value() ? layer.arena.Copy(*value) : absl::string_view(),
                    .deleted = !value.has_value()};
  layer.bytes += written.value.size();
  const auto append = [&] {
    record.inserted = true;
    record.row = static_cast<uint32_t>(rows.rows.size());
    Row& row = rows.rows.emplace_back(written);
    row.key = layer.arena.Copy(key);
    layer.bytes += key.size() + kRowOverheadBytes;
    return row.key;
  };
  if (!rows.indexed) {
    append();
    return;
  }
  const auto it =
      rows.index.lazy_emplace(key, [&](const auto& construct) { construct(append(), record.row); });
  if (record.inserted) return;
  record.row = it->second;
  Row& row = rows.rows[record.row];
  record.before = row;
  row.value = written.value;
  row.deleted = written.deleted;
}

void OverlayStore::Index(TableRows& table) {
  if (table.indexed) return;
  table.index.reserve(table.rows.size());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto [it, inserted] =
        table.index.try_emplace(table.rows[i].key, static_cast<uint32_t>(i));
    if (inserted) continue;
    it->second = static_cast<uint32_t>(i);
    table.duplicates = true;
  }
  table.indexed = true;
}

void OverlayStore::UndoTo(std::vector<Undo>& undo, size_t mark) {
  Layer& layer = *active_;
  while (undo.size() > mark) {
    const Undo& last = undo.back();
    TableRows& rows = layer.tables[static_cast<size_t>(last.table)];
    if (last.inserted) {
      // The newest write of its table inserted it: it is the table's last row.
      const absl::string_view key = rows.rows[last.row].key;
      rows.rows.pop_back();
      if (rows.indexed) {
        rows.index.erase(key);
        // An earlier row of the key, appended before the index was built, is its latest.
        for (size_t i = rows.rows.size(); rows.duplicates && i-- > 0;) {
          if (rows.rows[i].key != key) continue;
          rows.index.emplace(rows.rows[i].key, static_cast<uint32_t>(i));
          break;
        }
      }
      if (rows.sorted_rows > rows.rows.size()) {  // Sort them all again.
        rows.sorted.clear();
        rows.sorted_rows = 0;
      }
    } else {
      rows.rows[last.row].value = last.before.value;
      rows.rows[last.row].deleted = last.before.deleted;
    }
    layer.arena.Truncate(last.arena_before);
    layer.bytes = last.bytes_before;
    undo.pop_back();
  }
}

const std::vector<uint32_t>& OverlayStore::Sorted(TableRows& table) {
  const size_t done = table.sorted_rows;
  const std::vector<Row>& rows = table.rows;
  if (done == rows.size()) return table.sorted;
  // The rows added since, sorted on the 8 bytes that follow the prefix their keys share (an
  // origin, a site id), then on the whole key where those are equal, then by position: the
  // comparisons rarely leave this array for the keys.
  const absl::string_view first = rows[done].key;
  size_t common = first.size();
  for (size_t i = done + 1; i < rows.size() && common > 0; ++i) {
    const absl::string_view key = rows[i].key;
    const size_t limit = std::min(common, key.size());
    size_t same = 0;
    while (same < limit && key[same] == first[same]) ++same;
    common = same;
  }
  struct Sortable {
    uint64_t head;
    uint32_t row;
  };
  std::vector<Sortable> added;
  added.reserve(rows.size() - done);
  for (size_t i = done; i < rows.size(); ++i) {
    const absl::string_view key = rows[i].key;
    char head[8] = {};
    if (key.size() > common) {
      std::memcpy(head, key.data() + common, std::min<size_t>(8, key.size() - common));
    }
    added.push_back({absl::big_endian::Load64(head), static_cast<uint32_t>(i)});
  }
  const auto before = [&](const Sortable& a, const Sortable& b) {
    if (a.head != b.head) return a.head < b.head;
    const int order = rows[a.row].key.compare(rows[b.row].key);
    return order != 0 ? order < 0 : a.row < b.row;
  };
  // One origin's entries come in key order.
  if (!std::is_sorted(added.begin(), added.end(), before)) {
    std::sort(added.begin(), added.end(), before);
  }
  std::vector<uint32_t> positions;
  positions.reserve(added.size());
  for (const Sortable& s : added) positions.push_back(s.row);
  if (done > 0) {
    // Equal keys: the earlier rows first, as std::merge keeps the first range's first.
    std::vector<uint32_t> merged;
    merged.reserve(table.sorted.size() + positions.size());
    std::merge(table.sorted.begin(), table.sorted.end(), positions.begin(), positions.end(),
               std::back_inserter(merged),
               [&](uint32_t a, uint32_t b) { return rows[a].key < rows[b].key; });
    positions = std::move(merged);
  }
  // The latest row of each key: the last of each run of equal keys.
  size_t kept = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    if (kept > 0 && rows[positions[kept - 1]].key == rows[positions[i]].key) --kept;
    positions[kept++] = positions[i];
  }
  positions.resize(kept);
  table.sorted = std::move(positions);
  table.sorted_rows = rows.size();
  return table.sorted;
}

absl::StatusOr<std::optional<std::string>> OverlayStore::Get(Table table, absl::string_view key) {
  for (Layer* layer : {active_.get(), loading_.get()}) {
    if (layer == nullptr) continue;
    TableRows& rows = layer->tables[static_cast<size_t>(table)];
    // Of the layer being loaded, the loader only reads the rows and sorts them: building the
    // index here touches nothing it uses.
    Index(rows);
    if (auto it = rows.index.find(key); it != rows.index.end()) {
      const Row& row = rows.rows[it->second];
      if (row.deleted) return std::nullopt;
      return std::optional<std::string>(std::in_place, row.value);
    }
  }
  ASSIGN_OR_RETURN(const bool base_empty, BaseEmpty(table));
  if (base_empty) return std::nullopt;
  return base_->Get(table, key);
}

absl::StatusOr<bool> OverlayStore::BaseEmpty(Table table) {
  BaseTable& known = base_tables_[static_cast<size_t>(table)];
  if (known == BaseTable::kUnknown) {
    ASSIGN_OR_RETURN(const std::vector<KeyValue> first, base_->Scan(table, "", 1));
    known = first.empty() ? BaseTable::kEmpty : BaseTable::kMayHold;
  }
  return known == BaseTable::kEmpty;
}

void OverlayStore::LoadingInto(const Layer& layer) {
  for (size_t table = 0; table < kTableCount; ++table) {
    if (!layer.tables[table].rows.empty()) base_tables_[table] = BaseTable::kMayHold;
  }
}

absl::StatusOr<std::vector<KeyValue>> OverlayStore::Scan(Table table, absl::string_view prefix,
                                                         size_t limit,
                                                         absl::string_view start_after) {
  RETURN_IF_ERROR(WaitForLoad());
  TableRows& rows = active_->tables[static_cast<size_t>(table)];
  const std::vector<uint32_t>& sorted = Sorted(rows);
  const auto key_of = [&](uint32_t row) { return rows.rows[row].key; };
  const bool from_prefix = start_after.empty() || start_after < prefix;
  auto held =
      from_prefix
          ? std::lower_bound(sorted.begin(), sorted.end(), prefix,
                             [&](uint32_t row, absl::string_view key) { return key_of(row) < key; })
          : std::upper_bound(
                sorted.begin(), sorted.end(), start_after,
                [&](absl::string_view key, uint32_t row) { return key < key_of(row); });
  const auto held_in_prefix = [&] {
    return held != sorted.end() && absl::StartsWith(key_of(*held), prefix);
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
    if (held_in_prefix() && (!have_base || key_of(*held) <= page[next].key)) {
      const Row& row = rows.rows[*held];
      if (have_base && row.key == page[next].key) ++next;
      if (!row.deleted) out.push_back({std::string(row.key), std::string(row.value)});
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

absl::Status OverlayStore::Load(Layer& layer) {
  ASSIGN_OR_RETURN(std::unique_ptr<BulkLoad> load, base_->BeginBulkLoad());
  // A thread per table: sorting and writing the files (compression, filters) is most of a
  // load, and the tables are independent.
  std::vector<absl::Status> loaded(kTableCount);
  std::vector<std::thread> threads;
  for (size_t table = 0; table < kTableCount; ++table) {
    if (layer.tables[table].rows.empty()) continue;
    threads.emplace_back([&, table] {
      TableRows& rows = layer.tables[table];
      for (const uint32_t position : Sorted(rows)) {
        const Row& row = rows.rows[position];
        loaded[table] = row.deleted ? load->Delete(static_cast<Table>(table), row.key)
                                    : load->Put(static_cast<Table>(table), row.key, row.value);
        if (!loaded[table].ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : loaded) RETURN_IF_ERROR(status);
  return load->Commit();
}

absl::Status OverlayStore::WaitForLoad() {
  if (!failed_.ok()) return failed_;
  if (!loader_.joinable()) return absl::OkStatus();
  loader_.join();
  if (!loaded_.ok()) {
    // Its writes are lost, and what was written since builds on them (a record merged over
    // one of them, a head past them): nothing more may be loaded.
    failed_ = loaded_;
    loading_.reset();
    return failed_;
  }
  loading_->Clear();
  spare_ = std::move(loading_);
  return absl::OkStatus();
}

absl::Status OverlayStore::Flush() {
  if (transaction_open_) {
    return absl::FailedPreconditionError("cannot flush the overlay while a transaction is open");
  }
  RETURN_IF_ERROR(WaitForLoad());
  if (active_->empty()) return absl::OkStatus();
  LoadingInto(*active_);
  RETURN_IF_ERROR(Load(*active_));
  active_->Clear();
  return absl::OkStatus();
}

absl::Status OverlayStore::FlushInBackground() {
  if (transaction_open_) {
    return absl::FailedPreconditionError("cannot flush the overlay while a transaction is open");
  }
  RETURN_IF_ERROR(WaitForLoad());
  if (active_->empty()) return absl::OkStatus();
  LoadingInto(*active_);
  loading_ = std::move(active_);
  active_ = spare_ != nullptr ? std::move(spare_) : std::make_unique<Layer>(arena_block_bytes_);
  loader_ = std::thread([this, layer = loading_.get()] { loaded_ = Load(*layer); });
  return absl::OkStatus();
}

}  // namespace cantine::storage
