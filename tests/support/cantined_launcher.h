#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "tests/support/subprocess.h"

namespace cantine::testing {

// One real cantined on 127.0.0.1, for process-level tests and the benchmarks: the one way
// both start the node binary. Every port is chosen at run time unless given, and read back
// from the node's port files.

struct CantinedLaunch {
  std::string cantined = {};  // The binary.
  // The run's folder: the site's data folder is dir/<site>, its log dir/<site>.log, its port
  // files dir/<site>.port and dir/<site>.fport; the admin credential is dir/admin, written by
  // the caller before the start.
  std::string dir = {};
  std::string site = {};
  std::string config = {};  // --config: one NodeConfig text file, or several comma-separated.
  int port = 0;             // The public port; 0: chosen at run time.
  int federation_port = 0;  // 0: chosen at run time.
  // NodeConfig text merged over the launcher's own settings (ports, folders, credential):
  // "insecure: true signing_key_file: \"...\"".
  std::string config_override = {};
  std::vector<std::string> flags = {};  // More flags: --log_level=warning.
  // The health check that says the node serves trusts this CA (PEM); empty: plaintext.
  std::string ca_pem = {};
  absl::Duration timeout = absl::Seconds(30);
};

struct CantinedProcess {
  std::unique_ptr<Subprocess> process;
  int port = 0;
  int federation_port = 0;
  std::string log_path;
};

// Starts the node and waits until it has written both port files and its health check
// answers SERVING. UNAVAILABLE when it cannot be started; FAILED_PRECONDITION, with the end
// of its log, when it exits or does not serve within the timeout (it is then killed).
absl::StatusOr<CantinedProcess> StartCantined(const CantinedLaunch& launch);

// The two halves of StartCantined, for tests that also start nodes meant to fail.
// SpawnCantined starts the node (after removing its old port files) and returns at once,
// UNAVAILABLE when it cannot be started. WaitUntilServing then waits, up to the launch's
// timeout, for `process` (spawned from `launch`) to write its port files and serve:
// its ports once it does; FAILED_PRECONDITION, with the end of its log, when it exits or
// does not serve in time (it is left running: the caller decides).
struct CantinedPorts {
  int port = 0;
  int federation_port = 0;
};
absl::StatusOr<std::unique_ptr<Subprocess>> SpawnCantined(const CantinedLaunch& launch);
absl::StatusOr<CantinedPorts> WaitUntilServing(const CantinedLaunch& launch, Subprocess& process);

// "; the end of <path>:" and its last `lines` lines, indented, for an error message.
std::string LogTail(const std::string& path, int lines = 8);

// `value` as a protobuf text-format string literal, quoted and escaped: a path or address
// in a CantinedLaunch::config_override.
std::string TextFormatString(absl::string_view value);

// The highest contiguous seq of origin `site` that the node behind `admin` holds, from its
// GetNetworkStatus with the admin credential; 0 when it holds none. The call's error, as a
// Status, when it fails.
absl::StatusOr<uint64_t> HeldSeq(v1::AdminService::Stub& admin, const std::string& admin_secret,
                                 const std::string& site, absl::Duration timeout);

}  // namespace cantine::testing
