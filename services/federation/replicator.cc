#include "services/federation/replicator.h"

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "services/rpc/status_conversion.h"

namespace cantine::federation {

Replicator::Replicator(std::string self_site_id, PeerOptions peer,
                       std::shared_ptr<grpc::Channel> channel, storage::Oplog* oplog,
                       const storage::EntryVerifier* verifier, storage::EntryApplier* applier,
                       const storage::Clock* clock, PeerHeads* peer_heads,
                       site::SignedDirectory* directory, ReplicatorOptions options)
    : self_site_id_(std::move(self_site_id)),
      peer_(std::move(peer)),
      stub_(v1::FederationService::NewStub(channel)),
      oplog_(oplog),
      verifier_(verifier),
      applier_(applier),
      clock_(clock),
      peer_heads_(peer_heads),
      directory_(directory),
      options_(options),
      log_(absl::StrCat("replicator ", peer_.site_id)) {
  status_.site_id = peer_.site_id;
  status_.address = peer_.address;
  thread_ = std::thread([this] { Run(); });
  watchdog_ = std::thread([this] { Watch(); });
}

Replicator::~Replicator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  thread_.join();
  watchdog_.join();
}

PeerStatus Replicator::status() const {
  absl::MutexLock lock(&mu_);
  PeerStatus status = status_;
  for (const auto& [key, held] : held_) status.held_origins.push_back(held.first);
  std::sort(status.held_origins.begin(), status.held_origins.end(),
            [](const HeldOrigin& a, const HeldOrigin& b) {
              return std::make_pair(a.origin.site_id(), a.origin.incarnation()) <
                     std::make_pair(b.origin.site_id(), b.origin.incarnation());
            });
  return status;
}

void Replicator::Run() {
  absl::BitGen random;
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    const StreamEnd ended = PullOnce();
    absl::MutexLock lock(&mu_);
    status_.connected = false;
    if (stopping_) return;
    if (ended.reopen_now) continue;
    status_.last_error = ended.status.ToString();
    // A response since the last break means the link works: start the backoff over.
    if (status_.last_contact > clock_->Now() - backoff) backoff = options_.initial_backoff;
    const absl::Duration pause = absl::Microseconds(absl::Uniform<int64_t>(
        random, absl::ToInt64Microseconds(backoff) / 2, absl::ToInt64Microseconds(backoff) + 1));
    log_.Debug("stream ended (", ended.status.ToString(), "); reconnecting in ",
               absl::FormatDuration(pause));
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), pause);
    if (stopping_) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void Replicator::TrackHolds(const storage::Oplog::ApplyReport& report) {
  const absl::Time now = absl::Now();
  for (const storage::Oplog::Hold& hold : report.holds) {
    auto [it, inserted] = held_.try_emplace(storage::Oplog::OriginKey(hold.origin));
    auto& [held, held_in] = it->second;
    // Later entries of an origin held on this stream come after the gap the hold left.
    if (!inserted && held_in == stream_) continue;
    if (inserted) {
      log_.Warning("holding back origin ", hold.origin.site_id(), "/", hold.origin.incarnation(),
                   " relayed by ", peer_.site_id, ": ", v1::HoldReason_Name(hold.reason));
    }
    held.backoff =
        inserted ? options_.initial_hold : std::min(held.backoff * 2, options_.max_backoff);
    held.origin = hold.origin;
    held.reason = hold.reason;
    held.held_after = hold.held_after;
    held.retry_time = now + held.backoff;
    held_in = stream_;
  }
}

bool Replicator::HoldDue(absl::Time now) const {
  for (const auto& [key, held] : held_) {
    if (held.second == stream_ && held.first.retry_time <= now) return true;
  }
  return false;
}

void Replicator::Watch() {
  constexpr absl::Duration kInterval = absl::Milliseconds(200);
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kInterval);
    if (stopping_ || context_ == nullptr || reopen_requested_ || silent_) continue;
    const absl::Time now = absl::Now();
    if (HoldDue(now)) {
      reopen_requested_ = true;
      context_->TryCancel();
    } else if (now - last_response_ > options_.silence_timeout) {
      silent_ = true;
      context_->TryCancel();
    }
  }
}

Replicator::StreamEnd Replicator::PullOnce() {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return {absl::CancelledError("stopping")};
    context_ = &context;
    ++stream_;
    last_response_ = absl::Now();
    reopen_requested_ = false;
    silent_ = false;
  }
  v1::PullRequest request;
  request.set_site_id(self_site_id_);
  request.set_incarnation(oplog_->self().incarnation());
  for (v1::VersionVectorEntry& entry : oplog_->Vector()) *request.add_have() = std::move(entry);
  std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader = stub_->Pull(&context, request);

  StreamEnd end;
  v1::PullResponse response;
  storage::Oplog::ApplyReport report;
  while (reader->Read(&response)) {
    uint64_t received = response.entries_size();
    report = {};
    if (response.directory_size() > 0 && directory_ != nullptr) {
      // Before any entry: the keys of the origins about to arrive may be listed here.
      absl::StatusOr<site::SignedDirectory::MergeReport> merged =
          directory_->MergeChanges({response.directory().begin(), response.directory().end()});
      if (!merged.ok()) {
        end.status = merged.status();
        log_.Warning("could not merge the directory: ", end.status.ToString());
        context.TryCancel();
        break;
      }
      if (merged->refused > 0) {
        log_.Warning("refused ", merged->refused,
                     " directory changes not signed by the network admin key, sent by ",
                     peer_.site_id);
      }
    }
    if (received > 0) {
      // Applied where they were parsed, not copied.
      absl::StatusOr<storage::Oplog::ApplyReport> applied = oplog_->ApplyRemote(
          absl::MakeConstSpan(response.entries().data(), response.entries_size()), *verifier_,
          *applier_, {response.redactions().begin(), response.redactions().end()});
      if (!applied.ok()) {
        end.status = applied.status();
        log_.Warning("could not apply entries: ", end.status.ToString());
        context.TryCancel();
        break;
      }
      report = *std::move(applied);
      if (report.forged > 0) {
        log_.Warning("refused entries whose signature does not verify, relayed by ", peer_.site_id);
      }
    }
    peer_heads_->Record(peer_.site_id, response.heads());
    // Behind: what the peer's heads hold past this node's vector.
    storage::Oplog::Heads mine = storage::Oplog::HeadsOf(oplog_->Vector());
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
    status_.entries_refused += report.refused;
    last_response_ = absl::Now();
    // An origin that moved past where it was held flows again.
    absl::erase_if(
        held_, [&](const auto& held) { return mine[held.first] > held.second.first.held_after; });
    TrackHolds(report);
    if (HoldDue(absl::Now())) {
      end.reopen_now = true;  // Ask for the held origins again, from the vector.
      context.TryCancel();
      break;
    }
  }
  grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    context_ = nullptr;
    if (reopen_requested_) end.reopen_now = true;
    if (silent_ && end.status.ok()) {
      end.status =
          absl::UnavailableError(absl::StrCat("peer ", peer_.site_id, " sent nothing for ",
                                              absl::FormatDuration(options_.silence_timeout)));
    }
  }
  if (!end.status.ok() || end.reopen_now) return end;
  return {rpc::FromGrpcStatus(finished)};
}

}  // namespace cantine::federation
