#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace cantine::storage {

// A store that holds every write in memory over a base store it reads through, until a
// flush bulk-loads them into the base (BulkLoad): the real record logic (the oplog's apply
// and the record owners behind it) runs unchanged, at memory speed, and the base takes the
// result as sorted files instead of one transaction at a time. Used to bootstrap a node
// from a seed before the node serves.
//
// For one writer: at most one transaction open at a time, and nothing else writes the base
// meanwhile (what the overlay read of it would go stale). All calls from one thread at a
// time; a load started by FlushInBackground runs on a thread of its own. Its transactions
// are isolated from no one: the writes of an open transaction are already visible to Get
// and Scan, and are undone when it ends without Commit. Nothing is durable before a load
// committed: Flush returned OK, or a later Flush or FlushInBackground found the background
// load committed.
class OverlayStore final : public Store {
 public:
  // What a layer's arena allocates at a time: large for a bootstrap, whose writes fill
  // many; a small one suits an overlay that holds little and is made often (a fuzz input).
  inline static constexpr size_t kDefaultArenaBlockBytes = size_t{4} << 20;

  // `base` is not owned and outlives this.
  explicit OverlayStore(Store* base, size_t arena_block_bytes = kDefaultArenaBlockBytes);
  // Waits for a load in the background; what it did not commit is lost.
  ~OverlayStore() override;

  std::unique_ptr<Transaction> BeginTransaction() override;
  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override;
  // Waits for a load in the background first (its error is returned).
  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix, size_t limit,
                                             absl::string_view start_after = {}) override;
  // Flushes, then compacts the base.
  absl::Status Compact() override;
  // FAILED_PRECONDITION: the overlay is itself loaded into its base by Flush.
  absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() override;

  // Writes everything held to the base in one bulk load and, once it committed, empties
  // the overlay; waits first for a load in the background, whose error it returns.
  // FAILED_PRECONDITION while a transaction is open.
  absl::Status Flush();
  // Starts loading everything held into the base on a thread of its own and goes on taking
  // writes meanwhile: reads see what is being loaded until it committed. Waits first for the
  // previous load in the background (at most one runs), whose error it returns.
  // FAILED_PRECONDITION while a transaction is open. Once a load in the background failed,
  // every flush and scan returns its error and loads nothing: what was written after it
  // builds on what it lost.
  absl::Status FlushInBackground();

  // About how many bytes of memory the writes held take, besides those of a load in the
  // background (bytes_loading). Undone writes give theirs back; overwritten values keep
  // theirs until the flush.
  size_t bytes_held() const;
  size_t bytes_loading() const;

 private:
  class OverlayTransaction;
  class Arena;
  // A key's state in the overlay; its bytes are in its layer's arena.
  struct Row {
    absl::string_view key;
    absl::string_view value;
    bool deleted = false;
  };
  // One table's writes. Point reads and writes, nearly all of a bootstrap's work, go to a
  // hash index of the rows, built on the first read of the table: until then (a table only
  // written, like the log's own), each write appends a row and the latest row of a key
  // counts. Key order, which only scans and the load need, is a list of row positions
  // brought up to date when asked for: the rows added since are sorted and merged in. A row
  // is only taken out by undoing its insertion, which is the newest write of its table and
  // so its last row.
  struct TableRows {
    std::vector<Row> rows;                                   // In the order written.
    absl::flat_hash_map<absl::string_view, uint32_t> index;  // key -> its latest row.
    bool indexed = false;          // Whether index is kept (built on the first read).
    bool duplicates = false;       // Whether rows holds some key twice.
    std::vector<uint32_t> sorted;  // The latest row of each key of rows[0, sorted_rows), in
    size_t sorted_rows = 0;        // key order.
  };
  // The writes held, keys and values copied into one arena. The overlay holds the layer that
  // takes writes and, while it is being loaded in the background, the one before.
  struct Layer;
  // An overlay write as it can be undone: its row, whether the write inserted it, the row
  // before it otherwise, and the layer's arena and byte count before it.
  struct Undo;

  // Sets `key` to `value` (nullopt: deleted), recording how to undo it in `undo`.
  void Write(Table table, absl::string_view key, std::optional<absl::string_view> value,
             std::vector<Undo>& undo);
  // Undoes the writes of `undo` after position `mark`, newest first.
  void UndoTo(std::vector<Undo>& undo, size_t mark);
  // The rows of `table` in key order, by position, the latest of each key.
  static const std::vector<uint32_t>& Sorted(TableRows& table);
  // Builds the index of `table` if it has none.
  static void Index(TableRows& table);
  // Loads every row of `layer` into the base in one bulk load (a thread per table).
  absl::Status Load(Layer& layer);
  // Waits for the load in the background, if any; once it committed, its layer is emptied
  // and kept for reuse.
  absl::Status WaitForLoad();
  // Whether the base holds nothing of `table`: read once, then known until a load writes
  // the table (nothing else writes the base meanwhile). Most reads of a bootstrap are of
  // keys nobody wrote yet, which then cost no read of the base.
  absl::StatusOr<bool> BaseEmpty(Table table);
  // Marks the tables `layer` writes as no longer empty in the base.
  void LoadingInto(const Layer& layer);

  Store* const base_;
  const size_t arena_block_bytes_;
  std::unique_ptr<Layer> active_;   // Takes the writes.
  std::unique_ptr<Layer> loading_;  // Being loaded by loader_; read below active_.
  std::unique_ptr<Layer> spare_;    // Emptied, its arena kept for the next layer.
  std::thread loader_;
  absl::Status loaded_;  // What loader_ ended with; read once it was joined.
  absl::Status failed_;  // The error of a load in the background that failed.
  enum class BaseTable { kUnknown, kEmpty, kMayHold };
  std::vector<BaseTable> base_tables_;  // By Table.
  bool transaction_open_ = false;
};

}  // namespace cantine::storage
