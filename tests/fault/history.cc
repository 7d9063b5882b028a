#include "tests/fault/history.h"

#include <utility>

namespace cantine::testing {

size_t History::AddMember(RunMember member) {
  absl::MutexLock lock(&mu_);
  members_.push_back(std::move(member));
  return members_.size() - 1;
}

size_t History::AddBooking(BookingAttempt attempt) {
  absl::MutexLock lock(&mu_);
  Count(attempt.outcome);
  bookings_.push_back(std::move(attempt));
  return bookings_.size() - 1;
}

void History::AddEvent(EventAttempt attempt) {
  absl::MutexLock lock(&mu_);
  Count(attempt.outcome);
  events_.push_back(std::move(attempt));
}

void History::SetCancellation(size_t booking, Outcome outcome) {
  absl::MutexLock lock(&mu_);
  Count(outcome);
  // An acknowledged cancellation stays so; an unknown one is not undone by a later refusal
  // (the booking may be cancelled already).
  Outcome& recorded = bookings_[booking].cancellation;
  if (recorded != Outcome::kAcknowledged &&
      !(recorded == Outcome::kUnknown && outcome == Outcome::kRefused)) {
    recorded = outcome;
  }
}

void History::AddName(size_t member, std::string name, Outcome outcome) {
  absl::MutexLock lock(&mu_);
  Count(outcome);
  members_[member].names.emplace_back(std::move(name), outcome);
}

void History::SetErasure(size_t member, Outcome outcome) {
  absl::MutexLock lock(&mu_);
  Count(outcome);
  Outcome& recorded = members_[member].erasure;
  if (recorded != Outcome::kAcknowledged) recorded = outcome;
}

void History::CountRead(Outcome outcome) {
  absl::MutexLock lock(&mu_);
  Count(outcome);
}

void History::AddAnomaly(std::string anomaly) {
  absl::MutexLock lock(&mu_);
  anomalies_.push_back(std::move(anomaly));
}

std::vector<std::string> History::anomalies() const {
  absl::MutexLock lock(&mu_);
  return anomalies_;
}

std::vector<RunMember> History::members() const {
  absl::MutexLock lock(&mu_);
  return members_;
}

std::vector<BookingAttempt> History::bookings() const {
  absl::MutexLock lock(&mu_);
  return bookings_;
}

std::vector<EventAttempt> History::events() const {
  absl::MutexLock lock(&mu_);
  return events_;
}

int64_t History::answered() const {
  absl::MutexLock lock(&mu_);
  return acknowledged_ + refused_;
}

int64_t History::acknowledged() const {
  absl::MutexLock lock(&mu_);
  return acknowledged_;
}

int64_t History::unknown() const {
  absl::MutexLock lock(&mu_);
  return unknown_;
}

void History::Count(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAcknowledged:
      ++acknowledged_;
      break;
    case Outcome::kRefused:
      ++refused_;
      break;
    case Outcome::kUnknown:
      ++unknown_;
      break;
  }
}

}  // namespace cantine::testing
