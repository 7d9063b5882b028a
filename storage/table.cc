#include "storage/table.h"

namespace cantine::storage {

absl::string_view TableName(Table table) {
  switch (table) {
    case Table::kMeta:
      return "meta";
    case Table::kSpaces:
      return "spaces";
  }
  return "unknown";
}

}  // namespace cantine::storage
