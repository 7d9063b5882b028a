#include "services/federation/seed_bootstrap.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "google/protobuf/arena.h"
#include "grpcpp/client_context.h"
#include "services/logging/logger.h"
#include "storage/overlay_store.h"
#include "storage/status_macros.h"

namespace cantine::federation {
namespace {

void Add(storage::Oplog::ApplyReport& sum, const storage::Oplog::ApplyReport& batch) {
  sum.applied += batch.applied;
  sum.rejected += batch.rejected;
  sum.skipped += batch.skipped;
  sum.held += batch.held;
  sum.forged += batch.forged;
  sum.refused += batch.refused;
}

// A response parsed on an arena of its own: no allocation per entry and field, and all of
// it freed at once once applied.
struct Received {
  std::unique_ptr<google::protobuf::Arena> arena;
  v1::PullResponse* response = nullptr;  // On arena.
};

Received NewReceived() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;
  options.max_block_size = 1 << 20;
  Received received{.arena = std::make_unique<google::protobuf::Arena>(options)};
  received.response =
      google::protobuf::Arena::CreateMessage<v1::PullResponse>(received.arena.get());
  return received;
}

// Reads a stream ahead of its consumer on a thread of its own, up to `capacity` responses,
// so that receiving and parsing run beside the apply. Thread-safe.
class ReadAhead {
 public:
  ReadAhead(grpc::ClientReader<v1::PullResponse>* reader, std::function<void()> heard,
            size_t capacity)
      : reader_(reader),
        heard_(std::move(heard)),
        capacity_(capacity),
        thread_([this] { Read(); }) {}
  // Stops reading; the caller has cancelled the stream so that a Read in progress returns.
  ~ReadAhead() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }

  // The next response; nullopt once the stream ended.
  std::optional<Received> Next() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ReadAhead* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
          return !self->queue_.empty() || self->ended_;
        },
        this));
    if (queue_.empty()) return std::nullopt;
    Received next = std::move(queue_.front());
    queue_.pop_front();
    return next;
  }

 private:
  void Read() ABSL_LOCKS_EXCLUDED(mu_) {
    Received received = NewReceived();
    while (reader_->Read(received.response)) {
      heard_();
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ReadAhead* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->queue_.size() < self->capacity_ || self->stopping_;
          },
          this));
      if (stopping_) break;
      queue_.push_back(std::move(received));
      received = NewReceived();
    }
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }

  grpc::ClientReader<v1::PullResponse>* const reader_;
  const std::function<void()> heard_;
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Received> queue_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // Last: starts once the rest is built.
};

// One bootstrap's stream from its seed, applied into an overlay of the node's store.
class Bootstrap {
 public:
  Bootstrap(const BootstrapParts& parts, const PeerOptions& seed, const BootstrapOptions& options)
      : parts_(parts), seed_(seed), options_(options), overlay_(parts.store) {}

  // Takes the stream's responses until the node holds what the seed held when it opened,
  // or the seed has nothing more to send: true; false when the stream ended first. An error
  // is this node's own (an apply or a load that failed).
  absl::StatusOr<bool> Run(ReadAhead& stream) {
    for (;;) {
      const absl::Time read_start = absl::Now();
      std::optional<Received> next = stream.Next();
      report_.reading += absl::Now() - read_start;
      if (!next.has_value()) return false;
      const v1::PullResponse& response = *next->response;
      const bool idle = response.entries_size() == 0 && response.directory_size() == 0;
      RETURN_IF_ERROR(MergeDirectory(response));
      if (target_.empty() && !SetTarget(response)) return true;
      // A heartbeat: the seed sent all it holds (some origin may have been held back here).
      if (idle && staged_ != nullptr) return true;
      if (response.entries_size() > 0) {
        RETURN_IF_ERROR(Apply(response));
        if (Reached()) return true;
      }
    }
  }

  // Loads what the overlay holds into the store and reloads the node's vector.
  absl::Status Finish() {
    if (staged_ == nullptr) return absl::OkStatus();
    RETURN_IF_ERROR(Load());
    return parts_.oplog->ReloadVector();
  }

  BootstrapReport& report() { return report_; }

 private:
  absl::Status MergeDirectory(const v1::PullResponse& response) {
    if (response.directory_size() == 0 || parts_.directory == nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(
        const site::SignedDirectory::MergeReport merged,
        parts_.directory->MergeChanges({response.directory().begin(), response.directory().end()}));
    if (merged.refused > 0) {
      log_.Warning("refused ", merged.refused,
                   " directory changes not signed by the network admin key, sent by seed ",
                   seed_.site_id);
    }
    return absl::OkStatus();
  }

  // Takes the seed's heads as the target; false when the node is too little behind to
  // bootstrap.
  bool SetTarget(const v1::PullResponse& response) {
    const storage::Oplog::Heads held = storage::Oplog::HeadsOf(parts_.oplog->Vector());
    for (const v1::VersionVectorEntry& head : response.heads()) {
      const std::string key = storage::Oplog::OriginKey(head.origin());
      const auto it = held.find(key);
      const uint64_t have = it == held.end() ? 0 : it->second;
      if (head.seq() <= have) continue;
      target_[key] = head.seq();
      report_.entries_behind += head.seq() - have;
    }
    return report_.entries_behind >= options_.min_entries_behind && !target_.empty();
  }

  // Applies the entries of `response`.
  absl::Status Apply(const v1::PullResponse& response) {
    if (staged_ == nullptr) {
      ASSIGN_OR_RETURN(staged_, storage::Oplog::Open(&overlay_, parts_.clock, parts_.hlc,
                                                     parts_.signer, parts_.self_site_id));
      report_.bootstrapped = true;
      log_.Info("bootstrapping from seed ", seed_.site_id, ": ", report_.entries_behind,
                " entries to take");
    }
    const absl::Time apply_start = absl::Now();
    ASSIGN_OR_RETURN(const storage::Oplog::ApplyReport applied,
                     staged_->ApplyRemote(
                         absl::MakeConstSpan(response.entries().data(), response.entries_size()),
                         *parts_.verifier, *parts_.applier,
                         {response.redactions().begin(), response.redactions().end()}));
    Add(report_.applied, applied);
    report_.applying += absl::Now() - apply_start;
    // Half the budget is loaded in the background while the next half fills.
    if (overlay_.bytes_held() >= options_.memory_budget_bytes / 2) {
      const absl::Time start = absl::Now();
      RETURN_IF_ERROR(overlay_.FlushInBackground());  // Waits for the load before.
      ++report_.loads;
      report_.loading += absl::Now() - start;
    }
    if (absl::Now() - last_progress_ >= absl::Seconds(2)) {
      last_progress_ = absl::Now();
      log_.Info("bootstrap from seed ", seed_.site_id, ": ",
                report_.applied.applied + report_.applied.rejected, " of ", report_.entries_behind,
                " entries taken");
    }
    return absl::OkStatus();
  }

  bool Reached() const {
    const storage::Oplog::Heads held = storage::Oplog::HeadsOf(staged_->Vector());
    for (const auto& [key, seq] : target_) {
      const auto it = held.find(key);
      if (it == held.end() || it->second < seq) return false;
    }
    return true;
  }

  // Loads what is left, once the load in the background committed.
  absl::Status Load() {
    const absl::Time start = absl::Now();
    const bool left = overlay_.bytes_held() > 0;
    RETURN_IF_ERROR(overlay_.Flush());
    if (left) ++report_.loads;
    report_.loading += absl::Now() - start;
    return absl::OkStatus();
  }

  const BootstrapParts& parts_;
  const PeerOptions& seed_;
  const BootstrapOptions& options_;
  const logging::Logger log_{"bootstrap"};
  storage::OverlayStore overlay_;
  std::unique_ptr<storage::Oplog> staged_;  // The log over the overlay, once bootstrapping.
  storage::Oplog::Heads target_;  // Per origin, what the seed held when the stream opened.
  BootstrapReport report_;
  absl::Time last_progress_ = absl::Now();
};

}  // namespace

absl::StatusOr<BootstrapReport> BootstrapFromSeed(const BootstrapParts& parts,
                                                  const PeerOptions& seed,
                                                  const std::shared_ptr<grpc::Channel>& channel,
                                                  const BootstrapOptions& options) {
  const absl::Time start = absl::Now();
  Bootstrap bootstrap(parts, seed, options);
  const std::unique_ptr<v1::FederationService::Stub> stub = v1::FederationService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(start + options.timeout));
  v1::PullRequest request;
  request.set_site_id(parts.self_site_id);
  request.set_incarnation(parts.oplog->self().incarnation());
  for (v1::VersionVectorEntry& entry : parts.oplog->Vector())
    *request.add_have() = std::move(entry);

  // A blocked Read sees no silence: a watchdog ends the stream of a seed gone quiet.
  absl::Mutex mu;
  bool done = false;
  bool silent = false;
  absl::Time last_heard = start;
  std::thread watchdog([&] {
    absl::MutexLock lock(&mu);
    while (!done) {
      mu.AwaitWithTimeout(absl::Condition(&done), absl::Milliseconds(100));
      if (!done && absl::Now() - last_heard > options.silence_timeout) {
        silent = true;
        context.TryCancel();
        return;
      }
    }
  });
  const std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader =
      stub->Pull(&context, request);
  absl::StatusOr<bool> reached;
  {
    constexpr size_t kReadAhead = 8;  // Responses: up to some 10 MiB.
    ReadAhead stream(
        reader.get(),
        [&] {
          absl::MutexLock lock(&mu);
          last_heard = absl::Now();
        },
        kReadAhead);
    reached = bootstrap.Run(stream);
    context.TryCancel();
  }
  const grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu);
    done = true;
  }
  watchdog.join();

  // What was applied is verified whatever ended the stream: keep it.
  RETURN_IF_ERROR(bootstrap.Finish());
  RETURN_IF_ERROR(reached.status());
  BootstrapReport report = std::move(bootstrap.report());
  report.seed_site_id = seed.site_id;
  if (!*reached) {
    report.stream_status = absl::UnavailableError(
        silent ? absl::StrCat("seed '", seed.site_id, "' sent nothing for ",
                              absl::FormatDuration(options.silence_timeout))
               : absl::StrCat("the stream from seed '", seed.site_id, "' ended early: ",
                              finished.ok() ? "no error" : finished.error_message()));
  }
  report.elapsed = absl::Now() - start;
  return report;
}

}  // namespace cantine::federation
