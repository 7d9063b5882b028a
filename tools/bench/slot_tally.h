#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cantine::bench {

// What the bench itself saw of one slot of one space.
struct SlotCount {
  int32_t acknowledged_seats = 0;  // Seats of the bookings the node acknowledged.
  int32_t refusals = 0;            // Requests refused with FAILED_PRECONDITION.
};

// A SlotCount per (space, open day, slot), dense: spaces x days x slots_per_day.
// Not thread-safe: each worker keeps its own and they are merged afterwards.
class SlotTally {
 public:
  SlotTally(int spaces, int days, int slots_per_day);

  SlotCount& at(int space, int day, int slot) { return counts_[Index(space, day, slot)]; }
  const SlotCount& at(int space, int day, int slot) const {
    return counts_[Index(space, day, slot)];
  }

  // Adds `other`, which must have the same shape.
  void Merge(const SlotTally& other);

  int spaces() const { return spaces_; }
  int days() const { return days_; }
  int slots_per_day() const { return slots_per_day_; }

 private:
  size_t Index(int space, int day, int slot) const {
    return (static_cast<size_t>(space) * days_ + day) * slots_per_day_ + slot;
  }

  int spaces_;
  int days_;
  int slots_per_day_;
  std::vector<SlotCount> counts_;
};

// Everything known of one slot after a run: the bench's own count and what the node
// reports through GetAvailability and ListBookings(space_day).
struct SlotEvidence {
  int32_t capacity = 0;  // The space's seats.
  SlotCount bench;
  bool reported = false;  // Whether GetAvailability listed the slot at all.
  int32_t seats_total = 0;
  int32_t seats_free = 0;
  int32_t listed_confirmed_seats = 0;  // Seats of the CONFIRMED bookings listed on it.
};

struct SlotVerdict {
  // More seats held than the space has, by any of the three accounts.
  bool oversold = false;
  // GetAvailability disagrees with the bookings the bench was acknowledged (or is missing).
  bool availability_mismatch = false;
  // ListBookings disagrees with the bookings the bench was acknowledged.
  bool listing_mismatch = false;
  // A request for the slot was refused as full, yet the slot ends the run with free seats.
  // Bench runs never cancel, so a slot's held seats only grow.
  bool spurious_refusal = false;
};

SlotVerdict JudgeSlot(const SlotEvidence& evidence);

}  // namespace cantine::bench
