#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
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
  using TableMap = absl::btree_map<std::string, Held>;
  // An overlay write as it can be undone: the key's state before it (nullopt: not held).
  struct Undo {
    Table table;
    std::string key;
    std::optional<Held> before;
  };

  // Sets `key` to `value` (nullopt: deleted), recording how to undo it in `undo`.
  void Write(Table table, absl::string_view key, Held value, std::vector<Undo>& undo);
  // Undoes the writes of `undo` after position `mark`, newest first.
  void UndoTo(std::vector<Undo>& undo, size_t mark);

  Store* const base_;
  std::vector<TableMap> tables_;  // By Table.
  size_t bytes_held_ = 0;
  bool transaction_open_ = false;
};

}  // namespace cantine::storage
