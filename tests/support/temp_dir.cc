#include "tests/support/temp_dir.h"

#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"
#include "services/files/atomic_file.h"

namespace cantine::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/cantine-test-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) std::abort();
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WritePrivateFile(const std::string& path, absl::string_view contents) {
  const absl::Status written = files::WriteFileAtomically(path, contents, 0600);
  EXPECT_TRUE(written.ok()) << written;
}

}  // namespace cantine::testing
