#pragma once

#include <array>

#include "absl/strings/string_view.h"

namespace cantine::storage {

// One RocksDB column family per table. Adding a table is adding an enumerator here and its
// name in table.cc; an existing database gains the column family on its next open.
enum class Table {
  kMeta,    // The node's own site record and policy: a handful of keys.
  kSpaces,  // space_id -> cantine.v1.Space.
};

inline constexpr std::array<Table, 2> kAllTables = {Table::kMeta, Table::kSpaces};

// The column family name of a table; stable on disk, never renamed.
absl::string_view TableName(Table table);

}  // namespace cantine::storage
