#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/table.h"

namespace cantine::storage {

// Many records written at once, around transactions: what rebuilding whole tables needs (a
// node bootstrapping from a seed), at a fraction of a transaction's cost per key. Each
// table's keys go in in strictly ascending byte order. Nothing is visible until Commit,
// which makes every table's writes visible together and durable; a load destroyed without
// Commit leaves the store as it was.
//
// The loaded values replace whatever the store held under those keys, whatever wrote it
// and when: the caller makes sure that no transaction writes the same keys while the load
// runs. Thread-compatible per table: the writes of different tables may come from different
// threads at once (each table is a file of its own), Commit from one once they are done.
class BulkLoad {
 public:
  virtual ~BulkLoad() = default;

  [[nodiscard]] virtual absl::Status Put(Table table, absl::string_view key,
                                         absl::string_view value) = 0;
  [[nodiscard]] virtual absl::Status Delete(Table table, absl::string_view key) = 0;
  // Publishes every write at once (all tables or none, even across a crash).
  [[nodiscard]] virtual absl::Status Commit() = 0;
};

}  // namespace cantine::storage
