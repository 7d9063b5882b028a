#include "storage/key_codec.h"

#include "absl/status/status.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xFF';
constexpr char kTerminator = '\x01';
constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

int64_t DayNumber(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

KeyBuilder& KeyBuilder::AddUint64(uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    key_.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
  return *this;
}

KeyBuilder& KeyBuilder::AddInt64(int64_t value) {
  return AddUint64(static_cast<uint64_t>(value) ^ kSignBit);
}

KeyBuilder& KeyBuilder::AddDay(absl::CivilDay day) { return AddInt64(DayNumber(day)); }

KeyBuilder& KeyBuilder::AddString(absl::string_view value) {
  for (char c : value) {
    key_.push_back(c);
    if (c == kEscape) key_.push_back(kEscapedZero);
  }
  key_.push_back(kEscape);
  key_.push_back(kTerminator);
  return *this;
}

absl::StatusOr<uint64_t> KeyReader::ReadUint64() {
  if (rest_.size() < 8) return absl::DataLossError("key too short for a uint64 component");
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(rest_[i]);
  rest_.remove_prefix(8);
  return value;
}

absl::StatusOr<int64_t> KeyReader::ReadInt64() {
  ASSIGN_OR_RETURN(uint64_t raw, ReadUint64());
  return static_cast<int64_t>(raw ^ kSignBit);
}

absl::StatusOr<std::string> KeyReader::ReadString() {
  std::string value;
  for (size_t i = 0; i < rest_.size(); ++i) {
    if (rest_[i] != kEscape) {
      value.push_back(rest_[i]);
      continue;
    }
    if (i + 1 >= rest_.size()) break;
    if (rest_[i + 1] == kTerminator) {
      rest_.remove_prefix(i + 2);
      return value;
    }
    if (rest_[i + 1] != kEscapedZero) break;
    value.push_back(kEscape);
    ++i;
  }
  return absl::DataLossError("key has a malformed string component");
}

}  // namespace cantine::storage
