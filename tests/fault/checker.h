#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "tests/fault/history.h"

namespace cantine::testing {

// The nodes of a healed network, as the checker calls them: by site, their public ports.
struct CheckedNetwork {
  std::map<std::string, int> ports = {};
  std::string admin_secret = {};  // Every site's desk credential.
  int days = 7;                   // The run's venue days (Workload::RunDays).
};

// Checks a healed network against a run's history, through the nodes' public APIs: each
// method returns the anomalies found, each a line naming what is wrong and where. The
// outcome rules (tests/fault/history.h): an acknowledged change must be there, a refused
// one must not, an unknown one may or may not.
class Checker {
 public:
  Checker(CheckedNetwork network, const History& history);

  // How long until every node holds the same version vector (every origin's entries, to
  // the same seq); DEADLINE_EXCEEDED naming the nodes that still differ after `deadline`.
  absl::StatusOr<absl::Duration> WaitForConvergence(absl::Duration deadline) const;

  // At each venue, from its own ledger: no space-day oversold (the seats of a desk pool,
  // one booking at a time of a room), every acknowledged booking present and in the state
  // its cancellations left it, no member holding two bookings of one space and start (a
  // write applied twice), and no booking that no attempt may have made.
  std::vector<std::string> CheckVenues() const;
  // Every acknowledged booking in its member's itinerary, read through every node, in the
  // state its venue holds; waits up to `deadline` for receipts still on their way.
  std::vector<std::string> CheckItineraries(absl::Duration deadline) const;
  // Every node shows each member with the name its home desk last set (or one set by a
  // call whose outcome is unknown), and an erased member erased, its personal data gone.
  std::vector<std::string> CheckMembers() const;
  // Every node lists each acknowledged event exactly once, and no event twice.
  std::vector<std::string> CheckEvents() const;

  // Checks on the nodes' data folders once they are stopped: the replicated state
  // (storage::ReplicatedStateDigest) is the same in every folder.
  static std::vector<std::string> CheckDigests(const std::map<std::string, std::string>& folders);

 private:
  const CheckedNetwork network_;
  const std::vector<RunMember> members_;
  const std::vector<BookingAttempt> bookings_;
  const std::vector<EventAttempt> events_;
  // One per node, opened once: every check's calls to it share the connection.
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace cantine::testing
