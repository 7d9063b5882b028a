#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cantine/v1/admin.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/federation/peer_heads.h"
#include "services/federation/peer_status.h"
#include "services/logging/logger.h"
#include "services/site/signed_directory.h"
#include "storage/backup.h"
#include "storage/oplog.h"

namespace cantine::admin {

// cantine.v1.AdminService. GetNetworkStatus, Backup and ListBackups need the site's admin
// credential; directory changes carry the network admin's signature instead. Thread-safe.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  using PeerStatusSource = std::function<std::vector<federation::PeerStatus>()>;

  // Where the node's backups go, from its config: null when it has none.
  struct BackupFolder {
    storage::Backups* backups = nullptr;
    std::string path;
    int kept = 0;
  };

  // None owned; all outlive the service. `peers` reports the replicators' links.
  AdminServiceImpl(std::string site_id, const storage::Oplog* oplog, PeerStatusSource peers,
                   const federation::PeerHeads* peer_heads, const auth::AdminCredential* admin,
                   site::SignedDirectory* directory, BackupFolder backups);

  grpc::Status GetNetworkStatus(grpc::ServerContext* context,
                                const v1::GetNetworkStatusRequest* request,
                                v1::NetworkStatus* response) override;
  grpc::Status AddSite(grpc::ServerContext* context, const v1::AddSiteRequest* request,
                       v1::DirectoryChange* response) override;
  grpc::Status SuspendSite(grpc::ServerContext* context, const v1::SuspendSiteRequest* request,
                           v1::DirectoryChange* response) override;
  grpc::Status ReinstateSite(grpc::ServerContext* context, const v1::ReinstateSiteRequest* request,
                             v1::DirectoryChange* response) override;
  grpc::Status RemoveSite(grpc::ServerContext* context, const v1::RemoveSiteRequest* request,
                          v1::DirectoryChange* response) override;
  grpc::Status RotateSiteKeys(grpc::ServerContext* context,
                              const v1::RotateSiteKeysRequest* request,
                              v1::DirectoryChange* response) override;
  grpc::Status ListDirectoryChanges(grpc::ServerContext* context,
                                    const v1::ListDirectoryChangesRequest* request,
                                    v1::ListDirectoryChangesResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupInfo* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context, const v1::ListBackupsRequest* request,
                           v1::ListBackupsResponse* response) override;

 private:
  // Each directory change call: `signed_change` taken in as a change of `action`.
  grpc::Status TakeChange(const v1::SignedDirectoryChange& signed_change,
                          v1::DirectoryAction action, v1::DirectoryChange* response);

  // The node's backups; FAILED_PRECONDITION naming backup_dir when it has no backup folder.
  absl::StatusOr<storage::Backups*> ConfiguredBackups() const;
  v1::BackupInfo BackupToProto(const storage::BackupInfo& backup) const;

  // This node's origins, its replicators' links and the health of every site of `listed`
  // (the directory) and beyond, as the desk sees them.
  v1::NetworkStatus CurrentNetworkStatus(
      const std::vector<v1::SignedDirectoryChange>& listed) const;

  const std::string site_id_;
  const storage::Oplog* const oplog_;
  const PeerStatusSource peers_;
  const federation::PeerHeads* const peer_heads_;
  const auth::AdminCredential* const admin_;
  site::SignedDirectory* const directory_;
  const BackupFolder backups_;
  const logging::Logger log_{"admin"};
};

}  // namespace cantine::admin
