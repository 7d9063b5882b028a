#include "tests/fault/checker.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "services/rpc/proto_time.h"
#include "storage/digest.h"
#include "storage/rocks_store.h"
#include "tests/fault/workload.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"

namespace cantine::testing {
namespace {

// The venues' spaces (tests/fault/fault_network.cc): a room takes one booking at a time.
constexpr struct {
  const char* space_id;
  int capacity;
  bool counts_seats;
} kSpaces[] = {{"desks", 3, true}, {"room", 1, false}};

bool Holds(const v1::Booking& booking) {
  return booking.state() == v1::BOOKING_STATE_CONFIRMED ||
         booking.state() == v1::BOOKING_STATE_CHECKED_IN;
}

absl::CivilMinute Minute(const v1::CivilDateTime& time) {
  return rpc::CivilMinuteFromProto("time", time).value_or(absl::CivilMinute());
}

// The most seats (or bookings) held at once by `bookings` of one space.
int PeakUse(const std::vector<v1::Booking>& bookings, bool counts_seats) {
  std::vector<std::pair<absl::CivilMinute, int>> changes;
  for (const v1::Booking& booking : bookings) {
    if (!Holds(booking)) continue;
    const int use = counts_seats ? booking.seats() : 1;
    changes.emplace_back(Minute(booking.start()), use);
    changes.emplace_back(Minute(booking.end()), -use);
  }
  // At one minute, what ends goes before what starts.
  std::sort(changes.begin(), changes.end());
  int use = 0, peak = 0;
  for (const auto& change : changes) peak = std::max(peak, use += change.second);
  return peak;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

}  // namespace

Checker::Checker(CheckedNetwork network, const History& history)
    : network_(std::move(network)),
      members_(history.members()),
      bookings_(history.bookings()),
      events_(history.events()) {
  for (const auto& [site, port] : network_.ports) channels_[site] = LoopbackChannel(port);
}

absl::StatusOr<absl::Duration> Checker::WaitForConvergence(absl::Duration deadline) const {
  const absl::Time start = absl::Now();
  std::map<std::string, std::string> vectors;
  const bool converged = WaitFor(
      [&] {
        vectors.clear();
        for (const auto& [site, channel] : channels_) {
          auto admin = v1::AdminService::NewStub(channel);
          v1::NetworkStatus status;
          if (!admin
                   ->GetNetworkStatus(Context(network_.admin_secret).get(),
                                      v1::GetNetworkStatusRequest(), &status)
                   .ok()) {
            return false;
          }
          std::vector<std::string> origins;
          for (const v1::VersionVectorEntry& entry : status.origins()) {
            origins.push_back(absl::StrCat(entry.origin().site_id(), "/",
                                           entry.origin().incarnation(), ":", entry.seq()));
          }
          std::sort(origins.begin(), origins.end());
          vectors[site] = absl::StrJoin(origins, " ");
        }
        return std::all_of(vectors.begin(), vectors.end(), [&](const auto& vector) {
          return vector.second == vectors.begin()->second;
        });
      },
      deadline);
  if (converged) return absl::Now() - start;
  std::string seen;
  for (const auto& [site, vector] : vectors) absl::StrAppend(&seen, "\n  ", site, ": ", vector);
  return absl::DeadlineExceededError(absl::StrCat("version vectors still differ after ",
                                                  absl::FormatDuration(deadline), ":", seen));
}

std::vector<std::string> Checker::CheckVenues() const {
  std::vector<std::string> anomalies;
  absl::flat_hash_map<std::string, v1::Booking> held;  // Every booking at its venue, by id.
  std::map<std::string, int> copies;                   // By member, venue, space and start.
  for (const auto& [venue, channel] : channels_) {
    auto bookings = v1::BookingService::NewStub(channel);
    for (const auto& space : kSpaces) {
      for (const absl::CivilDay day : Workload::RunDays(network_.days)) {
        v1::ListBookingsRequest request;
        request.mutable_space_day()->set_space_id(space.space_id);
        *request.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(day);
        request.set_page_size(1000);
        std::vector<v1::Booking> of_day;
        do {
          v1::ListBookingsResponse response;
          const grpc::Status status =
              bookings->ListBookings(Context(network_.admin_secret).get(), request, &response);
          if (!status.ok()) {
            anomalies.push_back(absl::StrCat(venue, " does not list ", space.space_id, " on ",
                                             absl::FormatCivilTime(day), ": ", Describe(status)));
            break;
          }
          of_day.insert(of_day.end(), response.bookings().begin(), response.bookings().end());
          request.set_page_token(response.next_page_token());
        } while (!request.page_token().empty());
        const int peak = PeakUse(of_day, space.counts_seats);
        if (peak > space.capacity) {
          anomalies.push_back(absl::StrCat("oversold: ", venue, " ", space.space_id, " on ",
                                           absl::FormatCivilTime(day), " holds ", peak,
                                           " at once, for ", space.capacity));
        }
        for (v1::Booking& booking : of_day) {
          if (!held.contains(booking.booking_id())) {
            ++copies[absl::StrCat(booking.member_id(), " ", venue, "/", booking.space_id(), "/",
                                  absl::FormatCivilTime(Minute(booking.start())))];
          }
          held[booking.booking_id()] = std::move(booking);
        }
      }
    }
  }
  for (const auto& [key, count] : copies) {
    if (count > 1)
      anomalies.push_back(absl::StrCat("applied twice: ", count, " bookings of ", key));
  }

  std::set<std::string> may_exist;  // Attempts acknowledged or unknown, by the same key.
  for (const BookingAttempt& attempt : bookings_) {
    if (attempt.outcome != Outcome::kRefused) {
      may_exist.insert(absl::StrCat(attempt.member_id, " ", attempt.idempotency_key));
    }
    if (attempt.outcome != Outcome::kAcknowledged) continue;
    const auto found = held.find(attempt.booking_id);
    if (found == held.end()) {
      anomalies.push_back(absl::StrCat("lost: acknowledged booking ", attempt.booking_id, " of ",
                                       attempt.member_id, " is not at ", attempt.venue));
      continue;
    }
    const bool cancelled = found->second.state() == v1::BOOKING_STATE_CANCELLED;
    if (attempt.cancellation == Outcome::kAcknowledged && !cancelled) {
      anomalies.push_back(absl::StrCat("lost cancellation: ", attempt.booking_id, " at ",
                                       attempt.venue, " is not cancelled"));
    }
    if (attempt.cancellation == Outcome::kRefused && cancelled) {
      anomalies.push_back(absl::StrCat("phantom cancellation: ", attempt.booking_id, " at ",
                                       attempt.venue, " is cancelled, never by its member"));
    }
  }
  for (const auto& [id, booking] : held) {
    const std::string key =
        absl::StrCat(booking.member_id(), " ", booking.site_id(), "/", booking.space_id(), "/",
                     absl::FormatCivilTime(Minute(booking.start())));
    if (!may_exist.contains(key)) {
      anomalies.push_back(absl::StrCat("phantom: ", id, " (", key, ") at ", booking.site_id(),
                                       " was refused or never asked for"));
    }
  }
  return anomalies;
}

std::vector<std::string> Checker::CheckItineraries(absl::Duration deadline) const {
  // The state each acknowledged booking holds at its venue, by member.
  std::map<std::string, std::map<std::string, v1::BookingState>> expected;
  std::map<std::string, std::string> tokens;
  for (const RunMember& member : members_) {
    if (member.erasure == Outcome::kRefused) tokens[member.member_id] = member.token;
  }
  for (const BookingAttempt& attempt : bookings_) {
    if (attempt.outcome != Outcome::kAcknowledged || !tokens.contains(attempt.member_id)) continue;
    auto venue = v1::BookingService::NewStub(channels_.at(attempt.venue));
    v1::GetBookingRequest request;
    request.set_booking_id(attempt.booking_id);
    v1::Booking booking;
    if (venue->GetBooking(Context(network_.admin_secret).get(), request, &booking).ok()) {
      expected[attempt.member_id][attempt.booking_id] = booking.state();
    }
  }
  std::vector<std::string> anomalies;
  WaitFor(
      [&] {
        anomalies.clear();
        for (const auto& [member_id, held] : expected) {
          for (const auto& [through, channel] : channels_) {
            auto bookings = v1::BookingService::NewStub(channel);
            v1::ListBookingsRequest request;
            request.set_member_id(member_id);
            request.set_page_size(1000);
            v1::ListBookingsResponse response;
            const grpc::Status status =
                bookings->ListBookings(Context(tokens.at(member_id)).get(), request, &response);
            if (!status.ok()) {
              anomalies.push_back(absl::StrCat("the itinerary of ", member_id, " through ", through,
                                               " fails: ", Describe(status)));
              continue;
            }
            std::map<std::string, v1::BookingState> listed;
            for (const v1::Booking& booking : response.bookings()) {
              listed[booking.booking_id()] = booking.state();
            }
            for (const auto& [id, state] : held) {
              const auto found = listed.find(id);
              if (found == listed.end()) {
                anomalies.push_back(absl::StrCat("receipt missing: ", id,
                                                 " is not in the itinerary of ", member_id,
                                                 " through ", through));
              } else if (found->second != state) {
                anomalies.push_back(absl::StrCat(
                    "stale receipt: ", id, " is ", v1::BookingState_Name(found->second),
                    " through ", through, ", ", v1::BookingState_Name(state), " at its venue"));
              }
            }
          }
        }
        return anomalies.empty();
      },
      deadline);
  return anomalies;
}

std::vector<std::string> Checker::CheckMembers() const {
  std::vector<std::string> anomalies;
  for (const auto& [site, channel] : channels_) {
    auto members = v1::MemberService::NewStub(channel);
    for (const RunMember& member : members_) {
      v1::GetMemberRequest request;
      request.set_member_id(member.member_id);
      v1::Member shown;
      const grpc::Status status =
          members->GetMember(Context(network_.admin_secret).get(), request, &shown);
      if (!status.ok()) {
        anomalies.push_back(
            absl::StrCat(site, " does not show member ", member.member_id, ": ", Describe(status)));
        continue;
      }
      const bool erased = shown.erased() && shown.display_name().empty() && shown.email().empty();
      if (member.erasure == Outcome::kAcknowledged) {
        if (!erased) {
          anomalies.push_back(absl::StrCat("erased member ", member.member_id, " is shown at ",
                                           site, " as '", shown.display_name(), "'"));
        }
        continue;
      }
      if (erased && member.erasure == Outcome::kUnknown) continue;
      // The last name acknowledged, or any whose call's outcome is unknown.
      std::set<std::string> allowed;
      for (const auto& [name, outcome] : member.names) {
        if (outcome == Outcome::kAcknowledged) allowed = {name};
      }
      for (const auto& [name, outcome] : member.names) {
        if (outcome == Outcome::kUnknown) allowed.insert(name);
      }
      if (!allowed.contains(shown.display_name())) {
        anomalies.push_back(
            absl::StrCat(site, " shows member ", member.member_id, " as '", shown.display_name(),
                         "', not as its home last named it ('", *allowed.begin(), "')"));
      }
    }
  }
  return anomalies;
}

std::vector<std::string> Checker::CheckEvents() const {
  std::vector<std::string> anomalies;
  std::set<std::string> titles;  // Of announcements acknowledged or unknown.
  for (const EventAttempt& attempt : events_) {
    if (attempt.outcome != Outcome::kRefused) titles.insert(attempt.title);
  }
  for (const auto& [site, channel] : channels_) {
    auto events = v1::EventService::NewStub(channel);
    std::map<std::string, int> listed;  // By title.
    std::set<std::string> ids;
    v1::ListEventsRequest request;
    request.set_include_cancelled(true);
    request.set_page_size(100);
    do {
      v1::ListEventsResponse response;
      const grpc::Status status = events->ListEvents(Context().get(), request, &response);
      if (!status.ok()) {
        anomalies.push_back(absl::StrCat(site, " does not list events: ", Describe(status)));
        break;
      }
      for (const v1::Event& event : response.events()) {
        ++listed[event.title()];
        ids.insert(event.event_id());
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    for (const auto& [title, count] : listed) {
      if (count > 1) {
        anomalies.push_back(absl::StrCat(site, " lists '", title, "' ", count, " times"));
      }
      if (!titles.contains(title)) {
        anomalies.push_back(absl::StrCat(site, " lists '", title, "', refused or never announced"));
      }
    }
    for (const EventAttempt& attempt : events_) {
      if (attempt.outcome == Outcome::kAcknowledged && !ids.contains(attempt.event_id)) {
        anomalies.push_back(absl::StrCat("lost: ", site, " does not list event ", attempt.event_id,
                                         " ('", attempt.title, "') of ", attempt.host));
      }
    }
  }
  return anomalies;
}

std::vector<std::string> Checker::CheckDigests(const std::map<std::string, std::string>& folders) {
  std::vector<std::string> anomalies;
  std::map<std::string, std::string> digests;
  for (const auto& [site, folder] : folders) {
    absl::StatusOr<std::unique_ptr<storage::RocksStore>> store =
        storage::RocksStore::Open({.path = folder});
    absl::StatusOr<std::string> digest =
        store.ok() ? storage::ReplicatedStateDigest(**store) : store.status();
    if (!digest.ok()) {
      anomalies.push_back(absl::StrCat("no digest of ", site, ": ", digest.status().message()));
      continue;
    }
    digests[site] = digest->substr(0, 16);
  }
  std::set<std::string> distinct;
  for (const auto& [site, digest] : digests) distinct.insert(digest);
  if (distinct.size() > 1) {
    std::vector<std::string> each;
    for (const auto& [site, digest] : digests) each.push_back(absl::StrCat(site, " ", digest));
    anomalies.push_back(absl::StrCat("replicated state differs: ", absl::StrJoin(each, ", ")));
  }
  return anomalies;
}

}  // namespace cantine::testing
