#include "services/replication/entry_signing.h"

#include "absl/strings/str_cat.h"

namespace cantine::replication {

void SiteKeyRing::Add(const std::string& site_id, auth::Ed25519PublicKey key) {
  absl::MutexLock lock(&mu_);
  pinned_.insert_or_assign(site_id, std::move(key));
}

void SiteKeyRing::SetListed(const std::string& site_id, std::vector<auth::Ed25519PublicKey> keys) {
  absl::MutexLock lock(&mu_);
  listed_.insert_or_assign(site_id, std::move(keys));
}

bool SiteKeyRing::Knows(absl::string_view site_id) const {
  absl::MutexLock lock(&mu_);
  return pinned_.contains(site_id) || listed_.contains(site_id);
}

absl::Status SiteKeyRing::Verify(absl::string_view site_id, absl::string_view chain_hash,
                                 absl::string_view signature) const {
  std::vector<auth::Ed25519PublicKey> keys;  // Copied, to verify without the lock.
  {
    absl::MutexLock lock(&mu_);
    if (auto pinned = pinned_.find(site_id); pinned != pinned_.end()) {
      keys.push_back(pinned->second);
    }
    if (auto listed = listed_.find(site_id); listed != listed_.end()) {
      keys.insert(keys.end(), listed->second.begin(), listed->second.end());
    }
  }
  if (keys.empty()) {
    return absl::NotFoundError(absl::StrCat("no public key is known for site '", site_id, "'"));
  }
  for (const auth::Ed25519PublicKey& key : keys) {
    if (key.Verify(chain_hash, signature)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("an entry claiming to come from '", site_id, "' is not signed by its key"));
}

}  // namespace cantine::replication
