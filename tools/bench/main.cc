// cantine-bench: the booking load generator and benchmark of a Cantine Network node.
//
//   cantine-bench --node 127.0.0.1:7101 --admin_credential_file state/admin.credential
//       --ca state/certs/ca.pem
//
// Creates its own desk pools and members, measures the node's null-RPC ceiling
// (grpc.health.v1.Health/Check), then books for --seconds and verifies every slot and
// every acknowledged booking. See docs/benchmarks.md.
//
// Exit codes: 0 when verification passed, 1 when it found a problem (oversold slots, lost
// bookings, mismatches), 2 for invalid flags, 3 when the run could not be carried out.

#include <cstdint>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/exit_codes.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"

ABSL_FLAG(std::string, node, "", "The node to load, HOST:PORT (required).");
ABSL_FLAG(std::string, admin_credential_file, "",
          "File whose first line is the node's admin credential (required: the bench creates "
          "its spaces and lists bookings by space and day).");
ABSL_FLAG(std::string, ca, "",
          "The network CA's PEM file: connect with TLS trusting it (the local network's is "
          "state/certs/ca.pem). Without it the bench connects in plaintext, to a node started "
          "with --insecure.");
ABSL_FLAG(int32_t, threads, 16, "Client threads, each with its own channel and member.");
ABSL_FLAG(int32_t, spaces, 8, "Desk pools the run creates and books.");
ABSL_FLAG(int32_t, seats, 4, "Seats of each desk pool; small, so that slots fill and refuse.");
ABSL_FLAG(double, seconds, 10, "Length of phase 2, the bookings.");
ABSL_FLAG(double, ceiling_seconds, -1,
          "Length of phase 1, the null-RPC ceiling; by default --seconds.");
ABSL_FLAG(int32_t, days, 20,
          "Calendar days, from two days after today at the venue, the bookings are spread over; "
          "closed days are skipped.");
ABSL_FLAG(int64_t, max_bookings, 0,
          "Phase 2 also ends after this many acknowledged bookings; 0 for no limit.");
ABSL_FLAG(double, rpc_timeout_seconds, 5, "Deadline of every call.");
ABSL_FLAG(int32_t, rss_pid, 0,
          "The node's process id, when on this machine: its VmRSS is printed at the end and "
          "its CPU time per phase.");

using cantine::bench::kExitBadFlags;
using cantine::bench::kExitCannotRun;
using cantine::bench::kExitVerificationFailed;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cantine-bench --node HOST:PORT --admin_credential_file FILE [--ca FILE] [--threads N] "
      "[--spaces M] "
      "[--seats S] [--seconds T] [--days D] [--rss_pid PID]");
  absl::ParseCommandLine(argc, argv);

  cantine::bench::BenchOptions options;
  options.node = absl::GetFlag(FLAGS_node);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.spaces = absl::GetFlag(FLAGS_spaces);
  options.seats = absl::GetFlag(FLAGS_seats);
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const double ceiling_seconds = absl::GetFlag(FLAGS_ceiling_seconds);
  options.ceiling_duration =
      ceiling_seconds < 0 ? options.duration : absl::Seconds(ceiling_seconds);
  options.days = absl::GetFlag(FLAGS_days);
  options.max_bookings = absl::GetFlag(FLAGS_max_bookings);
  options.rpc_timeout = absl::Seconds(absl::GetFlag(FLAGS_rpc_timeout_seconds));
  options.node_pid = absl::GetFlag(FLAGS_rss_pid);
  if (const std::string path = absl::GetFlag(FLAGS_admin_credential_file); !path.empty()) {
    absl::StatusOr<std::string> credential = cantine::bench::ReadAdminCredentialFile(path);
    if (!credential.ok()) {
      std::cerr << "cantine-bench: " << credential.status().message() << "\n";
      return kExitBadFlags;
    }
    options.admin_credential = *std::move(credential);
  }
  if (const std::string path = absl::GetFlag(FLAGS_ca); !path.empty()) {
    absl::StatusOr<std::string> ca = cantine::bench::ReadCaFile(path);
    if (!ca.ok()) {
      std::cerr << "cantine-bench: " << ca.status().message() << "\n";
      return kExitBadFlags;
    }
    options.ca_pem = *std::move(ca);
  }
  if (absl::Status s = cantine::bench::ValidateBenchOptions(options); !s.ok()) {
    std::cerr << "cantine-bench: " << s.message() << "\n";
    return kExitBadFlags;
  }

  absl::StatusOr<cantine::bench::BenchReport> report = cantine::bench::RunBench(options, std::cerr);
  if (!report.ok()) {
    std::cerr << "cantine-bench: " << absl::StatusCodeToString(report.status().code()) << ": "
              << report.status().message() << "\n";
    return absl::IsInvalidArgument(report.status()) ? kExitBadFlags : kExitCannotRun;
  }
  cantine::bench::PrintReport(*report, std::cout);
  return cantine::bench::VerificationFailed(*report) ? kExitVerificationFailed : 0;
}
