#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace cantine::storage {

// The days from 1970-01-01 to `day`, negative before it: how keys hold a civil day, so that
// keys of days sort in calendar order.
int64_t DayNumber(absl::CivilDay day);

// Order-preserving key encoding: for keys built from the same sequence of component types,
// the byte-wise order of the encoded keys equals the component-wise order of the values.
// RocksDB's default comparator then iterates records in their natural order.
//
//   uint64: 8 bytes big-endian.
//   int64:  8 bytes big-endian with the sign bit flipped, so negatives sort first.
//   string: bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01, so that a string
//           sorts before any longer string it is a prefix of, whatever follows it.
class KeyBuilder {
 public:
  KeyBuilder() = default;
  // Continues a key built earlier (a prefix).
  explicit KeyBuilder(std::string prefix) : key_(std::move(prefix)) {}

  KeyBuilder& AddUint64(uint64_t value);
  KeyBuilder& AddInt64(int64_t value);
  KeyBuilder& AddString(absl::string_view value);
  // A civil day, as AddInt64(DayNumber(day)).
  KeyBuilder& AddDay(absl::CivilDay day);

  const std::string& key() const { return key_; }
  // Moves the key out; the builder is left empty.
  std::string Build() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads back, in order, the components a KeyBuilder wrote. Errors are DATA_LOSS: a key
// that does not decode means the stored data is not what this code wrote.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  absl::StatusOr<uint64_t> ReadUint64();
  absl::StatusOr<int64_t> ReadInt64();
  absl::StatusOr<std::string> ReadString();
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

}  // namespace cantine::storage
