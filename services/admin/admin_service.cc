#include "services/admin/admin_service.h"

#include <algorithm>

#include "services/rpc/admin_check.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::admin {

AdminServiceImpl::AdminServiceImpl(std::string site_id, const storage::Oplog* oplog,
                                   PeerStatusSource peers, const auth::AdminCredential* admin)
    : site_id_(std::move(site_id)), oplog_(oplog), peers_(std::move(peers)), admin_(admin) {}

grpc::Status AdminServiceImpl::GetNetworkStatus(grpc::ServerContext* context,
                                                const v1::GetNetworkStatusRequest*,
                                                v1::NetworkStatus* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    *response = CurrentNetworkStatus();
    return absl::OkStatus();
  });
}

v1::NetworkStatus AdminServiceImpl::CurrentNetworkStatus() const {
  v1::NetworkStatus status;
  status.set_site_id(site_id_);
  std::vector<v1::VersionVectorEntry> origins = oplog_->Vector();
  std::sort(origins.begin(), origins.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.origin().site_id(), a.origin().incarnation()) <
           std::make_pair(b.origin().site_id(), b.origin().incarnation());
  });
  for (v1::VersionVectorEntry& origin : origins) *status.add_origins() = std::move(origin);
  for (const federation::PeerStatus& peer : peers_()) {
    v1::PeerLink* link = status.add_peers();
    link->set_site_id(peer.site_id);
    link->set_address(peer.address);
    link->set_connected(peer.connected);
    if (peer.last_contact != absl::InfinitePast()) {
      *link->mutable_last_contact() = rpc::TimeToProto(peer.last_contact);
    }
    link->set_entries_received(peer.entries_received);
    link->set_entries_behind(peer.entries_behind);
    link->set_last_error(peer.last_error);
    link->set_entries_refused(peer.entries_refused);
    for (const federation::HeldOrigin& held : peer.held_origins) {
      v1::HeldOrigin* out = link->add_held_origins();
      *out->mutable_origin() = held.origin;
      out->set_reason(held.reason);
      *out->mutable_retry_time() = rpc::TimeToProto(held.retry_time);
    }
  }
  return status;
}

}  // namespace cantine::admin
