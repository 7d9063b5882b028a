#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cantine::files {

// Files and folders that hold secrets (credentials, private keys, a node's database) are
// for their owner only: no permission for group or others.

// OK when the file at `path` grants no permission to group or others, or does not exist
// (whoever reads it reports that). Otherwise FAILED_PRECONDITION naming `what`, the file,
// its mode and the command that fixes it, for example "admin credential file /x is readable
// by group or others (mode 0644); run: chmod 600 /x". Follows symbolic links: the file
// that will be read is checked. Thread-safe.
absl::Status CheckPrivateFile(absl::string_view what, const std::string& path);

// Creates the folder `path` with mode 0700 (missing parents with the default mode), or,
// when it exists, checks that it is a folder that grants nothing to group or others; an
// existing folder is never loosened nor tightened here (it may be a folder shared by
// mistake). FAILED_PRECONDITION naming `what`, the folder and, for a folder open to others,
// its mode and "run: chmod 700 <path>"; or the system's reason when it cannot be created.
absl::Status MakePrivateFolder(absl::string_view what, const std::string& path);

}  // namespace cantine::files
