#include "tools/bench/slot_tally.h"

namespace cantine::bench {

SlotTally::SlotTally(int spaces, int days, int slots_per_day)
    : spaces_(spaces),
      days_(days),
      slots_per_day_(slots_per_day),
      counts_(static_cast<size_t>(spaces) * days * slots_per_day) {}

void SlotTally::Merge(const SlotTally& other) {
  for (size_t i = 0; i < counts_.size(); ++i) {
    counts_[i].acknowledged_seats += other.counts_[i].acknowledged_seats;
    counts_[i].refusals += other.counts_[i].refusals;
  }
}

SlotVerdict JudgeSlot(const SlotEvidence& e) {
  SlotVerdict verdict;
  const int32_t held = e.seats_total - e.seats_free;
  verdict.oversold = e.bench.acknowledged_seats > e.capacity ||
                     e.listed_confirmed_seats > e.capacity ||
                     (e.reported && (e.seats_free < 0 || held > e.capacity));
  verdict.availability_mismatch =
      !e.reported || e.seats_total != e.capacity || held != e.bench.acknowledged_seats;
  verdict.listing_mismatch = e.listed_confirmed_seats != e.bench.acknowledged_seats;
  verdict.spurious_refusal = e.bench.refusals > 0 && e.reported && e.seats_free > 0;
  return verdict;
}

}  // namespace cantine::bench
