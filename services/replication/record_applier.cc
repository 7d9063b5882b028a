#include "services/replication/record_applier.h"

#include "absl/strings/str_cat.h"

namespace cantine::replication {

absl::Status RecordApplier::Apply(storage::Transaction& txn, const v1::OplogEntry& entry) {
  auto it = handlers_.find(entry.kind());
  if (it == handlers_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry kind ", entry.kind(), " is not known to this node"));
  }
  return it->second(txn, entry);
}

absl::Status RecordApplier::ApplyRedaction(storage::Transaction& txn,
                                           const v1::RedactionNotice& notice) {
  if (!redactions_) return absl::InvalidArgumentError("this node takes no redaction notices");
  return redactions_(txn, notice);
}

}  // namespace cantine::replication
