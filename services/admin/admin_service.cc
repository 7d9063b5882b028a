#include "services/admin/admin_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/admin/network_health.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::admin {

AdminServiceImpl::AdminServiceImpl(std::string site_id, const storage::Oplog* oplog,
                                   PeerStatusSource peers, const federation::PeerHeads* peer_heads,
                                   const auth::AdminCredential* admin,
                                   site::SignedDirectory* directory, BackupFolder backups)
    : site_id_(std::move(site_id)),
      oplog_(oplog),
      peers_(std::move(peers)),
      peer_heads_(peer_heads),
      admin_(admin),
      directory_(directory),
      backups_(std::move(backups)) {}

grpc::Status AdminServiceImpl::GetNetworkStatus(grpc::ServerContext* context,
                                                const v1::GetNetworkStatusRequest*,
                                                v1::NetworkStatus* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    ASSIGN_OR_RETURN(const std::vector<v1::SignedDirectoryChange> listed,
                     directory_->ListChanges());
    *response = CurrentNetworkStatus(listed);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::AddSite(grpc::ServerContext*, const v1::AddSiteRequest* request,
                                       v1::DirectoryChange* response) {
  return TakeChange(request->signed_change(), v1::DIRECTORY_ACTION_ADD_SITE, response);
}

grpc::Status AdminServiceImpl::SuspendSite(grpc::ServerContext*,
                                           const v1::SuspendSiteRequest* request,
                                           v1::DirectoryChange* response) {
  return TakeChange(request->signed_change(), v1::DIRECTORY_ACTION_SUSPEND_SITE, response);
}

grpc::Status AdminServiceImpl::ReinstateSite(grpc::ServerContext*,
                                             const v1::ReinstateSiteRequest* request,
                                             v1::DirectoryChange* response) {
  return TakeChange(request->signed_change(), v1::DIRECTORY_ACTION_REINSTATE_SITE, response);
}

grpc::Status AdminServiceImpl::RemoveSite(grpc::ServerContext*,
                                          const v1::RemoveSiteRequest* request,
                                          v1::DirectoryChange* response) {
  return TakeChange(request->signed_change(), v1::DIRECTORY_ACTION_REMOVE_SITE, response);
}

grpc::Status AdminServiceImpl::RotateSiteKeys(grpc::ServerContext*,
                                              const v1::RotateSiteKeysRequest* request,
                                              v1::DirectoryChange* response) {
  return TakeChange(request->signed_change(), v1::DIRECTORY_ACTION_ROTATE_KEYS, response);
}

grpc::Status AdminServiceImpl::TakeChange(const v1::SignedDirectoryChange& signed_change,
                                          v1::DirectoryAction action,
                                          v1::DirectoryChange* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, directory_->TakeChange(signed_change, action));
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListDirectoryChanges(grpc::ServerContext*,
                                                    const v1::ListDirectoryChangesRequest*,
                                                    v1::ListDirectoryChangesResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::SignedDirectoryChange> changes, directory_->ListChanges());
    for (v1::SignedDirectoryChange& change : changes) {
      *response->add_signed_changes() = std::move(change);
    }
    response->set_admin_key_id(directory_->AdminKeyId());
    return absl::OkStatus();
  });
}

absl::StatusOr<storage::Backups*> AdminServiceImpl::ConfiguredBackups() const {
  if (backups_.backups == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "site '", site_id_,
        "' has no backup folder: set backup_dir in its node config (a folder on its machine, "
        "apart from data_dir) and restart it; a caller never chooses where backups go"));
  }
  return backups_.backups;
}

v1::BackupInfo AdminServiceImpl::BackupToProto(const storage::BackupInfo& backup) const {
  v1::BackupInfo info;
  info.set_backup_id(backup.backup_id);
  *info.mutable_create_time() = rpc::TimeToProto(backup.create_time);
  info.set_size_bytes(backup.size_bytes);
  info.set_file_count(backup.file_count);
  info.set_site_id(backup.site_id);
  info.set_backup_dir(backups_.path);
  return info;
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context, const v1::BackupRequest*,
                                      v1::BackupInfo* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    ASSIGN_OR_RETURN(storage::Backups * backups, ConfiguredBackups());
    ASSIGN_OR_RETURN(const storage::BackupInfo backup, backups->Create());
    log_.Info("backup ", backup.backup_id, " taken into ", backups_.path, ": ", backup.size_bytes,
              " bytes in ", backup.file_count, " files");
    *response = BackupToProto(backup);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListBackups(grpc::ServerContext* context,
                                           const v1::ListBackupsRequest*,
                                           v1::ListBackupsResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    ASSIGN_OR_RETURN(storage::Backups * backups, ConfiguredBackups());
    ASSIGN_OR_RETURN(const std::vector<storage::BackupInfo> kept, backups->List());
    for (const storage::BackupInfo& backup : kept) *response->add_backups() = BackupToProto(backup);
    response->set_backup_dir(backups_.path);
    response->set_backups_kept(backups_.kept);
    return absl::OkStatus();
  });
}

v1::NetworkStatus AdminServiceImpl::CurrentNetworkStatus(
    const std::vector<v1::SignedDirectoryChange>& signed_changes) const {
  v1::NetworkStatus status;
  status.set_site_id(site_id_);
  std::vector<v1::VersionVectorEntry> origins = oplog_->Vector();
  std::sort(origins.begin(), origins.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.origin().site_id(), a.origin().incarnation()) <
           std::make_pair(b.origin().site_id(), b.origin().incarnation());
  });
  for (v1::VersionVectorEntry& origin : origins) *status.add_origins() = std::move(origin);
  std::vector<v1::VersionVectorEntry> known = peer_heads_->Known();
  for (const v1::VersionVectorEntry& entry : known) *status.add_known() = entry;
  const std::vector<federation::PeerStatus> peers = peers_();
  std::vector<v1::DirectoryChange> listed;
  for (const v1::SignedDirectoryChange& signed_change : signed_changes) {
    v1::DirectoryChange change;
    // Each was checked against the admin key when it was stored.
    if (change.ParseFromString(signed_change.change())) listed.push_back(std::move(change));
  }
  for (v1::SiteHealth& site : NetworkHealth(
           site_id_, listed, {status.origins().begin(), status.origins().end()}, known, peers)) {
    *status.add_sites() = std::move(site);
  }
  for (const federation::PeerStatus& peer : peers) {
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
