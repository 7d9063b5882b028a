#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/auth/ed25519.h"
#include "services/domain/id_generator.h"
#include "services/federation/entry_signing.h"
#include "services/federation/federation_service.h"
#include "services/member/member_registry.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "tools/bench/federation_timed.h"

namespace cantine::bench {

// How a bench site opens its store.
struct SiteOptions {
  std::string data_dir;
  std::string site_id;
  bool sync_writes = true;
  // When set, every transaction is timed into it (not owned; outlives the site).
  StoreTimes* times = nullptr;
};

// The replication part of a node, as services/node/node.cc assembles it: a RocksDB store,
// the hybrid clock, the signed oplog and the member registry over it. Thread-safe as its
// parts are.
class BenchSite {
 public:
  static absl::StatusOr<std::unique_ptr<BenchSite>> Open(const SiteOptions& options,
                                                         const auth::Ed25519PrivateKey& key);

  storage::Store& store() { return *store_; }
  storage::Oplog& oplog() { return *oplog_; }
  member::MemberRegistry& members() { return *members_; }
  // The highest seq of this site's own entries.
  uint64_t OwnSeq() const;

 private:
  explicit BenchSite(const auth::Ed25519PrivateKey& key);

  storage::SystemClock clock_;
  storage::HybridClock hlc_;
  federation::KeySigner signer_;
  std::unique_ptr<storage::RocksStore> rocks_;
  std::unique_ptr<TimedStore> timed_;
  storage::Store* store_ = nullptr;
  std::unique_ptr<storage::Oplog> oplog_;
  domain::RandomIdGenerator ids_;
  std::unique_ptr<member::MemberRegistry> members_;
};

// Registers members `first`..`last` (inclusive; emails member-<i>@bench.example.org) with
// MemberRegistry::Register from `threads` threads, stopping early after `time_limit`.
// Returns how many it registered; the first error stops every thread.
absl::StatusOr<int64_t> RegisterMembers(member::MemberRegistry& members, int64_t first,
                                        int64_t last, int threads, absl::Duration time_limit);

// A FederationServiceImpl over `oplog`, served on 127.0.0.1 at a port chosen at run time.
class FederationServer {
 public:
  // Neither owned; both outlive the server.
  static absl::StatusOr<std::unique_ptr<FederationServer>> Start(
      storage::Oplog* oplog, const federation::SiteKeyRing* known_sites);
  ~FederationServer();  // Ends the open streams and shuts down.

  std::string address() const;

 private:
  FederationServer(storage::Oplog* oplog, const federation::SiteKeyRing* known_sites);

  federation::FederationServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// Writes `contents` to `path`, replacing it, readable by this user only (mode 0600): the
// bench writes credentials and keys, which cantined refuses when others can read them.
// FAILED_PRECONDITION naming the file on failure.
absl::Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace cantine::bench
