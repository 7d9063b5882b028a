#include "tests/support/origin_writer.h"

#include "storage/oplog.h"

namespace cantine::testing {
namespace {

v1::Origin MakeOrigin(absl::string_view site_id, uint64_t incarnation) {
  v1::Origin origin;
  origin.set_site_id(std::string(site_id));
  origin.set_incarnation(incarnation);
  return origin;
}

}  // namespace

OriginWriter::OriginWriter(absl::string_view site_id, uint64_t incarnation,
                           auth::Ed25519PrivateKey key, int64_t wall_micros)
    : OriginWriter(MakeOrigin(site_id, incarnation), std::move(key), wall_micros) {}

v1::OplogEntry OriginWriter::Next(v1::EntryKind kind, std::string payload, std::string subject) {
  v1::OplogEntry entry;
  *entry.mutable_origin() = origin_;
  entry.set_seq(++seq_);
  entry.mutable_hlc()->set_wall_micros(wall_micros_++);
  entry.set_kind(kind);
  entry.set_payload(std::move(payload));
  entry.set_subject(std::move(subject));
  chain_ = storage::Oplog::ChainHash(chain_, entry);
  entry.set_signature(key_.Sign(chain_));
  return entry;
}

}  // namespace cantine::testing
