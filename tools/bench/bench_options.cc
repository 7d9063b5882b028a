#include "tools/bench/bench_options.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cantine::bench {
namespace {

absl::Status Bad(absl::string_view flag, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", message));
}

}  // namespace

absl::Status ValidateBenchOptions(const BenchOptions& o) {
  const size_t colon = o.node.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(o.node).substr(colon + 1), &port) || port < 1 ||
      port > 65535) {
    return Bad("--node", absl::StrCat("is '", o.node, "'; give HOST:PORT, e.g. 127.0.0.1:7101"));
  }
  if (o.admin_credential.empty()) {
    return Bad("--admin_credential_file", "is required: creating the bench's spaces needs it");
  }
  if (o.threads < 1 || o.threads > 1024) return Bad("--threads", "must be 1..1024");
  if (o.spaces < 1 || o.spaces > 100000) return Bad("--spaces", "must be 1..100000");
  if (o.seats < 1) return Bad("--seats", "must be at least 1");
  if (o.duration <= absl::ZeroDuration()) return Bad("--seconds", "must be positive");
  if (o.ceiling_duration <= absl::ZeroDuration()) {
    return Bad("--ceiling_seconds", "must be positive");
  }
  if (o.days < 1) return Bad("--days", "must be at least 1");
  if (o.max_bookings < 0) return Bad("--max_bookings", "must be 0 (no limit) or positive");
  if (o.rpc_timeout <= absl::ZeroDuration()) return Bad("--rpc_timeout", "must be positive");
  if (o.node_pid < 0) return Bad("--rss_pid", "must be a process id");
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadAdminCredentialFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the admin credential file '", path, "'"));
  }
  const absl::string_view credential = absl::StripAsciiWhitespace(line);
  if (credential.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the admin credential file '", path, "' starts with an empty line"));
  }
  return std::string(credential);
}

absl::StatusOr<std::string> ReadCaFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream pem;
  if (!in || !(pem << in.rdbuf()) ||
      pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read a PEM certificate from the CA file '", path, "'"));
  }
  return pem.str();
}

}  // namespace cantine::bench
