#include "services/federation/federation_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/status_conversion.h"
#include "services/tls/transport_security.h"
#include "storage/status_macros.h"

namespace cantine::federation {

FederationServiceImpl::FederationServiceImpl(
    storage::Oplog* oplog, const replication::SiteKeyRing* known_sites,
    SiteStatusLookup site_status, booking::ForwardedBookings* bookings,
    event::ForwardedRsvps* rsvps, const PeerHeads* peer_heads,
    const site::SignedDirectory* directory, absl::Duration heartbeat)
    : oplog_(oplog),
      known_sites_(known_sites),
      site_status_(std::move(site_status)),
      bookings_(bookings),
      rsvps_(rsvps),
      peer_heads_(peer_heads),
      directory_(directory),
      heartbeat_(heartbeat) {}

absl::StatusOr<std::string> FederationServiceImpl::AuthorizePeer(
    const grpc::ServerContext& context, const std::string& claimed_site_id) const {
  // Checked before it is named in an error (over TLS it may be empty: the certificate's).
  if (!claimed_site_id.empty() || !tls::IsTlsConnection(context)) {
    RETURN_IF_ERROR(domain::CheckSlug("site_id", claimed_site_id));
  }
  std::string site_id = claimed_site_id;
  if (tls::IsTlsConnection(context)) {
    std::string certified = tls::PeerSiteId(context);
    if (certified.empty()) {
      log_.Warning("refused a call whose client certificate names no site");
      return absl::UnauthenticatedError(
          "the client certificate names no site: its subject has no CN");
    }
    if (!claimed_site_id.empty() && claimed_site_id != certified) {
      log_.Warning("refused a call from site '", certified, "' naming site '", claimed_site_id,
                   "'");
      return absl::PermissionDeniedError(absl::StrCat("the request names site '", claimed_site_id,
                                                      "' but the client certificate is site '",
                                                      certified, "'"));
    }
    site_id = std::move(certified);
  }
  RETURN_IF_ERROR(CheckStanding(site_id));
  return site_id;
}

absl::Status FederationServiceImpl::CheckStanding(const std::string& site_id) const {
  if (!known_sites_->Knows(site_id)) {
    log_.Warning("refused a call from unknown site '", site_id, "'");
    return absl::PermissionDeniedError(absl::StrCat("site '", site_id, "' is not a known peer"));
  }
  absl::StatusOr<v1::SiteStatus> status = site_status_(site_id);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot read the directory entry of site '", site_id,
                                               "': ", status.status().message()));
  }
  if (*status == v1::SITE_STATUS_SUSPENDED || *status == v1::SITE_STATUS_REMOVED) {
    const char* what = *status == v1::SITE_STATUS_SUSPENDED ? "suspended" : "removed";
    log_.Warning("refused a call from ", what, " site '", site_id, "'");
    return absl::PermissionDeniedError(
        absl::StrCat("site '", site_id, "' is ", what, " in the directory"));
  }
  return absl::OkStatus();
}

grpc::Status FederationServiceImpl::Pull(grpc::ServerContext* context,
                                         const v1::PullRequest* request,
                                         grpc::ServerWriter<v1::PullResponse>* writer) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string site_id, AuthorizePeer(*context, request->site_id()));
    // The caller's own entries are never sent back to it: it wrote them. Those of its site's
    // earlier incarnations are (a restored site takes back what it wrote after its backup).
    absl::flat_hash_set<std::string> callers_own;
    absl::flat_hash_map<std::string, uint64_t> have;
    if (static_cast<size_t>(request->have_size()) > kMaxOrigins) {
      return absl::InvalidArgumentError(absl::StrCat(
          "have lists ", request->have_size(), " origins; at most ", kMaxOrigins, " are allowed"));
    }
    for (const v1::VersionVectorEntry& entry : request->have()) {
      RETURN_IF_ERROR(domain::CheckSlug("have.origin.site_id", entry.origin().site_id()));
      const std::string key = storage::Oplog::OriginKey(entry.origin());
      if (!have.emplace(key, entry.seq()).second) {
        return absl::InvalidArgumentError("have names an origin twice");
      }
      if (entry.origin().site_id() == site_id &&
          (request->incarnation() == 0 || entry.origin().incarnation() == request->incarnation())) {
        callers_own.insert(key);
      }
    }

    if (directory_ != nullptr) {
      ASSIGN_OR_RETURN(std::vector<v1::SignedDirectoryChange> listed, directory_->ListChanges());
      if (!listed.empty()) {
        v1::PullResponse first;
        for (v1::SignedDirectoryChange& change : listed) *first.add_directory() = std::move(change);
        for (const v1::VersionVectorEntry& h : oplog_->Vector()) *first.add_heads() = h;
        if (!writer->Write(first)) return absl::OkStatus();  // The peer went away.
      }
    }

    // Only what the caller reports after this stream opened is news for it.
    const uint64_t opened = peer_heads_ != nullptr ? peer_heads_->Now() : 0;
    uint64_t seen = 0;
    absl::Time last_write = absl::InfinitePast();
    // The first pass sends what the caller lacks at once; later passes wait for new entries.
    absl::Duration wait = absl::ZeroDuration();
    while (!context->IsCancelled() && !stopping_) {
      const uint64_t changes = oplog_->WaitForChange(seen, wait);
      wait = heartbeat_;
      // A site suspended or removed while its stream is open is cut off within a heartbeat.
      RETURN_IF_ERROR(CheckStanding(site_id));
      const std::vector<v1::VersionVectorEntry> heads = oplog_->Vector();
      for (const v1::VersionVectorEntry& head : heads) {
        const std::string key = storage::Oplog::OriginKey(head.origin());
        if (callers_own.contains(key)) continue;
        uint64_t& sent = have[key];
        // What reached the caller by another path since its stream opened is not sent again.
        if (peer_heads_ != nullptr) {
          sent = std::max(sent, peer_heads_->Held(site_id, key, opened));
        }
        while (sent < head.seq() && !context->IsCancelled() && !stopping_) {
          ASSIGN_OR_RETURN(std::vector<v1::OplogEntry> batch,
                           oplog_->ReadBatch(head.origin(), sent));
          if (batch.empty()) break;
          ASSIGN_OR_RETURN(std::vector<v1::RedactionNotice> notices, oplog_->RedactionsFor(batch));
          v1::PullResponse response;
          for (v1::RedactionNotice& notice : notices) {
            *response.add_redactions() = std::move(notice);
          }
          for (v1::OplogEntry& entry : batch) *response.add_entries() = std::move(entry);
          sent = response.entries(response.entries_size() - 1).seq();
          for (const v1::VersionVectorEntry& h : heads) *response.add_heads() = h;
          if (!writer->Write(response)) return absl::OkStatus();  // The peer went away.
          last_write = absl::Now();
        }
      }
      if (absl::Now() - last_write >= heartbeat_) {
        v1::PullResponse beat;
        for (const v1::VersionVectorEntry& h : heads) *beat.add_heads() = h;
        if (!writer->Write(beat)) return absl::OkStatus();
        last_write = absl::Now();
      }
      seen = changes;
    }
    return absl::UnavailableError("the node is shutting down");
  });
}

template <typename Target, typename Response, typename Call>
grpc::Status FederationServiceImpl::ServeForwarded(const grpc::ServerContext& context,
                                                   const std::string& claimed_site_id,
                                                   Target* target, Response* response, Call call) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::string caller, AuthorizePeer(context, claimed_site_id));
    if (target == nullptr) {
      return absl::UnimplementedError(
          "this federation port relays entries only; it serves no bookings nor RSVPs");
    }
    ASSIGN_OR_RETURN(*response, call(*target, caller));
    return absl::OkStatus();
  });
}

grpc::Status FederationServiceImpl::ForwardCreateBooking(grpc::ServerContext* context,
                                                         const v1::ForwardedCreateBooking* request,
                                                         v1::Booking* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& caller) {
                          return bookings.CreateForwarded(caller, *request);
                        });
}

grpc::Status FederationServiceImpl::ForwardCancelBooking(grpc::ServerContext* context,
                                                         const v1::ForwardedCancelBooking* request,
                                                         v1::Booking* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& /*caller*/) {
                          return bookings.CancelForwarded(request->member_token(),
                                                          request->request());
                        });
}

grpc::Status FederationServiceImpl::ForwardGetAvailability(
    grpc::ServerContext* context, const v1::ForwardedGetAvailability* request,
    v1::GetAvailabilityResponse* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& /*caller*/) {
                          return bookings.AvailabilityForwarded(request->request());
                        });
}

grpc::Status FederationServiceImpl::PullReceipts(grpc::ServerContext* context,
                                                 const v1::PullReceiptsRequest* request,
                                                 v1::PullReceiptsResponse* response) {
  // The feed read is the caller's own: only its members' receipts.
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& home) {
                          return bookings.ReceiptsForHome(home, oplog_->self().incarnation(),
                                                          *request);
                        });
}

grpc::Status FederationServiceImpl::NotifyReceipts(grpc::ServerContext* context,
                                                   const v1::ReceiptsNotice* request,
                                                   v1::ReceiptsNoticeAck* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings,
                            const std::string& venue) -> absl::StatusOr<v1::ReceiptsNoticeAck> {
                          bookings.ReceiptsWaiting(venue);
                          return v1::ReceiptsNoticeAck();
                        });
}

grpc::Status FederationServiceImpl::ForwardListBookings(grpc::ServerContext* context,
                                                        const v1::ForwardedListBookings* request,
                                                        v1::ListBookingsResponse* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& /*caller*/) {
                          return bookings.ListForwarded(request->member_token(),
                                                        request->request());
                        });
}

grpc::Status FederationServiceImpl::ForwardGetBooking(grpc::ServerContext* context,
                                                      const v1::ForwardedGetBooking* request,
                                                      v1::Booking* response) {
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& /*caller*/) {
                          return bookings.GetForwarded(request->member_token(), request->request());
                        });
}

grpc::Status FederationServiceImpl::CountVisitDays(grpc::ServerContext* context,
                                                   const v1::VisitDaysQuery* request,
                                                   v1::VisitDaysCount* response) {
  // The venue asking is the caller: its own days are left out.
  return ServeForwarded(*context, request->site_id(), bookings_, response,
                        [&](booking::ForwardedBookings& bookings, const std::string& venue) {
                          return bookings.VisitDaysForVenue(venue, *request);
                        });
}

grpc::Status FederationServiceImpl::ForwardCreateRsvp(grpc::ServerContext* context,
                                                      const v1::ForwardedCreateRsvp* request,
                                                      v1::Rsvp* response) {
  return ServeForwarded(*context, request->site_id(), rsvps_, response,
                        [&](event::ForwardedRsvps& rsvps, const std::string& /*caller*/) {
                          return rsvps.CreateRsvpForwarded(request->member_token(),
                                                           request->request());
                        });
}

grpc::Status FederationServiceImpl::ForwardCancelRsvp(grpc::ServerContext* context,
                                                      const v1::ForwardedCancelRsvp* request,
                                                      v1::Rsvp* response) {
  return ServeForwarded(*context, request->site_id(), rsvps_, response,
                        [&](event::ForwardedRsvps& rsvps, const std::string& /*caller*/) {
                          return rsvps.CancelRsvpForwarded(request->member_token(),
                                                           request->request());
                        });
}

grpc::Status FederationServiceImpl::ForwardListRsvps(grpc::ServerContext* context,
                                                     const v1::ForwardedListRsvps* request,
                                                     v1::ListRsvpsResponse* response) {
  return ServeForwarded(*context, request->site_id(), rsvps_, response,
                        [&](event::ForwardedRsvps& rsvps, const std::string& /*caller*/) {
                          return rsvps.ListRsvpsForwarded(request->member_token(),
                                                          request->request());
                        });
}

grpc::Status FederationServiceImpl::ForwardListAttendees(grpc::ServerContext* context,
                                                         const v1::ForwardedListAttendees* request,
                                                         v1::ListAttendeesResponse* response) {
  return ServeForwarded(*context, request->site_id(), rsvps_, response,
                        [&](event::ForwardedRsvps& rsvps, const std::string& /*caller*/) {
                          return rsvps.ListAttendeesForwarded(request->request());
                        });
}

grpc::Status FederationServiceImpl::ListMemberRsvps(grpc::ServerContext* context,
                                                    const v1::MemberRsvpsQuery* request,
                                                    v1::ListRsvpsResponse* response) {
  // The caller is the site its certificate names: a member's RSVPs go to its home only.
  return ServeForwarded(*context, request->site_id(), rsvps_, response,
                        [&](event::ForwardedRsvps& rsvps, const std::string& caller) {
                          return rsvps.ListRsvpsForHome(caller, request->request());
                        });
}

}  // namespace cantine::federation
