#include "services/replication/entry_signing.h"

#include "absl/strings/str_cat.h"

namespace cantine::replication {

void SiteKeyRing::Add(const std::string& site_id, auth::Ed25519PublicKey key) {
  absl::MutexLock lock(&mu_);
  keys_.insert_or_assign(site_id, std::move(key));
}

bool SiteKeyRing::Knows(absl::string_view site_id) const {
  absl::MutexLock lock(&mu_);
  return keys_.contains(site_id);
}

absl::Status SiteKeyRing::Verify(absl::string_view site_id, absl::string_view chain_hash,
                                 absl::string_view signature) const {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(site_id);
  if (it == keys_.end()) {
    return absl::NotFoundError(absl::StrCat("no public key is known for site '", site_id, "'"));
  }
  if (!it->second.Verify(chain_hash, signature)) {
    return absl::PermissionDeniedError(
        absl::StrCat("an entry claiming to come from '", site_id, "' is not signed by its key"));
  }
  return absl::OkStatus();
}

}  // namespace cantine::replication
