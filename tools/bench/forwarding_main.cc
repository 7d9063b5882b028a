// cantine-forwarding-bench: booking throughput through a forwarding node against direct
// booking at the venue, in the same run, over TLS.
//
//   cantine-forwarding-bench                        # 16 clients, 10 s per phase
//   cantine-forwarding-bench --seconds 30 --rounds 2
//
// Starts two cantined processes on 127.0.0.1 (ports chosen at run time, certificates made
// by tools/make-certs into a work folder): the venue "paris", which owns the desk pools
// the run creates, and "milan", home of the members the run registers. Phase "direct":
// the clients book at paris with the members' tokens; phase "forwarded": the same clients
// book through milan with site_id "paris", which milan forwards to paris over mutual TLS.
// Prints bookings/s, latency, refusals by code and CPU of each process for both, the
// ratio forwarded / direct (target at least 0.5), then verifies at paris that every
// acknowledged booking is held, once. See docs/benchmarks.md, "Forwarded bookings (TLS)".
//
// Exit codes: 0 when verification passed, 1 when it found a problem (lost, altered or
// oversold bookings, counts that disagree, a node that did not stop cleanly), 2 for
// invalid flags, 3 when the run could not be carried out.

#include <cstdint>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/bench/exit_codes.h"
#include "tools/bench/forwarding.h"

ABSL_FLAG(std::string, cantined, CANTINED_PATH,
          "The cantined binary (default: the one built with this bench).");
ABSL_FLAG(std::string, make_certs, CANTINE_SOURCE_DIR "/tools/make-certs",
          "tools/make-certs of the repository, which makes the run's CA and certificates.");
ABSL_FLAG(std::string, work_dir, "",
          "Certificates, configs, data folders and node logs; by default a new folder under "
          "/tmp, removed after a successful run.");
ABSL_FLAG(bool, keep_work_dir, false, "Keep the work folder after a successful run.");
ABSL_FLAG(int32_t, threads, 16, "Client threads, each with its own connection to each node.");
ABSL_FLAG(int32_t, members, 64, "Members registered at milan (their home), each with a token.");
ABSL_FLAG(int32_t, spaces, 20, "Desk pools created at paris.");
ABSL_FLAG(int32_t, seats, 100, "Seats of each desk pool: enough that slots rarely fill.");
ABSL_FLAG(int32_t, days, 40,
          "Calendar days, from two days after today at paris, the bookings are spread over; "
          "closed days are skipped.");
ABSL_FLAG(double, seconds, 10, "Length of each phase, direct and forwarded.");
ABSL_FLAG(int32_t, rounds, 1,
          "Direct then forwarded, this many times (alternating evens out drift such as the "
          "venue's growing database); the figures are summed per kind.");
ABSL_FLAG(double, rpc_timeout_seconds, 5, "Deadline of every call.");
ABSL_FLAG(double, startup_timeout_seconds, 60,
          "For each node to start, and for the members to reach paris.");

using cantine::bench::kExitBadFlags;
using cantine::bench::kExitCannotRun;
using cantine::bench::kExitVerificationFailed;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cantine-forwarding-bench [--threads N] [--seconds S] [--rounds R] [--members M] "
      "[--spaces P --seats S --days D] [--cantined PATH] [--make_certs PATH] [--work_dir DIR]");
  absl::ParseCommandLine(argc, argv);

  cantine::bench::ForwardingOptions options;
  options.cantined_path = absl::GetFlag(FLAGS_cantined);
  options.make_certs_path = absl::GetFlag(FLAGS_make_certs);
  options.work_dir = absl::GetFlag(FLAGS_work_dir);
  options.keep_work_dir = absl::GetFlag(FLAGS_keep_work_dir);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.members = absl::GetFlag(FLAGS_members);
  options.spaces = absl::GetFlag(FLAGS_spaces);
  options.seats = absl::GetFlag(FLAGS_seats);
  options.days = absl::GetFlag(FLAGS_days);
  options.phase_duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  options.rounds = absl::GetFlag(FLAGS_rounds);
  options.rpc_timeout = absl::Seconds(absl::GetFlag(FLAGS_rpc_timeout_seconds));
  options.startup_timeout = absl::Seconds(absl::GetFlag(FLAGS_startup_timeout_seconds));
  if (absl::Status s = cantine::bench::ValidateForwardingOptions(options); !s.ok()) {
    std::cerr << "cantine-forwarding-bench: " << s.message() << "\n";
    return kExitBadFlags;
  }

  absl::StatusOr<cantine::bench::ForwardingReport> report =
      cantine::bench::RunForwardingBench(options, std::cerr);
  if (!report.ok()) {
    std::cerr << "cantine-forwarding-bench: " << absl::StatusCodeToString(report.status().code())
              << ": " << report.status().message() << "\n";
    return absl::IsInvalidArgument(report.status()) ? kExitBadFlags : kExitCannotRun;
  }
  cantine::bench::PrintForwardingReport(*report, std::cout);
  return cantine::bench::ForwardingFailed(*report) ? kExitVerificationFailed : 0;
}
