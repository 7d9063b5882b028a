#include "services/federation/federation_service.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/rpc/status_conversion.h"

namespace cantine::federation {

FederationServiceImpl::FederationServiceImpl(storage::Oplog* oplog, const SiteKeyRing* known_sites,
                                             absl::Duration heartbeat)
    : oplog_(oplog), known_sites_(known_sites), heartbeat_(heartbeat) {}

grpc::Status FederationServiceImpl::Pull(grpc::ServerContext* context,
                                         const v1::PullRequest* request,
                                         grpc::ServerWriter<v1::PullResponse>* writer) {
  if (absl::Status s = domain::CheckSlug("site_id", request->site_id()); !s.ok()) {
    return rpc::ToGrpcStatus(s);
  }
  if (!known_sites_->Knows(request->site_id())) {
    log_.Warning("refused a pull from unknown site '", request->site_id(), "'");
    return grpc::Status(grpc::PERMISSION_DENIED,
                        absl::StrCat("site '", request->site_id(), "' is not a known peer"));
  }
  // The caller's own entries are never sent back to it: it wrote them.
  absl::flat_hash_set<std::string> callers_own;
  absl::flat_hash_map<std::string, uint64_t> have;
  for (const v1::VersionVectorEntry& entry : request->have()) {
    if (absl::Status s = domain::CheckSlug("have.origin.site_id", entry.origin().site_id());
        !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    const std::string key = storage::Oplog::OriginKey(entry.origin());
    if (!have.emplace(key, entry.seq()).second) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "have names an origin twice");
    }
    if (entry.origin().site_id() == request->site_id()) callers_own.insert(key);
  }

  uint64_t seen = 0;
  absl::Time last_write = absl::InfinitePast();
  // The first pass sends what the caller lacks at once; later passes wait for new entries.
  absl::Duration wait = absl::ZeroDuration();
  while (!context->IsCancelled() && !stopping_) {
    const uint64_t changes = oplog_->WaitForChange(seen, wait);
    wait = heartbeat_;
    const std::vector<v1::VersionVectorEntry> heads = oplog_->Vector();
    for (const v1::VersionVectorEntry& head : heads) {
      const std::string key = storage::Oplog::OriginKey(head.origin());
      if (callers_own.contains(key)) continue;
      uint64_t& sent = have[key];
      while (sent < head.seq() && !context->IsCancelled() && !stopping_) {
        absl::StatusOr<std::vector<v1::OplogEntry>> batch =
            oplog_->Read(head.origin(), sent, kBatchSize);
        if (!batch.ok()) return rpc::ToGrpcStatus(batch.status());
        if (batch->empty()) break;
        v1::PullResponse response;
        for (v1::OplogEntry& entry : *batch) *response.add_entries() = std::move(entry);
        sent = response.entries(response.entries_size() - 1).seq();
        for (const v1::VersionVectorEntry& h : heads) *response.add_heads() = h;
        if (!writer->Write(response)) return grpc::Status::OK;  // The peer went away.
        last_write = absl::Now();
      }
    }
    if (absl::Now() - last_write >= heartbeat_) {
      v1::PullResponse beat;
      for (const v1::VersionVectorEntry& h : heads) *beat.add_heads() = h;
      if (!writer->Write(beat)) return grpc::Status::OK;
      last_write = absl::Now();
    }
    seen = changes;
  }
  return grpc::Status(grpc::UNAVAILABLE, "the node is shutting down");
}

}  // namespace cantine::federation
