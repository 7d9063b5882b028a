#include "services/federation/replicator.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "services/rpc/status_conversion.h"

namespace cantine::federation {

Replicator::Replicator(std::string self_site_id, PeerOptions peer,
                       std::shared_ptr<grpc::Channel> channel, storage::Oplog* oplog,
                       const storage::EntryVerifier* verifier, storage::EntryApplier* applier,
                       const storage::Clock* clock, PeerHeads* peer_heads,
                       ReplicatorOptions options)
    : self_site_id_(std::move(self_site_id)),
      peer_(std::move(peer)),
      stub_(v1::FederationService::NewStub(channel)),
      oplog_(oplog),
      verifier_(verifier),
      applier_(applier),
      clock_(clock),
      peer_heads_(peer_heads),
      options_(options),
      log_(absl::StrCat("replicator ", peer_.site_id)) {
  status_.site_id = peer_.site_id;
  status_.address = peer_.address;
  thread_ = std::thread([this] { Run(); });
}

Replicator::~Replicator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  thread_.join();
}

PeerStatus Replicator::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

void Replicator::Run() {
  absl::BitGen random;
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    const absl::Status ended = PullOnce();
    absl::MutexLock lock(&mu_);
    status_.connected = false;
    if (stopping_) return;
    status_.last_error = ended.ToString();
    // A response since the last break means the link works: start the backoff over.
    if (status_.last_contact > clock_->Now() - backoff) backoff = options_.initial_backoff;
    const absl::Duration pause = absl::Microseconds(absl::Uniform<int64_t>(
        random, absl::ToInt64Microseconds(backoff) / 2, absl::ToInt64Microseconds(backoff) + 1));
    log_.Debug("stream ended (", ended.ToString(), "); reconnecting in ",
               absl::FormatDuration(pause));
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), pause);
    if (stopping_) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::Status Replicator::PullOnce() {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    context_ = &context;
  }
  v1::PullRequest request;
  request.set_site_id(self_site_id_);
  for (v1::VersionVectorEntry& entry : oplog_->Vector()) *request.add_have() = std::move(entry);
  std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader = stub_->Pull(&context, request);

  absl::Status outcome;
  v1::PullResponse response;
  while (reader->Read(&response)) {
    uint64_t received = response.entries_size();
    if (received > 0) {
      std::vector<v1::OplogEntry> entries(response.entries().begin(), response.entries().end());
      absl::StatusOr<storage::Oplog::ApplyReport> report =
          oplog_->ApplyRemote(entries, *verifier_, *applier_);
      if (!report.ok()) {
        outcome = report.status();
        log_.Warning("could not apply entries: ", outcome.ToString());
        context.TryCancel();
        break;
      }
      if (report->forged > 0) {
        log_.Warning("refused entries whose signature does not verify, relayed by ", peer_.site_id);
      }
      if (report->held > 0) {
        // Entries past a gap, a forgery or a clock too far ahead: pull again from the
        // vector later rather than spin on them.
        outcome = absl::AbortedError(absl::StrCat(report->held, " entries held back"));
        context.TryCancel();
        break;
      }
    }
    peer_heads_->Record(peer_.site_id, response.heads());
    // Behind: what the peer's heads hold past this node's vector.
    absl::flat_hash_map<std::string, uint64_t> mine;
    for (const v1::VersionVectorEntry& e : oplog_->Vector()) {
      mine[storage::Oplog::OriginKey(e.origin())] = e.seq();
    }
    uint64_t behind = 0;
    for (const v1::VersionVectorEntry& head : response.heads()) {
      const uint64_t held = mine[storage::Oplog::OriginKey(head.origin())];
      if (head.seq() > held) behind += head.seq() - held;
    }
    absl::MutexLock lock(&mu_);
    status_.connected = true;
    status_.last_error.clear();
    status_.last_contact = clock_->Now();
    status_.entries_received += received;
    status_.entries_behind = behind;
  }
  grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    context_ = nullptr;
  }
  if (!outcome.ok()) return outcome;
  return rpc::FromGrpcStatus(finished);
}

}  // namespace cantine::federation
