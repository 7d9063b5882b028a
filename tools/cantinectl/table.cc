#include "tools/cantinectl/table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cantine::cantinectl {
namespace {

constexpr absl::string_view kColumnGap = "  ";

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  // Continuation bytes (10xxxxxx) do not start a code point.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

Table::Table(std::vector<std::string> headers, std::initializer_list<size_t> right_aligned) {
  if (!headers.empty()) rows_.push_back(std::move(headers));
  for (size_t column : right_aligned) AlignRight(column);
}

void Table::AlignRight(size_t column) {
  if (right_aligned_.size() <= column) right_aligned_.resize(column + 1, false);
  right_aligned_[column] = true;
}

void Table::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string Table::Render() const {
  size_t columns = 0;
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < columns; ++i) {
      const absl::string_view cell = i < row.size() ? absl::string_view(row[i]) : "";
      const std::string padding(widths[i] - DisplayWidth(cell), ' ');
      if (i > 0) absl::StrAppend(&line, kColumnGap);
      const bool right = i < right_aligned_.size() && right_aligned_[i];
      absl::StrAppend(&line, right ? padding : "", cell, right ? "" : padding);
    }
    const size_t end = line.find_last_not_of(' ');
    line.resize(end == std::string::npos ? 0 : end + 1);
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

}  // namespace cantine::cantinectl
