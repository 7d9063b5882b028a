#include "storage/backup.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/utilities/transaction_db.h"
#include "storage/oplog.h"
#include "storage/rocks_status.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

namespace fs = std::filesystem;

rocksdb::BackupEngineOptions EngineOptions(const std::string& folder) {
  rocksdb::BackupEngineOptions options(folder);
  options.sync = true;  // A backup that returned OK survives a power cut.
  // Table files are shared between the backups of the folder, named by their checksum.
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  options.max_background_operations = 1;  // Leave the node's cores to its callers.
  return options;
}

// `status` of the backup folder `folder`, its message saying so.
absl::Status InFolder(const std::string& folder, const rocksdb::Status& status) {
  const absl::Status converted = FromRocksStatus(status);
  return absl::Status(converted.code(),
                      absl::StrCat("backup folder '", folder, "': ", converted.message()));
}

BackupInfo InfoOf(const rocksdb::BackupInfo& info) {
  return {.backup_id = info.backup_id,
          .create_time = absl::FromUnixSeconds(info.timestamp),
          .size_bytes = info.size,
          .file_count = info.number_files,
          .site_id = info.app_metadata};
}

std::vector<BackupInfo> ListEngine(const rocksdb::BackupEngineReadOnlyBase& engine) {
  std::vector<rocksdb::BackupInfo> infos;
  engine.GetBackupInfo(&infos);
  std::vector<BackupInfo> backups;
  for (const rocksdb::BackupInfo& info : infos) backups.push_back(InfoOf(info));
  std::sort(backups.begin(), backups.end(),
            [](const BackupInfo& a, const BackupInfo& b) { return a.backup_id < b.backup_id; });
  return backups;
}

// OK when nothing is at `path`, or an empty folder.
absl::Status CheckEmptyDataFolder(const std::string& path) {
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error))) return absl::OkStatus();
  if (!fs::is_directory(path, error) || !fs::is_empty(path, error) || error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder '", path,
        "' is not empty: a restore never overwrites a database; move it away (keep its "
        "node.key if the site's signing key is there) and restore again"));
  }
  return absl::OkStatus();
}

// Removes the folder `path` and everything in it, if there is one.
absl::Status RemoveFolder(const std::string& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot remove '", path, "': ", error.message()));
  }
  return absl::OkStatus();
}

// Restores backup `id` of `engine` into the new folder `staging`, and readies it for a new
// incarnation of `site_id`.
absl::Status RestoreInto(const rocksdb::BackupEngineReadOnly& engine, uint32_t id,
                         const std::string& staging, const std::string& site_id) {
  std::error_code error;
  fs::create_directories(staging, error);
  if (!error) fs::permissions(staging, fs::perms::owner_all, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create '", staging, "': ", error.message()));
  }
  // Checks every file's checksum as it copies.
  if (rocksdb::IOStatus s =
          engine.RestoreDBFromBackup(rocksdb::RestoreOptions(), id, staging, staging);
      !s.ok()) {
    const absl::Status converted = FromRocksStatus(s);
    return absl::FailedPreconditionError(
        absl::StrCat("backup ", id, " cannot be restored: ", converted.message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RocksStore> store, RocksStore::Open({.path = staging}));
  return Oplog::BeginNewIncarnation(*store, site_id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksBackups>> RocksBackups::Open(RocksStore* store,
                                                                 const BackupOptions& options) {
  if (options.folder.empty()) return absl::InvalidArgumentError("backup folder is empty");
  if (options.keep == 0) return absl::InvalidArgumentError("backups kept must be at least 1");
  rocksdb::BackupEngine* engine = nullptr;
  if (rocksdb::IOStatus s = rocksdb::BackupEngine::Open(EngineOptions(options.folder),
                                                        rocksdb::Env::Default(), &engine);
      !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open backup folder '", options.folder, "': ", s.ToString()));
  }
  return std::unique_ptr<RocksBackups>(new RocksBackups(store, options, engine));
}

RocksBackups::RocksBackups(RocksStore* store, BackupOptions options, rocksdb::BackupEngine* engine)
    : store_(store), options_(std::move(options)), engine_(engine) {}

RocksBackups::~RocksBackups() { delete engine_; }

absl::StatusOr<BackupInfo> RocksBackups::Create() {
  {
    absl::MutexLock lock(&mu_);
    if (creating_) {
      return absl::UnavailableError(absl::StrCat("a backup into '", options_.folder,
                                                 "' is being taken; retry once it has ended"));
    }
    creating_ = true;
  }
  absl::StatusOr<BackupInfo> created = CreateOne();
  absl::MutexLock lock(&mu_);
  creating_ = false;
  return created;
}

absl::StatusOr<BackupInfo> RocksBackups::CreateOne() {
  rocksdb::CreateBackupOptions create;
  // The memtables go to table files first, so the backup needs no write-ahead log: every
  // write committed before the flush is in it, and the table files are immutable.
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  if (rocksdb::IOStatus s =
          engine_->CreateNewBackupWithMetadata(create, store_->db_, options_.site_id, &id);
      !s.ok()) {
    return InFolder(options_.folder, s);
  }
  if (rocksdb::IOStatus s = engine_->PurgeOldBackups(options_.keep); !s.ok()) {
    return InFolder(options_.folder, s);
  }
  rocksdb::BackupInfo info;
  if (rocksdb::Status s = engine_->GetBackupInfo(id, &info); !s.ok()) {
    return InFolder(options_.folder, s);
  }
  return InfoOf(info);
}

absl::StatusOr<std::vector<BackupInfo>> RocksBackups::List() { return ListEngine(*engine_); }

absl::StatusOr<BackupInfo> RestoreBackup(const RestoreOptions& options) {
  if (options.backup_folder.empty()) return absl::InvalidArgumentError("backup folder is empty");
  if (options.data_folder.empty()) return absl::InvalidArgumentError("data folder is empty");
  if (options.site_id.empty()) return absl::InvalidArgumentError("site id is empty");
  std::error_code error;
  if (!fs::is_directory(options.backup_folder, error)) {
    return absl::NotFoundError(
        absl::StrCat("backup folder '", options.backup_folder, "' does not exist"));
  }
  RETURN_IF_ERROR(CheckEmptyDataFolder(options.data_folder));

  rocksdb::BackupEngineReadOnly* opened = nullptr;
  if (rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
          EngineOptions(options.backup_folder), rocksdb::Env::Default(), &opened);
      !s.ok()) {
    return InFolder(options.backup_folder, s);
  }
  const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(opened);
  const std::vector<BackupInfo> backups = ListEngine(*engine);
  if (backups.empty()) {
    return absl::NotFoundError(
        absl::StrCat("backup folder '", options.backup_folder, "' keeps no backup"));
  }
  const BackupInfo* chosen = &backups.back();
  if (options.backup_id.has_value()) {
    auto it = std::find_if(backups.begin(), backups.end(), [&](const BackupInfo& backup) {
      return backup.backup_id == *options.backup_id;
    });
    if (it == backups.end()) {
      std::vector<uint32_t> ids;
      for (const BackupInfo& backup : backups) ids.push_back(backup.backup_id);
      return absl::NotFoundError(
          absl::StrCat("backup_id ", *options.backup_id, ": backup folder '", options.backup_folder,
                       "' keeps no such backup; it keeps ", absl::StrJoin(ids, ", ")));
    }
    chosen = &*it;
  }
  if (chosen->site_id != options.site_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup ", chosen->backup_id, " of '", options.backup_folder, "' is of site '",
                     chosen->site_id, "', not of '", options.site_id, "'"));
  }

  const std::string staging = absl::StrCat(options.data_folder, ".restoring");
  RETURN_IF_ERROR(RemoveFolder(staging));
  if (absl::Status restored = RestoreInto(*engine, chosen->backup_id, staging, options.site_id);
      !restored.ok()) {
    RemoveFolder(staging).IgnoreError();
    return restored;
  }
  // An empty data folder is replaced whole; a missing one takes the staging folder's name.
  fs::rename(staging, options.data_folder, error);
  if (error) {
    RemoveFolder(staging).IgnoreError();
    return absl::FailedPreconditionError(absl::StrCat("cannot move the restored database to '",
                                                      options.data_folder, "': ", error.message()));
  }
  return *chosen;
}

}  // namespace cantine::storage
