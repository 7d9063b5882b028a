#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/domain/site_profile.h"

namespace cantine::domain {

enum class SpaceKind {
  kDeskPool,     // N seats, each booked per half-day slot.
  kMeetingRoom,  // Exclusive, booked in room blocks.
};

enum class SpaceState { kActive, kRetired };

struct Space {
  std::string site_id;
  std::string space_id;
  std::string display_name;
  std::string description;
  SpaceKind kind = SpaceKind::kDeskPool;
  int32_t seats = 0;                 // Desk pool: bookable seats. Meeting room: people it holds.
  int64_t price_per_slot_minor = 0;  // In the site's currency.
  // What members of other sites pay per slot; unset: the same price.
  std::optional<int64_t> visitor_price_per_slot_minor;
  SpaceState state = SpaceState::kActive;
  absl::Time create_time;
  absl::Time update_time;
};

// The fields a manager may change on an existing space; unset ones stay.
struct SpaceUpdate {
  std::optional<std::string> display_name = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<int32_t> seats = std::nullopt;
  std::optional<int64_t> price_per_slot_minor = std::nullopt;
  std::optional<int64_t> visitor_price_per_slot_minor = std::nullopt;
};

inline constexpr int32_t kMaxDeskPoolSeats = 10000;
inline constexpr int32_t kMaxRoomPeople = 500;
// 10 million in major units; a larger slot price is a typo in minor units.
inline constexpr int64_t kMaxPricePerSlotMinor = 1'000'000'000;

// INVALID_ARGUMENT naming the first bad field: slug id, names, seats in range for its kind,
// price not negative nor absurd.
absl::Status ValidateSpace(const Space& space);

// `space` with `update` applied, validated, its update_time set to `now`.
absl::StatusOr<Space> ApplySpaceUpdate(Space space, const SpaceUpdate& update, absl::Time now);

absl::string_view SpaceKindName(SpaceKind kind);

}  // namespace cantine::domain
