#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"

namespace cantine::testing {

// What a call's caller knows of its effect: done (an OK answer), refused (an answer saying
// nothing was changed: a full slot, a bad request), or unknown (no answer: the node died,
// the link was cut, the deadline passed; the change may or may not have been made).
enum class Outcome { kAcknowledged, kRefused, kUnknown };

// A member of a fault run: registered at its home by the desk, with a booking token.
struct RunMember {
  std::string member_id = {};
  std::string home = {};
  std::string token = {};
  // Erasure of the member: kRefused when never asked, or refused.
  Outcome erasure = Outcome::kRefused;
  // The display names it was given, in order (the first at registration), each with the
  // outcome of the call that set it.
  std::vector<std::pair<std::string, Outcome>> names = {};
};

struct BookingAttempt {
  std::string member_id = {};
  std::string venue = {};
  std::string space_id = {};
  absl::CivilMinute start = {};
  absl::CivilMinute end = {};
  int seats = 1;
  std::string idempotency_key = {};
  Outcome outcome = Outcome::kUnknown;
  std::string booking_id = {};  // When acknowledged.
  // kRefused: no cancellation asked, or every one refused.
  Outcome cancellation = Outcome::kRefused;
};

struct EventAttempt {
  std::string host = {};
  std::string title = {};  // Unique in the run.
  Outcome outcome = Outcome::kUnknown;
  std::string event_id = {};  // When acknowledged.
};

// Every operation of a fault run and what its caller learnt of it, for the checker. The
// clients record into it concurrently; thread-safe.
class History {
 public:
  // Each returns the index of the new record, for its later updates.
  size_t AddMember(RunMember member) ABSL_LOCKS_EXCLUDED(mu_);
  size_t AddBooking(BookingAttempt attempt) ABSL_LOCKS_EXCLUDED(mu_);
  void AddEvent(EventAttempt attempt) ABSL_LOCKS_EXCLUDED(mu_);
  void SetCancellation(size_t booking, Outcome outcome) ABSL_LOCKS_EXCLUDED(mu_);
  void AddName(size_t member, std::string name, Outcome outcome) ABSL_LOCKS_EXCLUDED(mu_);
  void SetErasure(size_t member, Outcome outcome) ABSL_LOCKS_EXCLUDED(mu_);
  // A call that changes nothing (a read), by its outcome.
  void CountRead(Outcome outcome) ABSL_LOCKS_EXCLUDED(mu_);
  // What a client saw that no run may show (another member's booking in an itinerary).
  void AddAnomaly(std::string anomaly) ABSL_LOCKS_EXCLUDED(mu_);

  std::vector<RunMember> members() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<BookingAttempt> bookings() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<EventAttempt> events() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::string> anomalies() const ABSL_LOCKS_EXCLUDED(mu_);
  // Operations whose caller had an answer (acknowledged or refused), and acknowledged.
  int64_t answered() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t acknowledged() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t unknown() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Count(Outcome outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<RunMember> members_ ABSL_GUARDED_BY(mu_);
  std::vector<BookingAttempt> bookings_ ABSL_GUARDED_BY(mu_);
  std::vector<EventAttempt> events_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> anomalies_ ABSL_GUARDED_BY(mu_);
  int64_t acknowledged_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t unknown_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cantine::testing
