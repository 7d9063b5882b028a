#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rocksdb {
class BackupEngine;
}  // namespace rocksdb

namespace cantine::storage {

class RocksStore;

// One backup a backup folder keeps.
struct BackupInfo {
  uint32_t backup_id = 0;  // 1, 2, 3... in the folder, never reused there.
  absl::Time create_time;  // To the second.
  // The bytes of the files it is made of; files it shares with other backups of the folder
  // are counted in each, so the folder holds less than the sum.
  uint64_t size_bytes = 0;
  uint32_t file_count = 0;
  std::string site_id;  // The site whose database it is.

  friend bool operator==(const BackupInfo&, const BackupInfo&) = default;
};

// Consistent copies of a live store, taken while it keeps serving. Thread-safe.
class Backups {
 public:
  virtual ~Backups() = default;

  // Copies the whole store as of one instant (every write committed before the call, none
  // half-applied) into the backup folder, while readers and writers carry on; then deletes
  // the oldest backups beyond the number kept. Blocks for the copy (seconds for gigabytes).
  // One at a time: UNAVAILABLE while another is being taken (retry once it ends). A failure
  // leaves the backups already there intact; UNAVAILABLE or RESOURCE_EXHAUSTED (a full
  // disk) say the folder's disk is at fault.
  [[nodiscard]] virtual absl::StatusOr<BackupInfo> Create() = 0;

  // The backups the folder keeps, oldest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<BackupInfo>> List() = 0;
};

struct BackupOptions {
  // The backup folder; created if missing. Never the store's data folder nor inside it.
  std::string folder;
  // How many backups to keep: after each new one, the oldest beyond this are deleted.
  uint32_t keep = 7;
  // Recorded in each backup, so that a restore can refuse another site's.
  std::string site_id;
};

// The backups of one RocksStore, with RocksDB's BackupEngine: each backup flushes the
// memtables and copies the table files (shared between the backups of the folder: a
// new backup copies only the files the previous ones lack), with checksums.
class RocksBackups final : public Backups {
 public:
  // `store` is not owned and outlives this. FAILED_PRECONDITION naming the folder when it
  // cannot be created or read.
  static absl::StatusOr<std::unique_ptr<RocksBackups>> Open(RocksStore* store,
                                                            const BackupOptions& options);
  ~RocksBackups() override;

  absl::StatusOr<BackupInfo> Create() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<BackupInfo>> List() override;

 private:
  RocksBackups(RocksStore* store, BackupOptions options, rocksdb::BackupEngine* engine);
  // Takes one backup and purges the oldest beyond options_.keep.
  absl::StatusOr<BackupInfo> CreateOne();

  RocksStore* const store_;
  const BackupOptions options_;
  // Thread-safe itself (a read-write lock inside): a listing waits for a backup being taken.
  rocksdb::BackupEngine* const engine_;
  absl::Mutex mu_;
  bool creating_ ABSL_GUARDED_BY(mu_) = false;
};

// What RestoreBackup restores, and where.
struct RestoreOptions {
  // A backup folder (BackupOptions::folder).
  std::string backup_folder;
  // The backup to restore; the latest when unset.
  std::optional<uint32_t> backup_id;
  // The data folder to restore into: absent or empty (an existing database is never
  // overwritten). Created with mode 0700.
  std::string data_folder;
  // The site the backup must be of.
  std::string site_id;
};

// Restores a backup into an empty data folder, offline (no store is open on either
// folder), and readies the database to begin a new incarnation of its site when its oplog
// is next opened (Oplog::BeginNewIncarnation): the entries the backup holds of the old one
// stay, as another origin's, so that what the old incarnation wrote after the backup comes
// back from peers and no (origin, seq) is ever used for two entries.
//
// The restore is built in a folder beside the data folder ("<data folder>.restoring",
// replaced if a failed restore left one) and renamed into place once complete, so a crash
// midway leaves the data folder as it was. Errors name what to fix, and change nothing:
// INVALID_ARGUMENT for an empty field; NOT_FOUND naming backup_id for a backup the folder
// does not keep (or a folder that keeps none), listing those it does; FAILED_PRECONDITION
// for a data folder that holds anything, a backup of another site, a backup that fails its
// checksums, or a site already at its incarnation bound.
absl::StatusOr<BackupInfo> RestoreBackup(const RestoreOptions& options);

}  // namespace cantine::storage
