// cantine-federation-bench: replication benchmarks of the Cantine Network, on one machine.
//
//   cantine-federation-bench --all
//   cantine-federation-bench --catchup --entries 1000000
//   cantine-federation-bench --propagation --rate 200 --seconds 10
//
// Every node runs on 127.0.0.1 with ports chosen at run time. --catchup builds a source
// holding --entries member entries (through MemberRegistry::Register), catches a fresh node
// up from it in a child process and prints the rate, an Ed25519 baseline of the same run,
// where the time goes, and the caught-up node's RSS. --propagation runs five nodes in a line
// under a steady write load and prints how long each write takes to be readable everywhere.
// Figures are printed, never asserted. See docs/benchmarks.md, "Federation".
//
// Exit codes: 0 when the runs completed (whatever the figures), 2 for invalid flags, 3 when
// a run could not be carried out.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/logging/logger.h"
#include "tools/bench/exit_codes.h"
#include "tools/bench/federation_catchup.h"
#include "tools/bench/federation_propagation.h"

ABSL_FLAG(bool, catchup, false,
          "Run the catch-up measurement (with the RSS of the caught-up node).");
ABSL_FLAG(bool, propagation, false, "Run the propagation measurement.");
ABSL_FLAG(bool, all, false, "Run every measurement.");
ABSL_FLAG(int64_t, entries, 1'000'000, "Catch-up: member entries the source holds.");
ABSL_FLAG(int32_t, generation_threads, 4, "Catch-up: threads registering the source's members.");
ABSL_FLAG(std::string, generation_sync, "auto",
          "Catch-up: sync_writes of the source while it is generated: on, off, or auto (on "
          "unless a 3 s probe projects more than --generation_budget_seconds).");
ABSL_FLAG(double, generation_budget_seconds, 180, "Catch-up: see --generation_sync=auto.");
ABSL_FLAG(int32_t, verifications, 20'000, "Catch-up: Ed25519 verifications of the baseline.");
ABSL_FLAG(bool, baselines, true,
          "Catch-up: also run the stream-only and apply-only phases that show where the time "
          "goes.");
ABSL_FLAG(double, settle_seconds, 5, "Catch-up: wait before the second RSS reading.");
ABSL_FLAG(double, rate, 200, "Propagation: registrations per second at the first node.");
ABSL_FLAG(double, seconds, 10, "Propagation: length of the write load.");
ABSL_FLAG(int32_t, nodes, 5, "Propagation: nodes in the line.");
ABSL_FLAG(std::string, work_dir, "",
          "Data folders; by default /tmp/cantine-federation-bench-<uid>. The catch-up source "
          "is kept there and reused by the next run when it holds enough entries.");
ABSL_FLAG(bool, keep_work_dir, true,
          "Keep the work folder (and the catch-up source) after the run.");

// The destination node of --catchup, started by the bench itself in a child process.
ABSL_FLAG(bool, catchup_destination, false, "Internal: run as the catch-up destination node.");
ABSL_FLAG(std::string, destination_dir, "", "Internal.");
ABSL_FLAG(std::string, destination_key_file, "", "Internal.");
ABSL_FLAG(std::string, admin_credential_file, "", "Internal.");
ABSL_FLAG(std::string, source_site, "", "Internal.");
ABSL_FLAG(std::string, source_address, "", "Internal.");
ABSL_FLAG(std::string, source_public_key_file, "", "Internal.");
ABSL_FLAG(uint64_t, expected_seq, 0, "Internal.");

using cantine::bench::kExitBadFlags;
using cantine::bench::kExitCannotRun;

namespace {

int Cores() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cantine-federation-bench (--catchup | --propagation | --all) [--entries N] [--rate R] "
      "[--seconds S] [--work_dir DIR]");
  absl::ParseCommandLine(argc, argv);
  namespace fedbench = cantine::fedbench;

  if (absl::GetFlag(FLAGS_catchup_destination)) {
    fedbench::DestinationOptions options;
    options.data_dir = absl::GetFlag(FLAGS_destination_dir);
    options.signing_key_file = absl::GetFlag(FLAGS_destination_key_file);
    options.admin_credential_file = absl::GetFlag(FLAGS_admin_credential_file);
    options.source_site_id = absl::GetFlag(FLAGS_source_site);
    options.source_address = absl::GetFlag(FLAGS_source_address);
    options.source_public_key_file = absl::GetFlag(FLAGS_source_public_key_file);
    options.expected_seq = absl::GetFlag(FLAGS_expected_seq);
    options.settle = absl::Seconds(absl::GetFlag(FLAGS_settle_seconds));
    return fedbench::RunDestination(options);
  }

  const bool all = absl::GetFlag(FLAGS_all);
  const bool catchup = all || absl::GetFlag(FLAGS_catchup);
  const bool propagation = all || absl::GetFlag(FLAGS_propagation);
  if (!catchup && !propagation) {
    std::cerr << "cantine-federation-bench: say what to run: --catchup, --propagation or --all\n";
    return kExitBadFlags;
  }
  std::string work_dir = absl::GetFlag(FLAGS_work_dir);
  if (work_dir.empty()) work_dir = absl::StrCat("/tmp/cantine-federation-bench-", getuid());

  fedbench::CatchupOptions catchup_options;
  catchup_options.entries = absl::GetFlag(FLAGS_entries);
  catchup_options.generation_threads = absl::GetFlag(FLAGS_generation_threads);
  const std::string sync = absl::GetFlag(FLAGS_generation_sync);
  if (sync == "auto") {
    catchup_options.generation_sync = fedbench::GenerationSync::kAuto;
  } else if (sync == "on") {
    catchup_options.generation_sync = fedbench::GenerationSync::kOn;
  } else if (sync == "off") {
    catchup_options.generation_sync = fedbench::GenerationSync::kOff;
  } else {
    std::cerr << "cantine-federation-bench: --generation_sync must be on, off or auto\n";
    return kExitBadFlags;
  }
  catchup_options.generation_budget = absl::Seconds(absl::GetFlag(FLAGS_generation_budget_seconds));
  catchup_options.verifications = absl::GetFlag(FLAGS_verifications);
  catchup_options.baselines = absl::GetFlag(FLAGS_baselines);
  catchup_options.settle = absl::Seconds(absl::GetFlag(FLAGS_settle_seconds));
  catchup_options.work_dir = work_dir;
  catchup_options.cores = Cores();
  std::error_code error;
  catchup_options.self_path = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (catchup_options.entries < 1 || catchup_options.generation_threads < 1 ||
      catchup_options.verifications < 1 || catchup_options.self_path.empty()) {
    std::cerr << "cantine-federation-bench: --entries, --generation_threads and --verifications "
                 "must be at least 1\n";
    return kExitBadFlags;
  }

  fedbench::PropagationOptions propagation_options;
  propagation_options.nodes = absl::GetFlag(FLAGS_nodes);
  propagation_options.rate = absl::GetFlag(FLAGS_rate);
  propagation_options.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  propagation_options.work_dir = work_dir;
  propagation_options.cores = Cores();
  if (propagation_options.nodes < 2 || propagation_options.nodes > 26 ||
      propagation_options.rate <= 0 || propagation_options.duration <= absl::ZeroDuration()) {
    std::cerr << "cantine-federation-bench: --nodes must be 2 to 26, --rate and --seconds "
                 "positive\n";
    return kExitBadFlags;
  }

  cantine::logging::SetMinLogLevel(cantine::logging::LogLevel::kWarning);
  std::cout << "cantine-federation-bench, " << absl::FormatTime(absl::Now()) << ", work folder "
            << work_dir << "\n";
  int exit_code = 0;
  if (catchup) {
    if (absl::Status s = fedbench::RunCatchup(catchup_options, std::cout); !s.ok()) {
      std::cerr << "catch-up: " << s << "\n";
      exit_code = kExitCannotRun;
    }
  }
  if (propagation) {
    if (absl::Status s = fedbench::RunPropagation(propagation_options, std::cout); !s.ok()) {
      std::cerr << "propagation: " << s << "\n";
      exit_code = kExitCannotRun;
    }
  }
  if (!absl::GetFlag(FLAGS_keep_work_dir)) std::filesystem::remove_all(work_dir, error);
  return exit_code;
}
