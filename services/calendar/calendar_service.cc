#include "services/calendar/calendar_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::calendar {
namespace {

constexpr char kCalendarType[] = "text/calendar; charset=utf-8";

void Answer(std::string calendar, v1::HttpBody* response) {
  response->set_content_type(kCalendarType);
  response->set_data(std::move(calendar));
}

}  // namespace

CalendarServiceImpl::CalendarServiceImpl(std::string site_id, const Calendars* calendars,
                                         member::MemberRegistry* registry,
                                         const site::SiteDirectory* directory,
                                         const auth::AdminCredential* admin,
                                         const storage::Clock* clock)
    : site_id_(site_id),
      calendars_(calendars),
      registry_(registry),
      directory_(directory),
      callers_(admin, directory, registry, clock, std::move(site_id)) {}

absl::StatusOr<std::string> CalendarServiceImpl::HomeMemberCalled(
    const grpc::ServerContext& context, absl::string_view member_id, bool account) const {
  ASSIGN_OR_RETURN(const rpc::MemberCaller caller,
                   callers_.Authenticate(
                       context, account ? auth::TokenScope::kAccount : auth::TokenScope::kBooking));
  ASSIGN_OR_RETURN(std::string acted_for, caller.MemberActedFor(member_id));
  ASSIGN_OR_RETURN(const std::string home, registry_->HomeSiteOf(acted_for));
  if (home != site_id_) {
    return absl::FailedPreconditionError(absl::StrCat("member '", acted_for, "' belongs to ", home,
                                                      "; its calendar is kept at its home site"));
  }
  return acted_for;
}

absl::Status CalendarServiceImpl::AnswerMemberCalendar(absl::string_view member_id,
                                                       absl::Time deadline,
                                                       v1::HttpBody* response) const {
  // An erased member has no calendar, even to a feed key that outlived it.
  RETURN_IF_ERROR(registry_->CheckMember(member_id));
  ASSIGN_OR_RETURN(std::string calendar, calendars_->MemberCalendar(member_id, deadline));
  Answer(std::move(calendar), response);
  return absl::OkStatus();
}

grpc::Status CalendarServiceImpl::GetSiteCalendar(grpc::ServerContext* /*context*/,
                                                  const v1::GetSiteCalendarRequest* request,
                                                  v1::HttpBody* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("site_id", request->site_id()));
    ASSIGN_OR_RETURN(std::string calendar, calendars_->SiteProgramme(request->site_id()));
    Answer(std::move(calendar), response);
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::GetMemberCalendar(grpc::ServerContext* context,
                                                    const v1::GetMemberCalendarRequest* request,
                                                    v1::HttpBody* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::string member_id,
                     HomeMemberCalled(*context, request->member_id(), /*account=*/false));
    return AnswerMemberCalendar(member_id, rpc::ForwardDeadline(*context, kHostsTimeout), response);
  });
}

grpc::Status CalendarServiceImpl::GetCalendarFeed(grpc::ServerContext* context,
                                                  const v1::GetCalendarFeedRequest* request,
                                                  v1::CalendarFeed* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::string member_id,
                     HomeMemberCalled(*context, request->member_id(), /*account=*/true));
    ASSIGN_OR_RETURN(std::string key, registry_->CalendarFeedKey(member_id));
    ASSIGN_OR_RETURN(const v1::DirectoryEntry own, directory_->Get(site_id_));
    if (!own.site().web_url().empty()) {
      response->set_url(
          absl::StrCat(own.site().web_url(), "v1/members/", member_id, "/calendarFeed/", key));
    }
    response->set_feed_key(std::move(key));
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::RevokeCalendarFeed(grpc::ServerContext* context,
                                                     const v1::RevokeCalendarFeedRequest* request,
                                                     v1::RevokeCalendarFeedResponse* /*response*/) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::string member_id,
                     HomeMemberCalled(*context, request->member_id(), /*account=*/true));
    RETURN_IF_ERROR(registry_->RevokeCalendarFeed(member_id));
    log_.Info("revoked the calendar feed of member ", member_id);
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::ReadCalendarFeed(grpc::ServerContext* context,
                                                   const v1::ReadCalendarFeedRequest* request,
                                                   v1::HttpBody* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
    if (request->feed_key().empty() || request->feed_key().size() > kMaxFeedKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("feed_key must be 1 to ", kMaxFeedKeyBytes, " bytes long"));
    }
    RETURN_IF_ERROR(registry_->CheckCalendarFeed(request->member_id(), request->feed_key()));
    return AnswerMemberCalendar(request->member_id(), rpc::ForwardDeadline(*context, kHostsTimeout),
                                response);
  });
}

}  // namespace cantine::calendar
