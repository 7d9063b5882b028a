#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.pb.h"
#include "tests/support/rpc_client.h"

namespace cantine::testing {

// Calls a test makes as a site's desk to set a node up, over any channel (in-process nodes
// or real processes). A refused call is returned as a Status with the call's code and
// message, for the test to assert on.

// Registers the member `name` with `email` through `members`, presenting the desk's
// credential `admin_secret`: the member as the node made it.
inline absl::StatusOr<v1::Member> RegisterByDesk(v1::MemberService::Stub& members,
                                                 absl::string_view admin_secret,
                                                 const std::string& name,
                                                 const std::string& email) {
  v1::RegisterMemberRequest request;
  request.set_display_name(name);
  request.set_email(email);
  v1::Member member;
  const grpc::Status status = members.RegisterMember(Context(admin_secret).get(), request, &member);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        "RegisterMember: " + status.error_message());
  }
  return member;
}

// A request that creates the meeting room `space_id` for `people` at
// `price_per_slot_minor` a slot.
inline v1::CreateSpaceRequest MeetingRoomRequest(const std::string& space_id,
                                                 const std::string& display_name, int people,
                                                 int64_t price_per_slot_minor) {
  v1::CreateSpaceRequest request;
  v1::Space* space = request.mutable_space();
  space->set_space_id(space_id);
  space->set_display_name(display_name);
  space->set_kind(v1::SPACE_KIND_MEETING_ROOM);
  space->set_seats(people);
  space->mutable_price_per_slot()->set_amount_minor(price_per_slot_minor);
  return request;
}

}  // namespace cantine::testing
