#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace cantine::node {

// The files a node is given in protobuf text format: its config, a join bundle.

// The whole file at `path`; FAILED_PRECONDITION "cannot read <what> '<path>'" otherwise.
absl::StatusOr<std::string> ReadTextFile(absl::string_view what, const std::string& path);

// Parses `text` into `message` (cleared first); a syntax error is INVALID_ARGUMENT naming
// `source` ("config file 'F'", "--config_override"), the line and the column.
absl::Status ParseTextProto(const std::string& text, absl::string_view source,
                            google::protobuf::Message& message);

}  // namespace cantine::node
