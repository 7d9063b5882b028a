#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/auth/member_token.h"
#include "services/auth/verified_tokens.h"
#include "services/booking/booking_ledger.h"
#include "services/booking/forwarded_bookings.h"
#include "services/booking/receipt_book.h"
#include "services/booking/remote_venues.h"
#include "services/logging/logger.h"
#include "services/rpc/blocking_work.h"
#include "services/rpc/member_caller.h"
#include "storage/wal_syncer.h"

namespace cantine::booking {

// cantine.v1.BookingService: authenticates the caller, validates each request, translates
// venue civil times, and delegates to the BookingLedger for this venue's spaces, to the
// owner's node (through RemoteVenues) for another venue's, and to the ReceiptBook for
// itineraries, visitors and settlement. Availability is open to all; every other call
// needs a member token of BOOKING scope (the member acts on its own bookings only) or the
// admin credential (this site's desk, acting for any member at this venue only); manager
// listings and the settlement are the desk's alone. Only a token without ACCOUNT scope is
// forwarded to, or accepted from, another node. Thread-safe.
class BookingServiceImpl final
    : public v1::BookingService::WithCallbackMethod_CreateBooking<v1::BookingService::Service>,
      public ForwardedBookings {
 public:
  // Longest a forwarded call may take when the caller set no deadline.
  inline static constexpr absl::Duration kForwardTimeout = absl::Seconds(10);

  // None owned; all outlive the service. `keys` verifies member tokens offline; `syncer`
  // acknowledges this venue's new bookings once the write-ahead log holds them; `blocking`
  // runs the bookings that may wait on another site.
  BookingServiceImpl(BookingLedger* ledger, ReceiptBook* receipts, RemoteVenues* remote,
                     const domain::MemberDirectory* members, const site::SiteCatalog* catalog,
                     const auth::AdminCredential* admin, const auth::TokenKeyResolver* keys,
                     const storage::Clock* clock, storage::WalSyncer* syncer,
                     rpc::BlockingWork* blocking);

  grpc::Status GetAvailability(grpc::ServerContext* context,
                               const v1::GetAvailabilityRequest* request,
                               v1::GetAvailabilityResponse* response) override;
  // From gRPC's callback API. A booking at this venue for one of its own members waits on
  // no other site: it is committed on gRPC's thread, which returns at once, and answered
  // from the syncer's once durable. Any other (forwarded, or a visitor's, whose home may be
  // asked) runs on a thread of `blocking`; RESOURCE_EXHAUSTED when they are all taken.
  grpc::ServerUnaryReactor* CreateBooking(grpc::CallbackServerContext* context,
                                          const v1::CreateBookingRequest* request,
                                          v1::Booking* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status GetBooking(grpc::ServerContext* context, const v1::GetBookingRequest* request,
                          v1::Booking* response) override;
  grpc::Status ListBookings(grpc::ServerContext* context, const v1::ListBookingsRequest* request,
                            v1::ListBookingsResponse* response) override;
  grpc::Status CheckIn(grpc::ServerContext* context, const v1::CheckInRequest* request,
                       v1::Booking* response) override;
  grpc::Status GetSettlement(grpc::ServerContext* context, const v1::GetSettlementRequest* request,
                             v1::Settlement* response) override;

  // ForwardedBookings: the calls another node forwards here for a member.
  absl::StatusOr<v1::Booking> CreateForwarded(absl::string_view forwarding_site_id,
                                              const v1::ForwardedCreateBooking& forwarded) override;
  absl::StatusOr<v1::Booking> CancelForwarded(absl::string_view member_token,
                                              const v1::CancelBookingRequest& request) override;
  absl::StatusOr<v1::GetAvailabilityResponse> AvailabilityForwarded(
      const v1::GetAvailabilityRequest& request) const override;
  absl::StatusOr<v1::PullReceiptsResponse> ReceiptsForHome(
      absl::string_view home_site_id, uint64_t incarnation,
      const v1::PullReceiptsRequest& request) const override;
  void ReceiptsWaiting(absl::string_view venue) override;
  absl::StatusOr<v1::ListBookingsResponse> ListForwarded(
      absl::string_view member_token, const v1::ListBookingsRequest& request) const override;
  absl::StatusOr<v1::Booking> GetForwarded(absl::string_view member_token,
                                           const v1::GetBookingRequest& request) const override;
  absl::StatusOr<v1::VisitDaysCount> VisitDaysForVenue(
      absl::string_view venue, const v1::VisitDaysQuery& query) const override;

  // The most months a VisitDaysQuery may name (a booking spans at most 21 days).
  inline static constexpr int kMaxVisitDaysMonths = 3;

 private:
  using Caller = rpc::MemberCaller;
  // PERMISSION_DENIED unless the caller is the desk or `member_id` itself.
  static absl::Status CheckActsFor(const Caller& caller, absl::string_view member_id);
  // Whether the caller may read `member_id`'s bookings at every venue: the member itself,
  // or the desk of the member's home site.
  absl::Status CheckSeesItinerary(const Caller& caller, absl::string_view member_id) const;
  // The venue a request is for: this one when `site_id` is empty.
  absl::StatusOr<std::string> VenueOf(absl::string_view site_id) const;
  bool IsHere(absl::string_view site_id) const;
  // A forwarded call must be for this venue (FAILED_PRECONDITION: never forwarded again)
  // and carry a member's token (the desk's credential stays at its own site).
  absl::Status CheckForwardedHere(absl::string_view site_id) const;
  // A forwarded call names a member of this home site (CheckForwardedHere of its home).
  absl::Status CheckHomeHere(absl::string_view member_id) const;
  absl::Time ForwardDeadline(const grpc::ServerContextBase& context) const;

  // The site that forwarded a request here, and what it said of the member's visit days
  // elsewhere (domain::BookingRequest believes them from the member's home alone).
  struct Forwarding {
    std::string site_id;
    std::map<absl::CivilMonth, int> home_visit_days;
  };
  absl::StatusOr<v1::Booking> CreateHere(
      const Caller& caller, const v1::CreateBookingRequest& request, Forwarding forwarding,
      BookingLedger::Durability durability = BookingLedger::Durability::kSynced);
  // CreateBooking on a thread that may wait on another site: booked here with a synced
  // commit, or forwarded to `venue`.
  absl::StatusOr<v1::Booking> CreateWaitingOnOthers(const Caller& caller, const std::string& venue,
                                                    const grpc::ServerContextBase& context,
                                                    const v1::CreateBookingRequest& request);
  // Whether booking `request` at this venue waits on no other site: its member's id names
  // this site as its home (a visitor's home may be asked for its visit days).
  bool BooksOwnMember(const Caller& caller, const v1::CreateBookingRequest& request) const;
  // Whether `member_id` names this site as its home.
  bool IsOwnMember(absl::string_view member_id) const;
  // What `venue` would ask this site before booking `request`, where this is the member's
  // home and caps its members' visits: the member's visit days at other venues than
  // `venue` in each month the request's days touch. Empty otherwise (the venue asks whom it
  // must).
  absl::StatusOr<std::map<absl::CivilMonth, int>> HomeVisitDays(
      const Caller& caller, const v1::CreateBookingRequest& request, absl::string_view venue) const;
  absl::StatusOr<v1::Booking> CancelHere(const Caller& caller, const std::string& booking_id);
  absl::StatusOr<v1::GetAvailabilityResponse> AvailabilityHere(
      const v1::GetAvailabilityRequest& request) const;
  // The itinerary of `request.member_id()` from the receipts this home site holds.
  absl::StatusOr<v1::ListBookingsResponse> ItineraryHere(
      const v1::ListBookingsRequest& request) const;
  // The home site of `member_id` (a member acting for itself: the home its token's signer
  // proves, see domain::HomeSiteOfSignedInMember).
  absl::StatusOr<std::string> HomeOf(absl::string_view member_id) const;
  // The booking, if the caller may see and change it.
  absl::StatusOr<domain::Booking> OwnBooking(const Caller& caller,
                                             const std::string& booking_id) const;
  v1::Booking ToProto(const domain::Booking& booking) const;

  BookingLedger* const ledger_;
  ReceiptBook* const receipts_;
  RemoteVenues* const remote_;
  const domain::MemberDirectory* const members_;  // Whose home signs a member's token.
  const site::SiteCatalog* const catalog_;
  const auth::AdminCredential* const admin_;
  const storage::Clock* const clock_;
  storage::WalSyncer* const syncer_;
  rpc::BlockingWork* const blocking_;
  const rpc::MemberCallers callers_;
  const logging::Logger log_{"booking"};
};

}  // namespace cantine::booking
