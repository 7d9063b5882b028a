#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "storage/store.h"

namespace cantine::storage {

// The two kinds of value the tables hold (table.h says which table holds which): a
// protocol buffer message, stored as its serialized bytes, and a count. Errors reading
// either are DATA_LOSS: a value that does not decode is not what this code wrote.

// --- Protocol buffer records ---

// `bytes` parsed as a `Message`. DATA_LOSS "<what> does not parse" when they do not
// (`what` names the record: "stored booking").
template <typename Message>
absl::StatusOr<Message> ParseRecord(absl::string_view bytes, absl::string_view what);

// The result of a point read (Store::Get, Transaction::Get or GetForUpdate) parsed as a
// `Message`: the read's error as it is; std::nullopt when there is no record; DATA_LOSS as
// ParseRecord.
//
//   ASSIGN_OR_RETURN(std::optional<v1::Event> event,
//                    ParseOptionalRecord<v1::Event>(txn.GetForUpdate(table, key), "stored event"));
template <typename Message>
absl::StatusOr<std::optional<Message>> ParseOptionalRecord(
    const absl::StatusOr<std::optional<std::string>>& read, absl::string_view what);

// Whether `txn` sees a value at `key` (read without a lock). The errors of Transaction::Get.
absl::StatusOr<bool> HoldsKey(Transaction& txn, Table table, absl::string_view key);

// Writes `record`, serialized, at `key` in `txn`. The errors of Transaction::Put.
[[nodiscard]] absl::Status PutRecord(Transaction& txn, Table table, absl::string_view key,
                                     const google::protobuf::MessageLite& record);

// --- Counts ---
// A count is a number >= 0 held as its decimal digits; zero is held as no value at all, so
// that a table of counts keeps only the ones in use. `Int` is int32_t or int64_t: a value
// out of its range does not parse.

// The count `value` holds (0 for none). DATA_LOSS "stored <what> does not parse" for
// anything but decimal digits of a number from 0 to the largest `Int` (`what` names the
// count: "slot counter").
template <typename Int>
absl::StatusOr<Int> DecodeCount(const std::optional<std::string>& value, absl::string_view what);

// Reads the count at `key` locked (GetForUpdate) until `txn` ends, so that no other
// transaction changes it in between: the read of a read-modify-write. The errors of
// GetForUpdate (ABORTED on lock contention) and DecodeCount.
template <typename Int>
absl::StatusOr<Int> LockCount(Transaction& txn, Table table, absl::string_view key,
                              absl::string_view what);

// Writes `count` (>= 0) at `key`: deletes the value at 0. INVALID_ARGUMENT for a negative
// count, and nothing is written; otherwise the errors of Put and Delete.
[[nodiscard]] absl::Status PutCount(Transaction& txn, Table table, absl::string_view key,
                                    int64_t count);

// --- Implementation ---

template <typename Message>
absl::StatusOr<Message> ParseRecord(absl::string_view bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(what, " does not parse"));
  }
  return message;
}

template <typename Message>
absl::StatusOr<std::optional<Message>> ParseOptionalRecord(
    const absl::StatusOr<std::optional<std::string>>& read, absl::string_view what) {
  if (!read.ok()) return read.status();
  if (!read->has_value()) return std::nullopt;
  absl::StatusOr<Message> message = ParseRecord<Message>(**read, what);
  if (!message.ok()) return message.status();
  return *std::move(message);
}

extern template absl::StatusOr<int32_t> DecodeCount<int32_t>(const std::optional<std::string>&,
                                                             absl::string_view);
extern template absl::StatusOr<int64_t> DecodeCount<int64_t>(const std::optional<std::string>&,
                                                             absl::string_view);

template <typename Int>
absl::StatusOr<Int> LockCount(Transaction& txn, Table table, absl::string_view key,
                              absl::string_view what) {
  absl::StatusOr<std::optional<std::string>> value = txn.GetForUpdate(table, key);
  if (!value.ok()) return value.status();
  return DecodeCount<Int>(*value, what);
}

}  // namespace cantine::storage
