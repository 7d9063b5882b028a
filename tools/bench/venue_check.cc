#include "tools/bench/venue_check.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::bench {
namespace {

// The node's limits: days per GetAvailability, bookings per ListBookings page.
constexpr int kAvailabilityDaysPerCall = 62;
constexpr int kListPageSize = 1000;

}  // namespace

absl::StatusOr<SpaceCheck> CheckSpace(NodeStubs& venue, const BenchSpace& space,
                                      const BookingWindow& window, const SlotTally& tally,
                                      const std::string& admin_credential, absl::Duration timeout,
                                      size_t max_problems) {
  const int days = static_cast<int>(window.open_days().size());
  const int slots = window.slots_per_day();
  SpaceCheck check;
  const auto note = [&](std::string problem) {
    if (check.problems.size() < max_problems) check.problems.push_back(std::move(problem));
  };
  std::vector<SlotEvidence> evidence(static_cast<size_t>(days) * slots);
  const auto at = [&](int day, int slot) -> SlotEvidence& {
    return evidence[static_cast<size_t>(day) * slots + slot];
  };
  for (int day = 0; day < days; ++day) {
    for (int slot = 0; slot < slots; ++slot) {
      at(day, slot).capacity = space.capacity;
      at(day, slot).bench = tally.at(space.index, day, slot);
    }
  }

  for (absl::CivilDay first = window.first_day(); first <= window.last_day();
       first += kAvailabilityDaysPerCall) {
    const absl::CivilDay last = std::min(window.last_day(), first + (kAvailabilityDaysPerCall - 1));
    v1::GetAvailabilityRequest request;
    request.set_space_id(space.space_id);
    *request.mutable_first_day() = rpc::CivilDayToProto(first);
    *request.mutable_last_day() = rpc::CivilDayToProto(last);
    v1::GetAvailabilityResponse response;
    grpc::Status status = Call(*venue.bookings, &v1::BookingService::Stub::GetAvailability, request,
                               &response, timeout);
    if (!status.ok()) return Failed(absl::StrCat("GetAvailability ", space.space_id), status);
    for (const v1::SlotAvailability& reported : response.slots()) {
      ASSIGN_OR_RETURN(const absl::CivilDay day,
                       rpc::CivilDayFromProto("slot.day", reported.slot().day()));
      const int day_index = window.OpenDayIndex(day);
      const int slot = reported.slot().index();
      if (day_index < 0 || slot < 0 || slot >= slots) {
        if (reported.seats_total() != reported.seats_free()) {
          ++check.availability_mismatches;
          note(absl::StrCat(space.space_id, " ", absl::FormatCivilTime(day), " slot ", slot,
                            ": seats held on a slot the bench never booked"));
        }
        continue;
      }
      SlotEvidence& e = at(day_index, slot);
      e.reported = true;
      e.seats_total = reported.seats_total();
      e.seats_free = reported.seats_free();
    }
  }

  for (int day = 0; day < days; ++day) {
    const absl::CivilDay civil_day = window.open_days()[day];
    v1::ListBookingsRequest request;
    request.mutable_space_day()->set_space_id(space.space_id);
    *request.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(civil_day);
    request.set_page_size(kListPageSize);
    do {
      v1::ListBookingsResponse response;
      grpc::Status status = Call(*venue.bookings, &v1::BookingService::Stub::ListBookings, request,
                                 &response, timeout, &admin_credential);
      if (!status.ok()) return Failed(absl::StrCat("ListBookings ", space.space_id), status);
      for (const v1::Booking& booking : response.bookings()) {
        if (booking.state() != v1::BOOKING_STATE_CONFIRMED) continue;
        for (const v1::BookedSlot& booked : booking.slots()) {
          ASSIGN_OR_RETURN(const absl::CivilDay slot_day,
                           rpc::CivilDayFromProto("slot.day", booked.day()));
          if (slot_day != civil_day || booked.index() < 0 || booked.index() >= slots) continue;
          at(day, booked.index()).listed_confirmed_seats += booking.seats();
        }
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
  }

  for (int day = 0; day < days; ++day) {
    for (int slot = 0; slot < slots; ++slot) {
      const SlotEvidence& e = at(day, slot);
      ++check.slots_checked;
      if (e.reported) check.held_seats += e.seats_total - e.seats_free;
      check.listed_confirmed_seats += e.listed_confirmed_seats;
      const SlotVerdict verdict = JudgeSlot(e);
      if (!verdict.oversold && !verdict.availability_mismatch && !verdict.listing_mismatch &&
          !verdict.spurious_refusal) {
        continue;
      }
      if (verdict.oversold) ++check.oversold;
      if (verdict.availability_mismatch) ++check.availability_mismatches;
      if (verdict.listing_mismatch) ++check.listing_mismatches;
      if (verdict.spurious_refusal) ++check.spurious_refusals;
      note(absl::StrFormat(
          "%s %s slot %d: capacity %d, bench acknowledged %d seats and saw %d refusals; "
          "GetAvailability %s total %d free %d; ListBookings confirmed %d seats",
          space.space_id, absl::FormatCivilTime(window.open_days()[day]), slot, e.capacity,
          e.bench.acknowledged_seats, e.bench.refusals, e.reported ? "reports" : "omits",
          e.seats_total, e.seats_free, e.listed_confirmed_seats));
    }
  }
  return check;
}

BookingCheck CheckAcknowledgedBooking(NodeStubs& venue, const AcknowledgedBooking& acknowledged,
                                      const std::string& space_id, const BookingWindow& window,
                                      const std::string& admin_credential, absl::Duration timeout) {
  v1::GetBookingRequest request;
  request.set_booking_id(acknowledged.booking_id);
  v1::Booking booking;
  grpc::Status status = Call(*venue.bookings, &v1::BookingService::Stub::GetBooking, request,
                             &booking, timeout, &admin_credential);
  if (!status.ok()) {
    return {BookingVerdict::kLost,
            absl::StrCat("GetBooking ", acknowledged.booking_id, ": ", Describe(status))};
  }
  const bool same =
      booking.space_id() == space_id && booking.state() == v1::BOOKING_STATE_CONFIRMED &&
      (acknowledged.member_id.empty() || booking.member_id() == acknowledged.member_id) &&
      booking.slots_size() == 1 && booking.slots(0).index() == acknowledged.slot &&
      rpc::CivilDayFromProto("day", booking.slots(0).day()).value_or(absl::CivilDay()) ==
          window.open_days()[acknowledged.day];
  if (same) return {};
  return {BookingVerdict::kAltered, absl::StrCat("GetBooking ", acknowledged.booking_id,
                                                 " answers another space, slot, member or state: ",
                                                 booking.ShortDebugString())};
}

}  // namespace cantine::bench
