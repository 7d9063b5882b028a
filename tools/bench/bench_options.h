#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cantine::bench {

// One bench run, built once from the flags (main.cc) and validated before anything starts.
struct BenchOptions {
  std::string node;              // host:port of the node.
  std::string admin_credential;  // The secret itself, read from --admin_credential_file.
  // The network CA (PEM), read from --ca: the bench connects with TLS trusting it. Empty:
  // plaintext, to a node started with --insecure.
  std::string ca_pem;
  int threads = 16;  // Client threads, each with its own channel and member.
  int spaces = 8;    // Desk pools created for the run.
  int seats = 4;     // Seats of each.
  absl::Duration duration = absl::Seconds(10);          // Phase 2, bookings.
  absl::Duration ceiling_duration = absl::Seconds(10);  // Phase 1, the null-RPC ceiling.
  int days = 20;             // Calendar days the bookings are spread over.
  int64_t max_bookings = 0;  // Phase 2 also ends after this many acknowledged; 0: no limit.
  absl::Duration rpc_timeout = absl::Seconds(5);  // Deadline of every call.
  int node_pid = 0;  // The node's process, for its CPU time and RSS; 0: unknown.
};

// INVALID_ARGUMENT naming the flag of the first bad field.
absl::Status ValidateBenchOptions(const BenchOptions& options);

// The credential from the first line of `path`, trimmed. FAILED_PRECONDITION when the file
// cannot be read or its first line is empty.
absl::StatusOr<std::string> ReadAdminCredentialFile(const std::string& path);

// The PEM certificates of the CA file `path`. FAILED_PRECONDITION when the file cannot be
// read or holds no PEM certificate.
absl::StatusOr<std::string> ReadCaFile(const std::string& path);

}  // namespace cantine::bench
