#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"

namespace cantine::testing {

// A site's store in `path` and its oplog, as a node of `site_id` holds them: entries are
// stamped by `clock` through the log's own hybrid clock (`max_skew` allowed) and signed by
// `signer`. Neither is owned; both outlive the log. A store or oplog that does not open
// aborts the test binary (value() of an error). `synced` false skips the fsync of each
// commit, for tests that open many stores.
class SiteLog {
 public:
  SiteLog(const std::string& path, const storage::Clock* clock, const storage::EntrySigner* signer,
          const std::string& site_id, absl::Duration max_skew = absl::Minutes(1),
          bool synced = true)
      : hlc_(clock, max_skew),
        store_(storage::RocksStore::Open({.path = path, .sync_writes = synced}).value()),
        oplog_(storage::Oplog::Open(store_.get(), clock, &hlc_, signer, site_id).value()) {}

  storage::RocksStore* store() const { return store_.get(); }
  storage::Oplog* oplog() const { return oplog_.get(); }

 private:
  storage::HybridClock hlc_;
  std::unique_ptr<storage::RocksStore> store_;
  std::unique_ptr<storage::Oplog> oplog_;
};

}  // namespace cantine::testing
