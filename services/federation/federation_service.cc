#include "services/federation/federation_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/status_conversion.h"
#include "services/rpc/transport_security.h"

namespace cantine::federation {

FederationServiceImpl::FederationServiceImpl(storage::Oplog* oplog, const SiteKeyRing* known_sites,
                                             SiteStatusLookup site_status,
                                             booking::BookingServiceImpl* bookings,
                                             const PeerHeads* peer_heads, absl::Duration heartbeat)
    : oplog_(oplog),
      known_sites_(known_sites),
      site_status_(std::move(site_status)),
      bookings_(bookings),
      peer_heads_(peer_heads),
      heartbeat_(heartbeat) {}

grpc::Status FederationServiceImpl::AuthorizePeer(grpc::ServerContext* context,
                                                  const std::string& claimed_site_id,
                                                  std::string* site_id) const {
  // Checked before it is named in an error (over TLS it may be empty: the certificate's).
  if (!claimed_site_id.empty() || !rpc::IsTlsConnection(*context)) {
    if (absl::Status s = domain::CheckSlug("site_id", claimed_site_id); !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
  }
  if (rpc::IsTlsConnection(*context)) {
    std::string certified = rpc::PeerSiteId(*context);
    if (certified.empty()) {
      log_.Warning("refused a call whose client certificate names no site");
      return grpc::Status(grpc::UNAUTHENTICATED,
                          "the client certificate names no site: its subject has no CN");
    }
    if (!claimed_site_id.empty() && claimed_site_id != certified) {
      log_.Warning("refused a call from site '", certified, "' naming site '", claimed_site_id,
                   "'");
      return grpc::Status(grpc::PERMISSION_DENIED,
                          absl::StrCat("the request names site '", claimed_site_id,
                                       "' but the client certificate is site '", certified, "'"));
    }
    *site_id = std::move(certified);
  } else {
    *site_id = claimed_site_id;
  }
  return CheckStanding(*site_id);
}

grpc::Status FederationServiceImpl::CheckStanding(const std::string& site_id) const {
  if (!known_sites_->Knows(site_id)) {
    log_.Warning("refused a call from unknown site '", site_id, "'");
    return grpc::Status(grpc::PERMISSION_DENIED,
                        absl::StrCat("site '", site_id, "' is not a known peer"));
  }
  absl::StatusOr<v1::SiteStatus> status = site_status_(site_id);
  if (!status.ok()) {
    return grpc::Status(grpc::UNAVAILABLE, absl::StrCat("cannot read the directory entry of site '",
                                                        site_id, "': ", status.status().message()));
  }
  if (*status == v1::SITE_STATUS_SUSPENDED || *status == v1::SITE_STATUS_REMOVED) {
    const char* what = *status == v1::SITE_STATUS_SUSPENDED ? "suspended" : "removed";
    log_.Warning("refused a call from ", what, " site '", site_id, "'");
    return grpc::Status(grpc::PERMISSION_DENIED,
                        absl::StrCat("site '", site_id, "' is ", what, " in the directory"));
  }
  return grpc::Status::OK;
}

grpc::Status FederationServiceImpl::Pull(grpc::ServerContext* context,
                                         const v1::PullRequest* request,
                                         grpc::ServerWriter<v1::PullResponse>* writer) {
  std::string site_id;
  if (grpc::Status s = AuthorizePeer(context, request->site_id(), &site_id); !s.ok()) return s;
  // The caller's own entries are never sent back to it: it wrote them.
  absl::flat_hash_set<std::string> callers_own;
  absl::flat_hash_map<std::string, uint64_t> have;
  if (static_cast<size_t>(request->have_size()) > kMaxOrigins) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("have lists ", request->have_size(), " origins; at most ",
                                     kMaxOrigins, " are allowed"));
  }
  for (const v1::VersionVectorEntry& entry : request->have()) {
    if (absl::Status s = domain::CheckSlug("have.origin.site_id", entry.origin().site_id());
        !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    const std::string key = storage::Oplog::OriginKey(entry.origin());
    if (!have.emplace(key, entry.seq()).second) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "have names an origin twice");
    }
    if (entry.origin().site_id() == site_id) callers_own.insert(key);
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
    if (grpc::Status s = CheckStanding(site_id); !s.ok()) return s;
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
        absl::StatusOr<std::vector<v1::OplogEntry>> batch = oplog_->ReadBatch(head.origin(), sent);
        if (!batch.ok()) return rpc::ToGrpcStatus(batch.status());
        if (batch->empty()) break;
        absl::StatusOr<std::vector<v1::RedactionNotice>> notices = oplog_->RedactionsFor(*batch);
        if (!notices.ok()) return rpc::ToGrpcStatus(notices.status());
        v1::PullResponse response;
        for (v1::RedactionNotice& notice : *notices) *response.add_redactions() = std::move(notice);
        for (v1::OplogEntry& entry : *batch) *response.add_entries() = std::move(entry);
        sent = response.entries(response.entries_size() - 1).seq();
        for (const v1::VersionVectorEntry& h : heads) *response.add_heads() = h;
        if (!writer->Write(response)) return grpc::Status::OK;  // The peer went away.
        last_write = absl::Now();
      }
    }
    if (absl::Now() - last_write >= heartbeat_) {
      v1::PullResponse beat;
      for (const v1::VersionVectorEntry& h : heads) *beat.add_heads() = h;
      if (!writer->Write(beat)) return grpc::Status::OK;
      last_write = absl::Now();
    }
    seen = changes;
  }
  return grpc::Status(grpc::UNAVAILABLE, "the node is shutting down");
}

namespace {

grpc::Status NoBookings() {
  return grpc::Status(grpc::UNIMPLEMENTED,
                      "this federation port relays entries only; it serves no bookings");
}

}  // namespace

grpc::Status FederationServiceImpl::ForwardCreateBooking(grpc::ServerContext* context,
                                                         const v1::ForwardedCreateBooking* request,
                                                         v1::Booking* response) {
  std::string caller;
  if (grpc::Status s = AuthorizePeer(context, request->site_id(), &caller); !s.ok()) return s;
  if (bookings_ == nullptr) return NoBookings();
  return rpc::Answer(bookings_->CreateForwarded(request->member_token(), request->request()),
                     response);
}

grpc::Status FederationServiceImpl::ForwardCancelBooking(grpc::ServerContext* context,
                                                         const v1::ForwardedCancelBooking* request,
                                                         v1::Booking* response) {
  std::string caller;
  if (grpc::Status s = AuthorizePeer(context, request->site_id(), &caller); !s.ok()) return s;
  if (bookings_ == nullptr) return NoBookings();
  return rpc::Answer(bookings_->CancelForwarded(request->member_token(), request->request()),
                     response);
}

grpc::Status FederationServiceImpl::ForwardGetAvailability(
    grpc::ServerContext* context, const v1::ForwardedGetAvailability* request,
    v1::GetAvailabilityResponse* response) {
  std::string caller;
  if (grpc::Status s = AuthorizePeer(context, request->site_id(), &caller); !s.ok()) return s;
  if (bookings_ == nullptr) return NoBookings();
  return rpc::Answer(bookings_->AvailabilityForwarded(request->request()), response);
}

}  // namespace cantine::federation
