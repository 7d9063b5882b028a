#pragma once

#include <string>

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

// The public keys of the sites this node trusts, by site id: the root of trust for
// replicated entries. Thread-safe.
class SiteKeyRing final : public storage::EntryVerifier {
 public:
  void Add(const std::string& site_id, auth::Ed25519PublicKey key) ABSL_LOCKS_EXCLUDED(mu_);
  bool Knows(absl::string_view site_id) const ABSL_LOCKS_EXCLUDED(mu_);

  absl::Status Verify(absl::string_view site_id, absl::string_view chain_hash,
                      absl::string_view signature) const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, auth::Ed25519PublicKey> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::replication
