#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cantine/v1/federation.pb.h"

namespace cantine::federation {

// A peer this node pulls from.
struct PeerOptions {
  std::string site_id;
  std::string address;  // host:port of the peer's federation port.

  friend bool operator==(const PeerOptions&, const PeerOptions&) = default;
};

// An origin whose entries from this peer are held back (Oplog::ApplyRemote's verdict).
struct HeldOrigin {
  v1::Origin origin;
  v1::HoldReason reason = v1::HOLD_REASON_UNSPECIFIED;
  uint64_t held_after = 0;  // This node's head of the origin when it was held.
  absl::Time retry_time;    // When the stream is reopened to ask for it again (real time).
  absl::Duration backoff;   // Doubles with each hold, reset once the origin moves.
};

// What this node knows of one peer's link, for GetNetworkStatus.
struct PeerStatus {
  std::string site_id;
  std::string address;
  bool connected = false;
  absl::Time last_contact = absl::InfinitePast();
  uint64_t entries_received = 0;
  // Entries the peer holds that this node does not, as of the last response.
  uint64_t entries_behind = 0;
  std::string last_error;  // Why the last stream ended; cleared once the peer answers.
  // Entries refused outright (Oplog::ApplyReport::refused), since the node started.
  uint64_t entries_refused = 0;
  std::vector<HeldOrigin> held_origins;
};

}  // namespace cantine::federation
