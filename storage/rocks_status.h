#pragma once

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace cantine::storage {

// The one conversion from rocksdb::Status to absl::Status. Codes follow retry meaning:
// lock contention becomes ABORTED (retry the transaction), transient I/O becomes
// UNAVAILABLE (retry the call), corruption DATA_LOSS, a full disk RESOURCE_EXHAUSTED.
absl::Status FromRocksStatus(const rocksdb::Status& status);

}  // namespace cantine::storage
