#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/bench/bench_client.h"
#include "tools/bench/booking_window.h"
#include "tools/bench/slot_tally.h"

namespace cantine::bench {

// After a bench run, what the venue holds, judged against what the bench was told: the
// verification the direct and forwarded modes share (booking_load.cc). Every call goes to the
// venue's own node with the admin credential.

// One desk pool of the run: its id, its seats, and its index in the bench's SlotTally.
struct BenchSpace {
  std::string space_id;
  int32_t capacity = 0;
  int index = 0;
};

// Every slot of one space over the window, judged with JudgeSlot.
struct SpaceCheck {
  int64_t slots_checked = 0;
  int64_t oversold = 0;
  int64_t availability_mismatches = 0;
  int64_t listing_mismatches = 0;
  int64_t spurious_refusals = 0;
  // Summed over the window's slots: seats_total - seats_free as GetAvailability reports
  // them, and the seats of the CONFIRMED bookings ListBookings(space_day) lists.
  int64_t held_seats = 0;
  int64_t listed_confirmed_seats = 0;
  std::vector<std::string> problems;  // The first `max_problems`, described.
};

// GetAvailability over the window and ListBookings(space_day) of every open day of
// `space`, compared slot by slot with `tally`. An error only when a call fails.
absl::StatusOr<SpaceCheck> CheckSpace(NodeStubs& venue, const BenchSpace& space,
                                      const BookingWindow& window, const SlotTally& tally,
                                      const std::string& admin_credential, absl::Duration timeout,
                                      size_t max_problems);

// A booking the venue acknowledged, as the bench saw it.
struct AcknowledgedBooking {
  std::string booking_id;
  int32_t space = 0;  // Index of the run's spaces.
  int32_t day = 0;    // Index in the window's open days.
  int32_t slot = 0;
  std::string member_id;  // Empty: not checked.
};

enum class BookingVerdict { kSame, kLost, kAltered };
struct BookingCheck {
  BookingVerdict verdict = BookingVerdict::kSame;
  std::string problem;  // Empty when kSame.
};

// GetBooking of `booking` at the venue: lost when it fails, altered when it answers another
// space, slot, day, member or a state other than CONFIRMED.
BookingCheck CheckAcknowledgedBooking(NodeStubs& venue, const AcknowledgedBooking& booking,
                                      const std::string& space_id, const BookingWindow& window,
                                      const std::string& admin_credential, absl::Duration timeout);

}  // namespace cantine::bench
