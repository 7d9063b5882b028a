#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/member.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace cantine::member {

// Registration requests made without a credential: kept at this home site only, never
// replicated, until the desk completes one (MemberRegistry::Register with its profile) or
// it expires. One request per email (case-insensitive): a later one replaces it. Whether the
// email belongs to a member is never read here, so that nothing a request answers can tell.
// Thread-safe.
class RegistrationRequests {
 public:
  // How long a request waits for the desk.
  static constexpr absl::Duration kTtl = absl::Hours(7 * 24);
  // Expired requests dropped by each Put, oldest first: more than arrive (one), so that the
  // table holds at most what the anonymous rate limit lets in over kTtl.
  static constexpr size_t kExpiredDroppedPerPut = 8;

  // Neither owned; both outlive this.
  RegistrationRequests(storage::Store* store, const storage::Clock* clock);

  // Keeps `profile` (validated by the caller; its email the key) as the request for its
  // email, stamped now, and drops up to kExpiredDroppedPerPut expired ones.
  absl::Status Put(const domain::Member& profile);
  // The request for `email`, with the time it was made as its create_time; NOT_FOUND
  // when there is none or it expired.
  absl::StatusOr<domain::Member> Find(absl::string_view email) const;
  // Drops the request for `email`, if any.
  absl::Status Remove(absl::string_view email);
  // As Remove, in `txn` (an erasure drops its member's request with its profile).
  static absl::Status RemoveIn(storage::Transaction& txn, absl::string_view email);

 private:
  storage::Store* const store_;
  const storage::Clock* const clock_;
};

}  // namespace cantine::member
