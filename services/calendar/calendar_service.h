#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/v1/calendar.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/calendar/calendars.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/rpc/member_caller.h"
#include "storage/clock.h"

namespace cantine::calendar {

// cantine.v1.CalendarService: checks who calls, and answers Calendars' files as
// text/calendar. A member's calendar is served at their home site only, to the member (a
// token of BOOKING scope), the home desk, or whoever holds the member's feed key, which the
// member makes and revokes with an ACCOUNT token (member::MemberRegistry keeps it). The
// hosts are asked for the member's RSVPs on this site's authority as its home (Calendars):
// no token and no feed key leaves this node. Thread-safe.
class CalendarServiceImpl final : public v1::CalendarService::Service {
 public:
  // The longest the hosts are waited for, when the caller set no deadline.
  inline static constexpr absl::Duration kHostsTimeout = absl::Seconds(10);
  inline static constexpr size_t kMaxFeedKeyBytes = 64;

  // None owned; all outlive the service. `site_id` is this site; `directory` resolves
  // token keys and gives this site's web address.
  CalendarServiceImpl(std::string site_id, const Calendars* calendars,
                      member::MemberRegistry* registry, const site::SiteDirectory* directory,
                      const auth::AdminCredential* admin, const storage::Clock* clock);

  grpc::Status GetSiteCalendar(grpc::ServerContext* context,
                               const v1::GetSiteCalendarRequest* request,
                               v1::HttpBody* response) override;
  grpc::Status GetMemberCalendar(grpc::ServerContext* context,
                                 const v1::GetMemberCalendarRequest* request,
                                 v1::HttpBody* response) override;
  grpc::Status GetCalendarFeed(grpc::ServerContext* context,
                               const v1::GetCalendarFeedRequest* request,
                               v1::CalendarFeed* response) override;
  grpc::Status RevokeCalendarFeed(grpc::ServerContext* context,
                                  const v1::RevokeCalendarFeedRequest* request,
                                  v1::RevokeCalendarFeedResponse* response) override;
  grpc::Status ReadCalendarFeed(grpc::ServerContext* context,
                                const v1::ReadCalendarFeedRequest* request,
                                v1::HttpBody* response) override;

 private:
  // The member of this home site a call for `member_id` (empty: the caller) is for: the
  // member's own token (of ACCOUNT scope when `account` is set) or the home desk.
  // FAILED_PRECONDITION naming the home of a member of another site.
  absl::StatusOr<std::string> HomeMemberCalled(const grpc::ServerContext& context,
                                               absl::string_view member_id, bool account) const;
  // `member_id`'s calendar, with the hosts asked before `deadline`, as the response.
  absl::Status AnswerMemberCalendar(absl::string_view member_id, absl::Time deadline,
                                    v1::HttpBody* response) const;

  const std::string site_id_;
  const Calendars* const calendars_;
  member::MemberRegistry* const registry_;
  const site::SiteDirectory* const directory_;
  const rpc::MemberCallers callers_;
  const logging::Logger log_{"calendar"};
};

}  // namespace cantine::calendar
