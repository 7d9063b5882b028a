#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace cantine::storage {

// A store that holds every write in memory over a base store it reads through, until Flush
// bulk-loads them into the base (BulkLoad): the real record logic (the oplog's apply and the
// record owners behind it) runs unchanged, at memory speed, and the base takes the result
// as sorted files instead of one transaction at a time. Used to bootstrap a node from a
// seed before the node serves.
//
// For one writer: at most one transaction open at a time, and nothing else writes the base
// meanwhile (what the overlay read of it would go stale). Its transactions are isolated
// from no one: the writes of an open transaction are already visible to Get and Scan, and
// are undone when it ends without Commit. Nothing is durable before Flush returns OK.
class OverlayStore final : public Store {
 public:
  explicit OverlayStore(Store* base);  // Not owned; outlives this.

  std::unique_ptr<Transaction> BeginTransaction() override;
  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) override;
  absl::StatusOr<std::vector<KeyValue>> Scan(Table table, absl::string_view prefix, size_t limit,
                                             absl::string_view start_after = {}) override;
  // Flushes, then compacts the base.
  absl::Status Compact() override;
  // FAILED_PRECONDITION: the overlay is itself loaded into its base by Flush.
  absl::StatusOr<std::unique_ptr<BulkLoad>> BeginBulkLoad() override;

  // Writes everything held to the base in one bulk load and, once it committed, empties
  // the overlay. FAILED_PRECONDITION while a transaction is open.
  absl::Status Flush();

  // About how many bytes of memory the writes held take.
  size_t bytes_held() const { return bytes_held_; }

 private:
  class OverlayTransaction;
  // A key's state in the overlay: a value, or nullopt for a deletion.
  using Held = std::optional<std::string>;
  using Row = std::pair<const std::string, Held>;
  // One table's writes. Point reads and writes, nearly all of a bootstrap's work, go to a
  // hash table; key order, which only scans and the flush need, is an index of the rows
  // (their addresses are stable) brought up to date when asked for: the keys added since
  // are sorted and merged in, all of them sorted again only after a key was taken out. A
  // sorted tree for every write cost more than the rest of the apply together.
  struct TableRows {
    absl::node_hash_map<std::string, Held> rows;
    std::vector<const Row*> sorted;  // In key order, as of the last Sorted().
    std::vector<const Row*> added;   // Rows added since, in no order.
    bool resort = false;             // A row was erased since: sort every row again.
  };
  // An overlay write as it can be undone: its row (whose address is stable until the row is
  // erased, which only undoing its insertion does) and the key's state before it (nullopt:
  // not held).
  struct Undo {
    Table table;
    Row* row;
    std::optional<Held> before;
  };

  // Sets `key` to `value` (nullopt: deleted), recording how to undo it in `undo`.
  void Write(Table table, absl::string_view key, Held value, std::vector<Undo>& undo);
  // Undoes the writes of `undo` after position `mark`, newest first.
  void UndoTo(std::vector<Undo>& undo, size_t mark);
  // The rows of `table` in key order.
  static const std::vector<const Row*>& Sorted(TableRows& table);

  Store* const base_;
  std::vector<TableRows> tables_;  // By Table.
  size_t bytes_held_ = 0;
  bool transaction_open_ = false;
};

}  // namespace cantine::storage
