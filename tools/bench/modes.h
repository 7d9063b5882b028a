#pragma once

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/bench/options.h"
#include "tools/bench/report.h"

namespace cantine::bench {

// The modes of cantine-bench, each from validated BenchOptions. The booking modes return
// their figures, printed with PrintReport / PrintForwardingReport, even when verification
// finds problems; an error only when the run could not be carried out. The federation modes
// print their figures to `out` as they go. Progress lines go to `progress`. See
// docs/benchmarks.md.

// Against the running node options.node: set-up (GetSite, the run's desk pools and
// members), phase 1 (the null-RPC ceiling), phase 2 (CreateBooking), then verification of
// every acknowledged booking and every slot. Leaves the run's spaces, members and bookings
// in the node (under ids starting with bench-<run id>).
absl::StatusOr<DirectReport> RunDirect(const BenchOptions& options, std::ostream& progress);

// Makes the certificates, starts two cantined (the venue paris, the forwarder milan), sets
// up the venue's desk pools and the forwarder's members, runs the direct and forwarded
// phases, verifies at the venue and stops the nodes.
absl::StatusOr<ForwardedReport> RunForwarded(const BenchOptions& options, std::ostream& progress);

// Starts cantined (paris, plaintext on 127.0.0.1) in the work folder (options.work_dir, or a
// new one under /tmp, removed after a run that passed) and runs RunDirect against it; stops
// it, then starts a throwaway PostgreSQL in a folder of its own (initdb, a Unix socket only,
// synchronous commit; removed after), loads desk pools of the same shape
// (tools/bench/postgres) and runs pgbench with as many clients for as long, then counts in
// SQL.
absl::StatusOr<VersusPostgresReport> RunVersusPostgres(const BenchOptions& options,
                                                       std::ostream& progress);

// Builds (or reuses) the source, serves it on 127.0.0.1:0, catches a fresh node up in a child
// process (this binary, --mode=catchup_destination) and prints the figures: catch-up rate,
// Ed25519 baseline and ratio, where the time goes (stream only, apply only with a
// breakdown) and the destination's RSS.
absl::StatusOr<CatchupFigures> RunCatchup(const BenchOptions& options, std::ostream& out);

// The destination node, in the child process: starts a real node (services/node) on an
// empty folder, adds the source as its peer and reports on stdout, one "word key=value..."
// line each: restarting, started, progress, caught_up, settled, or error. Then waits for stdin to
// close and shuts down. Returns the exit code.
struct DestinationOptions {
  std::string data_dir;
  std::string signing_key_file;
  std::string admin_credential_file;
  std::string source_site_id;
  std::string source_address;
  std::string source_public_key_file;
  uint64_t expected_seq = 0;  // Caught up when its vector holds the source up to this.
  // Starts with the source as its peer and bootstraps from it, instead of replaying.
  bool bootstrap = false;
  // Not 0: first replays the source up to at least this seq and stops, then starts again
  // with the source as its peer (and takes the rest as a node does at start: bootstrapping
  // when behind). The line "restarting held=N" comes before "started".
  uint64_t restart_after_seq = 0;
  absl::Duration settle = absl::Seconds(5);
};
int RunDestination(const DestinationOptions& options);

// Starts options.nodes real nodes in this process on 127.0.0.1, in a line; registers members
// at the first node through its public gRPC API at a steady rate; for each write, times when
// every node's version vector holds it (the record commits in the same batch as the vector,
// so it is then readable there); prints percentiles per node and for all of them.
absl::StatusOr<PropagationFigures> RunPropagation(const BenchOptions& options, std::ostream& out);

// Starts options.sites real nodes in this process on 127.0.0.1 (MiniCluster of tests/support,
// ports chosen at run time), each knowing every site from the signed directory at start and
// pulling only from the options.fan_out peers it chooses there (federation::ChoosePeers). Once
// every node is connected: registers options.members_per_site members at each site's desk,
// then has members book options.bookings times at venues other than their home (directly at
// the venue, with a token of their home). Prints the time to start, the convergence time
// after the registrations, the time until every receipt is at its member's home after the
// bookings, and per node (min / median / max): peers, entries received and bytes stored per
// booking.
absl::StatusOr<NetworkFigures> RunNetwork(const BenchOptions& options, std::ostream& out);

}  // namespace cantine::bench
