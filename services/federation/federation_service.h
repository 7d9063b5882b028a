#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "services/booking/forwarded_bookings.h"
#include "services/event/remote_hosts.h"
#include "services/federation/peer_heads.h"
#include "services/logging/logger.h"
#include "services/replication/entry_signing.h"
#include "services/site/signed_directory.h"
#include "storage/oplog.h"

namespace cantine::federation {

// cantine.v1.FederationService on the federation port. Pull streams what the caller's vector
// lacks, origin by origin in sequence order, then stays open and pushes new entries as they
// commit, with an empty response carrying the heads every `heartbeat` while idle. A batch is
// at most one span of an origin (Oplog::ReadBatch: bounded in entries and bytes, ending on a
// signed entry). Memory per stream is one batch: a Write blocks while the peer does not read
// (HTTP/2 flow control).
class FederationServiceImpl final : public v1::FederationService::Service {
 public:
  // The status the replicated directory lists for a site: SITE_STATUS_UNSPECIFIED when it
  // lists none (yet); an error only when it cannot be read. Called on every call.
  using SiteStatusLookup = std::function<absl::StatusOr<v1::SiteStatus>(absl::string_view)>;

  // None owned; all outlive the service. `known_sites` decides who may call, and
  // `site_status` refuses those the directory lists as suspended or removed; `bookings`
  // serves the booking calls other nodes forward to this venue and `rsvps` the RSVP calls
  // to this host (none: UNIMPLEMENTED, a port that only relays entries); `directory`, when set, is
  // sent at the start of each stream.
  FederationServiceImpl(storage::Oplog* oplog, const replication::SiteKeyRing* known_sites,
                        SiteStatusLookup site_status, booking::ForwardedBookings* bookings,
                        event::ForwardedRsvps* rsvps, const PeerHeads* peer_heads,
                        const site::SignedDirectory* directory = nullptr,
                        absl::Duration heartbeat = absl::Seconds(1));

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;

  grpc::Status ForwardCreateBooking(grpc::ServerContext* context,
                                    const v1::ForwardedCreateBooking* request,
                                    v1::Booking* response) override;
  grpc::Status ForwardCancelBooking(grpc::ServerContext* context,
                                    const v1::ForwardedCancelBooking* request,
                                    v1::Booking* response) override;
  grpc::Status ForwardGetAvailability(grpc::ServerContext* context,
                                      const v1::ForwardedGetAvailability* request,
                                      v1::GetAvailabilityResponse* response) override;
  grpc::Status PullReceipts(grpc::ServerContext* context, const v1::PullReceiptsRequest* request,
                            v1::PullReceiptsResponse* response) override;
  grpc::Status NotifyReceipts(grpc::ServerContext* context, const v1::ReceiptsNotice* request,
                              v1::ReceiptsNoticeAck* response) override;
  grpc::Status ForwardListBookings(grpc::ServerContext* context,
                                   const v1::ForwardedListBookings* request,
                                   v1::ListBookingsResponse* response) override;
  grpc::Status ForwardGetBooking(grpc::ServerContext* context,
                                 const v1::ForwardedGetBooking* request,
                                 v1::Booking* response) override;
  grpc::Status CountVisitDays(grpc::ServerContext* context, const v1::VisitDaysQuery* request,
                              v1::VisitDaysCount* response) override;
  grpc::Status ForwardCreateRsvp(grpc::ServerContext* context,
                                 const v1::ForwardedCreateRsvp* request,
                                 v1::Rsvp* response) override;
  grpc::Status ForwardCancelRsvp(grpc::ServerContext* context,
                                 const v1::ForwardedCancelRsvp* request,
                                 v1::Rsvp* response) override;
  grpc::Status ForwardListRsvps(grpc::ServerContext* context, const v1::ForwardedListRsvps* request,
                                v1::ListRsvpsResponse* response) override;
  grpc::Status ListMemberRsvps(grpc::ServerContext* context, const v1::MemberRsvpsQuery* request,
                               v1::ListRsvpsResponse* response) override;
  grpc::Status ForwardListAttendees(grpc::ServerContext* context,
                                    const v1::ForwardedListAttendees* request,
                                    v1::ListAttendeesResponse* response) override;

  // Ends every open stream within one heartbeat; called before the server shuts down.
  void Stop() { stopping_ = true; }

  // The most origins a Pull request may list (bounded by Oplog::kMaxIncarnationsPerSite per
  // site of a network far larger than any today).
  inline static constexpr size_t kMaxOrigins = 4096;

 private:
  // Who is calling, checked as every RPC of this service must: over TLS the site its client
  // certificate names (the federation port verified it against the network CA), which a
  // request naming a site (`claimed_site_id`, empty when it names none) must match; over
  // plaintext (an insecure node) the site the request names. The site must be known and
  // not suspended nor removed in the directory. The caller's site id, else
  // PERMISSION_DENIED, UNAUTHENTICATED (a certificate naming no site), INVALID_ARGUMENT (a
  // malformed claimed id) or UNAVAILABLE (the directory unread).
  absl::StatusOr<std::string> AuthorizePeer(const grpc::ServerContext& context,
                                            const std::string& claimed_site_id) const;
  // The part of AuthorizePeer that can change while a stream is open: the site is known,
  // and the directory does not list it as suspended or removed.
  absl::Status CheckStanding(const std::string& site_id) const;
  // A call another node makes of this site, served: the caller authorized
  // (AuthorizePeer), then `call(*target, caller's site id)` made on the service that serves
  // it (`target`: bookings_ or rsvps_; UNIMPLEMENTED when none, a port that only relays)
  // and its answer put in `response`.
  template <typename Target, typename Response, typename Call>
  grpc::Status ServeForwarded(const grpc::ServerContext& context,
                              const std::string& claimed_site_id, Target* target,
                              Response* response, Call call);

  storage::Oplog* const oplog_;
  const replication::SiteKeyRing* const known_sites_;
  const SiteStatusLookup site_status_;
  booking::ForwardedBookings* const bookings_;
  event::ForwardedRsvps* const rsvps_;
  const PeerHeads* const peer_heads_;  // None: send from the caller's request vector only.
  const site::SignedDirectory* const directory_;  // None: no directory sent.
  const absl::Duration heartbeat_;
  std::atomic<bool> stopping_{false};
  const logging::Logger log_{"federation"};
};

}  // namespace cantine::federation
