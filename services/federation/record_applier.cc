#include "services/federation/record_applier.h"

#include "absl/strings/str_cat.h"

namespace cantine::federation {

absl::Status RecordApplier::Apply(storage::Transaction& txn, const v1::OplogEntry& entry) {
  auto it = handlers_.find(entry.kind());
  if (it == handlers_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry kind ", entry.kind(), " is not known to this node"));
  }
  return it->second(txn, entry);
}

}  // namespace cantine::federation
