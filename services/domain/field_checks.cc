#include "services/domain/field_checks.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

bool IsSlugChar(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-'; }

// Length in bytes of the UTF-8 sequence at `s`, or 0 if it is not well-formed.
size_t Utf8SequenceLength(absl::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  size_t length = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0 && lead >= 0xC2) length = 2;
  if ((lead & 0xF0) == 0xE0) length = 3;
  if ((lead & 0xF8) == 0xF0 && lead <= 0xF4) length = 4;
  if (length == 0 || s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

absl::Status CheckSlug(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (value.size() > kMaxSlugLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", value.size(), " characters; at most ", kMaxSlugLength));
  }
  for (char c : value) {
    if (!IsSlugChar(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " '", value, "' may hold only lower-case letters, digits and '-'"));
    }
  }
  if (value.front() == '-') {
    return absl::InvalidArgumentError(absl::StrCat(field, " must not start with '-'"));
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_length,
                       bool required) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (value.size() > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", value.size(), " bytes; at most ", max_length));
  }
  for (absl::string_view rest = value; !rest.empty();) {
    const size_t length = Utf8SequenceLength(rest);
    if (length == 0) {
      return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
    }
    if (length == 1 && absl::ascii_iscntrl(rest[0])) {
      return absl::InvalidArgumentError(absl::StrCat(field, " contains a control character"));
    }
    rest.remove_prefix(length);
  }
  return absl::OkStatus();
}

absl::Status CheckList(
    absl::string_view field, const std::vector<std::string>& values, size_t max_count,
    absl::FunctionRef<absl::Status(absl::string_view item_field, size_t index)> item_check) {
  if (values.size() > max_count) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", values.size(), " entries; at most ", max_count));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    RETURN_IF_ERROR(item_check(absl::StrCat(field, "[", i, "]"), i));
  }
  return absl::OkStatus();
}

bool RepeatsEarlier(const std::vector<std::string>& values, size_t index) {
  return std::find(values.begin(), values.begin() + index, values[index]) != values.begin() + index;
}

absl::StatusOr<std::string> SiteOfRecordId(absl::string_view field, absl::string_view id,
                                           absl::string_view kind) {
  constexpr size_t kUniqueDigits = 16;
  constexpr size_t kMaxLength = kMaxSlugLength + 1 + kUniqueDigits;
  if (id.size() > kMaxLength) {  // Never echoed: it could be any size.
    return absl::InvalidArgumentError(absl::StrCat(field, " is ", id.size(), " characters; a ",
                                                   kind, " id has at most ", kMaxLength));
  }
  const absl::Status invalid = absl::InvalidArgumentError(
      absl::StrCat(field, " '", id, "' is not a", kind == "event" ? "n " : " ", kind,
                   " id (a site id, '-', 16 hex digits)"));
  if (id.size() < kUniqueDigits + 2 || id[id.size() - kUniqueDigits - 1] != '-') return invalid;
  for (char c : id.substr(id.size() - kUniqueDigits)) {
    if (!absl::ascii_isxdigit(c)) return invalid;
  }
  const absl::string_view site_id = id.substr(0, id.size() - kUniqueDigits - 1);
  if (!CheckSlug(field, site_id).ok()) return invalid;
  return std::string(site_id);
}

}  // namespace cantine::domain
