#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cantine::files {

// Replaces the file at `path` with `contents`, with permissions `mode` from the start (a
// key file is never readable by others, not even briefly): written to a temporary file in
// the same folder, flushed to disk, then renamed over `path` and the folder flushed, so a
// reader sees the old file or the new one, never a part, and a crash keeps the new one
// once this returns. FAILED_PRECONDITION naming the file and the system's reason.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents, mode_t mode);

}  // namespace cantine::files
