#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace cantine::testing {

// A fresh folder under $TEST_TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `contents` to `path` with mode 0600, as cantined wants its credential and key
// files (it refuses ones readable by group or others). A failure is a test failure.
void WritePrivateFile(const std::string& path, absl::string_view contents);

}  // namespace cantine::testing
