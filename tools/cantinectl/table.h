#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cantine::cantinectl {

// Rows of text laid out in aligned columns for a terminal. Cells are padded to the widest
// cell of their column, counted in UTF-8 code points; columns are two spaces apart and no
// line has trailing spaces. Not thread-safe.
class Table {
 public:
  // `headers` is the first row; an empty list means no header row. The columns
  // `right_aligned` are aligned as AlignRight does.
  explicit Table(std::vector<std::string> headers = {},
                 std::initializer_list<size_t> right_aligned = {});

  // Pads the cells of `column` on the left, for numbers.
  void AlignRight(size_t column);

  // A row shorter than the others is completed with empty cells.
  void AddRow(std::vector<std::string> cells);

  // Every row, each ending with a newline; empty when there are no rows at all.
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_aligned_;
};

// The number of UTF-8 code points in `text`, an estimate of its width on a terminal.
size_t DisplayWidth(absl::string_view text);

}  // namespace cantine::cantinectl
