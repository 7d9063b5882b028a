#include "storage/records.h"

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "storage/status_macros.h"

namespace cantine::storage {

absl::StatusOr<bool> HoldsKey(Transaction& txn, Table table, absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, txn.Get(table, key));
  return value.has_value();
}

absl::Status PutRecord(Transaction& txn, Table table, absl::string_view key,
                       const google::protobuf::MessageLite& record) {
  return txn.Put(table, key, record.SerializeAsString());
}

template <typename Int>
absl::StatusOr<Int> DecodeCount(const std::optional<std::string>& value, absl::string_view what) {
  if (!value.has_value()) return 0;
  Int count = 0;
  if (!absl::SimpleAtoi(*value, &count) || count < 0) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return count;
}

template absl::StatusOr<int32_t> DecodeCount<int32_t>(const std::optional<std::string>&,
                                                      absl::string_view);
template absl::StatusOr<int64_t> DecodeCount<int64_t>(const std::optional<std::string>&,
                                                      absl::string_view);

absl::Status PutCount(Transaction& txn, Table table, absl::string_view key, int64_t count) {
  if (count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("a count of ", count, " is below zero"));
  }
  if (count == 0) return txn.Delete(table, key);
  return txn.Put(table, key, absl::StrCat(count));
}

}  // namespace cantine::storage
