#pragma once

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/auth/ed25519.h"
#include "storage/oplog.h"

namespace cantine::replication {

// Signs this node's oplog entries with its Ed25519 key.
class KeySigner final : public storage::EntrySigner {
 public:
  explicit KeySigner(auth::Ed25519PrivateKey key) : key_(std::move(key)) {}
  std::string Sign(absl::string_view chain_hash) const override { return key_.Sign(chain_hash); }

 private:
  const auth::Ed25519PrivateKey key_;
};

// The public keys that sign each site's replicated entries, by site id: the keys the
// signed site directory lists, and keys the node's config pins. An entry verifies with any
// of its site's keys. Thread-safe.
class SiteKeyRing final : public storage::EntryVerifier {
 public:
  // Pins `key` for `site_id`, replacing the one pinned before.
  void Add(const std::string& site_id, auth::Ed25519PublicKey key) ABSL_LOCKS_EXCLUDED(mu_);
  // The keys the directory lists for `site_id` (its current and retired entry keys),
  // replacing those listed before.
  void SetListed(const std::string& site_id, std::vector<auth::Ed25519PublicKey> keys)
      ABSL_LOCKS_EXCLUDED(mu_);
  bool Knows(absl::string_view site_id) const ABSL_LOCKS_EXCLUDED(mu_);

  absl::Status Verify(absl::string_view site_id, absl::string_view chain_hash,
                      absl::string_view signature) const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, auth::Ed25519PublicKey> pinned_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<auth::Ed25519PublicKey>> listed_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::replication
