#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/federation/peer_status.h"
#include "services/site/signed_directory.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/store.h"

namespace cantine::federation {

struct BootstrapOptions {
  // Bootstraps only when the seed holds at least this many entries that the node lacks;
  // less is left to the replicators, which take it entry by entry.
  uint64_t min_entries_behind = 10'000;
  // The memory the entries and records taken may hold before they are loaded into the
  // store: once half of it is held, that half is loaded in the background while the other
  // half fills (a larger history is loaded in several steps). Sized so that a node restarting
  // far behind peaks near its usual memory (about 290 MiB taking half a million entries,
  // against 440-470 MiB at 512 MiB, docs/benchmarks.md); a larger budget bootstraps a fresh
  // node some 20 % faster, since fewer loads leave more of its reads in memory.
  size_t memory_budget_bytes = size_t{128} << 20;
  // The whole bootstrap's deadline, and how long the seed may send nothing: a seed that
  // stalls is left for the next.
  absl::Duration timeout = absl::Minutes(10);
  absl::Duration silence_timeout = absl::Seconds(10);
};

// The node's parts a bootstrap works with. None owned; all outlive the call.
struct BootstrapParts {
  std::string self_site_id;
  storage::Store* store = nullptr;
  storage::Oplog* oplog = nullptr;  // The node's log: its vector is reloaded at the end.
  const storage::Clock* clock = nullptr;
  storage::HybridClock* hlc = nullptr;
  const storage::EntrySigner* signer = nullptr;
  const storage::EntryVerifier* verifier = nullptr;
  storage::EntryApplier* applier = nullptr;
  site::SignedDirectory* directory = nullptr;  // Merges the directory the seed sends first.
};

struct BootstrapReport {
  std::string seed_site_id;
  bool bootstrapped = false;  // False: the node was less than min_entries_behind behind.
  // Why the stream ended before the node held what the seed held (the seed failed, went
  // silent or ran out of time); OK when it got there or the seed had nothing more to send.
  // What was taken before is kept either way.
  absl::Status stream_status;
  uint64_t entries_behind = 0;          // What the seed held that the node lacked, when it began.
  storage::Oplog::ApplyReport applied;  // Summed over every batch.
  int loads = 0;                        // Bulk loads into the store.
  absl::Duration elapsed;
  // Where the time went: waiting on the stream, applying into memory, loading the store
  // (of a load in the background, only the time the apply waited for it).
  absl::Duration reading;
  absl::Duration applying;
  absl::Duration loading;
};

// Brings a node that lacks much of the network's history (a new site joining, a restore)
// up to a seed's log at once, before it serves: one Pull stream from the seed, every batch
// applied as replication applies it (Oplog::ApplyRemote: chains, signatures and every record
// owner's checks, so a seed can forge nothing that replay would refuse), but into an
// OverlayStore in memory, loaded into the store as sorted files (a RocksDB bulk load)
// instead of a synced transaction per batch. Ends once the node holds what the seed held
// when the stream opened (or the seed has nothing more to send), then reloads the node's
// vector; the replicators take the rest. Nothing is durable before a load commits: a crash
// loses at most the loads not yet made, which the next start takes again.
//
// Call with no replicator running and no call served: nothing else may write the store. An
// error is the node's own (its store, an apply that failed); the seed's failures end up in
// the report's stream_status.
absl::StatusOr<BootstrapReport> BootstrapFromSeed(const BootstrapParts& parts,
                                                  const PeerOptions& seed,
                                                  const std::shared_ptr<grpc::Channel>& channel,
                                                  const BootstrapOptions& options = {});

}  // namespace cantine::federation
