#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cantine/v1/admin.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/federation/peer_status.h"
#include "storage/oplog.h"

namespace cantine::admin {

// cantine.v1.AdminService: every call needs the admin credential. Thread-safe.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  using PeerStatusSource = std::function<std::vector<federation::PeerStatus>()>;

  // None owned; all outlive the service. `peers` reports the replicators' links.
  AdminServiceImpl(std::string site_id, const storage::Oplog* oplog, PeerStatusSource peers,
                   const auth::AdminCredential* admin);

  grpc::Status GetNetworkStatus(grpc::ServerContext* context,
                                const v1::GetNetworkStatusRequest* request,
                                v1::NetworkStatus* response) override;

 private:
  // This node's origins and its replicators' links, as the desk sees them.
  v1::NetworkStatus CurrentNetworkStatus() const;

  const std::string site_id_;
  const storage::Oplog* const oplog_;
  const PeerStatusSource peers_;
  const auth::AdminCredential* const admin_;
};

}  // namespace cantine::admin
