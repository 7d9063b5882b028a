#pragma once

#include <functional>

#include "absl/container/flat_hash_map.h"
#include "storage/oplog.h"

namespace cantine::replication {

// Routes each remote entry to the record type that owns its kind. Handlers are registered
// once at assembly, before replication starts; Apply is then thread-safe.
class RecordApplier final : public storage::EntryApplier {
 public:
  using Handler = std::function<absl::Status(storage::Transaction&, const v1::OplogEntry&)>;

  using RedactionHandler =
      std::function<absl::Status(storage::Transaction&, const v1::RedactionNotice&)>;

  void Register(v1::EntryKind kind, Handler handler) { handlers_[kind] = std::move(handler); }
  // The record type whose subjects can be redacted (members).
  void RegisterRedactions(RedactionHandler handler) { redactions_ = std::move(handler); }

  // An entry of a kind nobody handles is INVALID_ARGUMENT: it is stored as rejected.
  absl::Status Apply(storage::Transaction& txn, const v1::OplogEntry& entry) override;
  // Without a handler, INVALID_ARGUMENT: the notice is refused.
  absl::Status ApplyRedaction(storage::Transaction& txn,
                              const v1::RedactionNotice& notice) override;

 private:
  absl::flat_hash_map<int, Handler> handlers_;
  RedactionHandler redactions_;
};

}  // namespace cantine::replication
