// The public requests, as the services check them before they touch any state: the mode
// byte picks the request (CreateBooking, RegisterMember, UpdateMember, AnnounceEvent), the
// rest is its wire form. Each runs the real checks in the order its handler runs them; what
// passes keeps the promises of the rules and survives the codec it is stored and replicated
// with.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/event.pb.h"
#include "cantine/v1/member.pb.h"
#include "services/domain/booking_rules.h"
#include "services/domain/event.h"
#include "services/domain/field_checks.h"
#include "services/domain/member.h"
#include "services/domain/site_policy.h"
#include "services/domain/site_profile.h"
#include "services/domain/space.h"
#include "services/event/event_codec.h"
#include "services/member/member_codec.h"
#include "services/rpc/proto_time.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/paris.h"

namespace cantine::fuzz {
namespace {

constexpr char kMemberId[] = "paris-0000000000000001";

absl::TimeZone ParisZone() {
  static const absl::TimeZone zone =
      domain::LoadVenueTimeZone("time_zone", testing::ParisProfile().time_zone).value();
  return zone;
}

// The spaces of the venue: a pool of desks, and a meeting room.
domain::Space SpaceNamed(absl::string_view space_id) {
  domain::Space space;
  space.site_id = "paris";
  space.space_id = space_id == "meeting-room" ? "meeting-room" : "coworking";
  space.display_name = "Desks";
  space.kind =
      space_id == "meeting-room" ? domain::SpaceKind::kMeetingRoom : domain::SpaceKind::kDeskPool;
  space.seats = space_id == "meeting-room" ? 8 : 24;
  space.price_per_slot_minor = 1500;
  space.visitor_price_per_slot_minor = 2000;
  return space;
}

// A venue that holds no member yet: a signed-in member's home is the one its id names.
class NoMembers final : public domain::MemberDirectory {
 public:
  absl::StatusOr<domain::Member> Get(absl::string_view member_id) const override {
    return absl::NotFoundError(member_id);
  }
  absl::StatusOr<std::string> HomeSiteOf(absl::string_view member_id) const override {
    return absl::NotFoundError(member_id);
  }
};

// BookingServiceImpl::CreateHere, then BookingLedger::Create's home and plan, for a member
// signed in.
void CheckCreateBooking(const v1::CreateBookingRequest& request) {
  if (!domain::CheckSlug("space_id", request.space_id()).ok()) return;
  const std::string member_id =
      request.member_id().empty() ? std::string(kMemberId) : request.member_id();
  if (!domain::CheckSlug("member_id", member_id).ok()) return;
  if (!request.has_start() || !request.has_end()) return;
  const absl::StatusOr<absl::CivilMinute> start =
      rpc::CivilMinuteFromProto("start", request.start());
  const absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request.end());
  if (!start.ok() || !end.ok()) return;
  domain::BookingRequest booking{.space_id = request.space_id(),
                                 .member_id = member_id,
                                 .local_start = *start,
                                 .local_end = *end,
                                 .seats = request.seats(),
                                 .idempotency_key = request.idempotency_key(),
                                 .member_signed_in = true};
  const absl::StatusOr<std::string> home =
      domain::HomeSiteOfSignedInMember(NoMembers(), booking.member_id);
  if (!home.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(home.status()));
    return;
  }
  booking.home_site_id = *home;
  const domain::Space space = SpaceNamed(request.space_id());
  const absl::StatusOr<domain::BookingPlan> plan =
      domain::PlanBooking(space, domain::DefaultSitePolicy(), ParisZone(), booking, kNow);
  (void)domain::RequestFingerprint(booking);
  if (!plan.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(plan.status()) || absl::IsFailedPrecondition(plan.status()));
    return;
  }
  FUZZ_CHECK(!plan->slots.empty());
  FUZZ_CHECK(plan->seats >= 1 && plan->seats <= space.seats);
  if (space.kind == domain::SpaceKind::kMeetingRoom) FUZZ_CHECK(plan->seats == 1);
  FUZZ_CHECK(plan->price_minor >= 0);
  for (const domain::Slot& slot : plan->slots) FUZZ_CHECK(slot.start >= kNow);
}

// MemberServiceImpl::RegisterMember: the profile the request asks for, validated; a valid
// one, given its id as the registry does, survives the wire form it replicates in.
void CheckRegisterMember(const v1::RegisterMemberRequest& request) {
  absl::StatusOr<domain::Member> profile = member::ProfileFromRequest(request);
  if (!profile.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(profile.status()));
    return;
  }
  if (!domain::ValidateMember(*profile).ok()) return;
  profile->member_id = kMemberId;
  profile->home_site_id = "paris";
  profile->create_time = kNow;
  const absl::StatusOr<domain::Member> read =
      member::MemberFromProto(member::MemberToProto(*profile));
  FUZZ_CHECK(read.ok());
  FUZZ_CHECK(domain::ValidateMember(*read).ok());
  FUZZ_CHECK(read->display_name == profile->display_name);
  FUZZ_CHECK(read->skills == profile->skills);
  FUZZ_CHECK(read->links == profile->links);
}

// MemberRegistry::Update's checks of an UpdateMemberRequest, over a valid member.
void CheckUpdateMember(const v1::UpdateMemberRequest& request) {
  if (!domain::CheckSlug("member_id", request.member_id()).ok()) return;
  const absl::StatusOr<domain::MemberUpdate> update = member::UpdateFromRequest(request);
  if (!update.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(update.status()));
    return;
  }
  domain::Member before;
  before.member_id = kMemberId;
  before.home_site_id = "paris";
  before.display_name = "Ada";
  before.email = "ada@example.org";
  before.create_time = kNow;
  const domain::Member after = domain::ApplyMemberUpdate(before, *update);
  FUZZ_CHECK(after.member_id == before.member_id);
  if (!domain::ValidateMember(after).ok()) return;
  const absl::StatusOr<domain::Member> read = member::MemberFromProto(member::MemberToProto(after));
  FUZZ_CHECK(read.ok());
  FUZZ_CHECK(domain::ValidateMember(*read).ok());
}

// EventServiceImpl::AnnounceEvent, then EventBoard::Announce's new event at Paris; a new
// event survives the wire form it replicates in.
void CheckAnnounceEvent(const v1::AnnounceEventRequest& request) {
  if (!request.has_start() || !request.has_end()) return;
  const absl::StatusOr<absl::CivilMinute> start =
      rpc::CivilMinuteFromProto("start", request.start());
  const absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request.end());
  if (!start.ok() || !end.ok()) return;
  const domain::EventDraft draft{.title = request.title(),
                                 .description = request.description(),
                                 .tags = {request.tags().begin(), request.tags().end()},
                                 .local_start = *start,
                                 .local_end = *end,
                                 .capacity = request.capacity()};
  const absl::StatusOr<domain::Event> event =
      domain::NewEvent(draft, testing::ParisProfile(), "paris-0000000000000001", kNow);
  if (!event.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(event.status()) ||
               absl::IsFailedPrecondition(event.status()));
    return;
  }
  FUZZ_CHECK(domain::ValidateEvent(*event).ok());
  const absl::StatusOr<domain::Event> read = event::EventFromProto(event::EventToProto(*event));
  FUZZ_CHECK(read.ok());
  FUZZ_CHECK(domain::ValidateEvent(*read).ok());
  FUZZ_CHECK(read->title == event->title);
}

template <typename Request>
bool Parse(absl::string_view bytes, Request& request) {
  return request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace
}  // namespace cantine::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cantine;
  using namespace cantine::fuzz;
  const Input input = SplitInput(data, size);
  switch (input.mode % 4) {
    case 0: {
      v1::CreateBookingRequest request;
      if (Parse(input.bytes, request)) CheckCreateBooking(request);
      break;
    }
    case 1: {
      v1::RegisterMemberRequest request;
      if (Parse(input.bytes, request)) CheckRegisterMember(request);
      break;
    }
    case 2: {
      v1::UpdateMemberRequest request;
      if (Parse(input.bytes, request)) CheckUpdateMember(request);
      break;
    }
    default: {
      v1::AnnounceEventRequest request;
      if (Parse(input.bytes, request)) CheckAnnounceEvent(request);
      break;
    }
  }
  return 0;
}
