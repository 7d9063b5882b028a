#pragma once

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "cantine/v1/federation.pb.h"
#include "services/auth/ed25519.h"

namespace cantine::testing {

// Writes the entries of one origin as a site would, chained and signed with `key`, without
// a store: the raw material for tests that play a peer, honest or not. Each entry's clock
// is `wall_micros`, one microsecond more per entry. Not thread-safe.
class OriginWriter {
 public:
  OriginWriter(v1::Origin origin, auth::Ed25519PrivateKey key, int64_t wall_micros)
      : origin_(std::move(origin)), key_(std::move(key)), wall_micros_(wall_micros) {}
  OriginWriter(absl::string_view site_id, uint64_t incarnation, auth::Ed25519PrivateKey key,
               int64_t wall_micros);

  // The next entry of the origin, signed.
  v1::OplogEntry Next(v1::EntryKind kind, std::string payload, std::string subject = "");

  const v1::Origin& origin() const { return origin_; }
  const auth::Ed25519PrivateKey& key() const { return key_; }

 private:
  const v1::Origin origin_;
  const auth::Ed25519PrivateKey key_;
  int64_t wall_micros_;
  uint64_t seq_ = 0;
  std::string chain_ = std::string(32, '\0');
};

}  // namespace cantine::testing
