#include "storage/oplog.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "openssl/sha.h"
#include "storage/digest.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::storage {
namespace {

constexpr absl::string_view kIncarnationKey = "incarnation";
const std::string kGenesisChain(SHA256_DIGEST_LENGTH, '\0');

std::string EntryKey(absl::string_view origin_key, uint64_t seq) {
  return KeyBuilder(std::string(origin_key)).AddUint64(seq).Build();
}

std::string VectorValue(uint64_t seq, absl::string_view chain) {
  return absl::StrCat(KeyBuilder().AddUint64(seq).Build(), chain);
}

HybridTime ToHybridTime(const v1::HybridTimestamp& proto) {
  return {proto.wall_micros(), proto.logical()};
}

// Storage failures abort an apply; anything the entry itself gets wrong rejects it.
bool IsRejection(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status) ||
         absl::IsNotFound(status) || absl::IsAlreadyExists(status) ||
         absl::IsPermissionDenied(status);
}

bool IsRedactedEntry(const v1::OplogEntry& entry) {
  return !entry.redacted_payload_sha256().empty();
}

// The entry without its payload, which its digest stands in for in the chain.
void Redact(v1::OplogEntry& entry) {
  if (IsRedactedEntry(entry)) return;
  entry.set_redacted_payload_sha256(Sha256(entry.payload()));
  entry.clear_payload();
}

std::string SubjectPrefix(absl::string_view subject) {
  return KeyBuilder().AddString(subject).Build();
}

size_t SpanBytes(const v1::OplogEntry& entry) {
  return entry.payload().size() + Oplog::kEntryOverheadBytes;
}

// The signed entries of `entries` to keep, by index: greedily the furthest signed entry
// within one span of the previous one (or of the head, before the first). Stops where no
// signed entry lies within a span: whatever follows the last index returned is not taken.
std::vector<size_t> Checkpoints(const std::vector<const v1::OplogEntry*>& entries) {
  std::vector<size_t> checkpoints;
  size_t begin = 0;
  while (begin < entries.size()) {
    size_t bytes = 0;
    std::optional<size_t> furthest;
    for (size_t i = begin; i < entries.size() && i - begin < Oplog::kMaxSpanEntries; ++i) {
      bytes += SpanBytes(*entries[i]);
      if (bytes > Oplog::kMaxSpanBytes) break;
      if (!entries[i]->signature().empty()) furthest = i;
    }
    if (!furthest.has_value()) break;
    checkpoints.push_back(*furthest);
    begin = *furthest + 1;
  }
  return checkpoints;
}

}  // namespace

std::string Oplog::OriginKey(const v1::Origin& origin) {
  return KeyBuilder().AddString(origin.site_id()).AddUint64(origin.incarnation()).Build();
}

Oplog::Heads Oplog::HeadsOf(const std::vector<v1::VersionVectorEntry>& vector) {
  Heads heads;
  for (const v1::VersionVectorEntry& entry : vector) heads[OriginKey(entry.origin())] = entry.seq();
  return heads;
}

std::string Oplog::ChainHash(absl::string_view previous, const v1::OplogEntry& entry) {
  const std::string fields = KeyBuilder()
                                 .AddString(entry.origin().site_id())
                                 .AddUint64(entry.origin().incarnation())
                                 .AddUint64(entry.seq())
                                 .AddInt64(entry.hlc().wall_micros())
                                 .AddUint64(entry.hlc().logical())
                                 .AddUint64(static_cast<uint64_t>(entry.kind()))
                                 .AddString(entry.subject())
                                 .Build();
  const std::string payload_digest = entry.redacted_payload_sha256().empty()
                                         ? Sha256(entry.payload())
                                         : entry.redacted_payload_sha256();
  return Sha256(absl::StrCat(previous, fields, payload_digest));
}

absl::StatusOr<std::unique_ptr<Oplog>> Oplog::Open(Store* store, const Clock* clock,
                                                   HybridClock* hlc, const EntrySigner* signer,
                                                   absl::string_view site_id) {
  std::unique_ptr<Transaction> txn = store->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   txn->GetForUpdate(Table::kMeta, kIncarnationKey));
  uint64_t incarnation = 0;
  if (stored.has_value()) {
    ASSIGN_OR_RETURN(incarnation, KeyReader(*stored).ReadUint64());
  } else {
    // A new database (or one restored from a backup) is a new incarnation: the microsecond
    // it began, and in any case after every incarnation of this site it holds entries of.
    incarnation = static_cast<uint64_t>(absl::ToUnixMicros(clock->Now()));
    ASSIGN_OR_RETURN(const std::vector<uint64_t> earlier, StoredIncarnations(*store, site_id));
    for (uint64_t previous : earlier) incarnation = std::max(incarnation, previous + 1);
    RETURN_IF_ERROR(
        txn->Put(Table::kMeta, kIncarnationKey, KeyBuilder().AddUint64(incarnation).Build()));
    RETURN_IF_ERROR(txn->Commit());
  }
  v1::Origin self;
  self.set_site_id(std::string(site_id));
  self.set_incarnation(incarnation);
  auto oplog = std::unique_ptr<Oplog>(new Oplog(store, hlc, signer, std::move(self)));
  RETURN_IF_ERROR(oplog->Load());
  return oplog;
}

absl::StatusOr<std::vector<uint64_t>> Oplog::StoredIncarnations(Store& store,
                                                                absl::string_view site_id) {
  // An origin key is the site id, then the incarnation: one prefix holds all of a site's.
  ASSIGN_OR_RETURN(
      const std::vector<KeyValue> rows,
      store.Scan(Table::kVersionVector, KeyBuilder().AddString(site_id).Build(), 1 << 20));
  std::vector<uint64_t> incarnations;
  for (const KeyValue& row : rows) {
    KeyReader key(row.key);
    ASSIGN_OR_RETURN(const std::string site, key.ReadString());
    ASSIGN_OR_RETURN(const uint64_t incarnation, key.ReadUint64());
    if (site == site_id) incarnations.push_back(incarnation);
  }
  return incarnations;
}

absl::Status Oplog::BeginNewIncarnation(Store& store, absl::string_view site_id) {
  ASSIGN_OR_RETURN(const std::vector<uint64_t> incarnations, StoredIncarnations(store, site_id));
  if (incarnations.size() >= kMaxIncarnationsPerSite) {
    return absl::FailedPreconditionError(
        absl::StrCat("site '", site_id, "' has had ", incarnations.size(),
                     " incarnations already, the most a node takes entries of (",
                     kMaxIncarnationsPerSite, "): no peer would take a new one's entries"));
  }
  std::unique_ptr<Transaction> txn = store.BeginTransaction();
  RETURN_IF_ERROR(txn->Delete(Table::kMeta, kIncarnationKey));
  return txn->Commit();
}

Oplog::Oplog(Store* store, HybridClock* hlc, const EntrySigner* signer, v1::Origin self)
    : store_(store), hlc_(hlc), signer_(signer), self_(std::move(self)) {}

absl::Status Oplog::Load() {
  constexpr size_t kMaxOrigins = 1 << 20;
  ASSIGN_OR_RETURN(std::vector<KeyValue> rows,
                   store_->Scan(Table::kVersionVector, "", kMaxOrigins));
  absl::MutexLock lock(&state_mu_);
  for (const KeyValue& row : rows) {
    KeyReader key(row.key);
    ASSIGN_OR_RETURN(std::string site, key.ReadString());
    ASSIGN_OR_RETURN(uint64_t incarnation, key.ReadUint64());
    KeyReader value(row.value);
    ASSIGN_OR_RETURN(uint64_t seq, value.ReadUint64());
    v1::Origin origin;
    origin.set_site_id(site);
    origin.set_incarnation(incarnation);
    heads_[row.key] = {origin, Head{seq, row.value.substr(8)}};
  }
  // The clock moves past the last entry of every incarnation of this site: a restored
  // database's new incarnation stamps its writes after what the old one wrote.
  for (const auto& [key, head] : heads_) {
    if (head.first.site_id() != self_.site_id() || head.second.seq == 0) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> last,
                     store_->Get(Table::kOplog, EntryKey(key, head.second.seq)));
    v1::OplogEntry entry;
    if (!last.has_value() || !entry.ParseFromString(*last)) {
      return absl::DataLossError(absl::StrCat("the last entry of this site's incarnation ",
                                              head.first.incarnation(),
                                              " in the oplog is missing or corrupt"));
    }
    hlc_->Restore(ToHybridTime(entry.hlc()));
  }
  return absl::OkStatus();
}

absl::Status Oplog::ReloadVector() {
  RETURN_IF_ERROR(Load());
  absl::MutexLock lock(&state_mu_);
  ++changes_;
  return absl::OkStatus();
}

Oplog::Head Oplog::HeadOf(const std::string& origin_key) const {
  absl::MutexLock lock(&state_mu_);
  auto it = heads_.find(origin_key);
  if (it == heads_.end()) return Head{0, kGenesisChain};
  return it->second.second;
}

void Oplog::Publish(const absl::flat_hash_map<std::string, std::pair<v1::Origin, Head>>& heads) {
  if (heads.empty()) return;
  absl::MutexLock lock(&state_mu_);
  for (const auto& [key, head] : heads) heads_[key] = head;
  ++changes_;
}

absl::StatusOr<v1::OplogEntry> Oplog::CommitLocal(const Mutation& mutate) {
  absl::StatusOr<std::vector<v1::OplogEntry>> entries = CommitEntries(
      [&](Transaction& txn, HybridTime now) -> absl::StatusOr<std::vector<LocalEntry>> {
        ASSIGN_OR_RETURN(LocalEntry change, mutate(txn, now));
        std::vector<LocalEntry> changes;
        changes.push_back(std::move(change));
        return changes;
      });
  if (!entries.ok()) return entries.status();
  return std::move(entries->front());
}

absl::StatusOr<std::vector<v1::OplogEntry>> Oplog::CommitLocalBatch(const BatchMutation& mutate) {
  return CommitEntries([&](Transaction& txn, HybridTime) { return mutate(txn); });
}

absl::StatusOr<std::vector<v1::OplogEntry>> Oplog::CommitEntries(
    const std::function<absl::StatusOr<std::vector<LocalEntry>>(Transaction&, HybridTime)>&
        mutate) {
  absl::MutexLock local(&local_mu_);
  local_redacted_ = false;
  const std::string origin_key = OriginKey(self_);
  Head head = HeadOf(origin_key);
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  const HybridTime first = hlc_->Now();
  ASSIGN_OR_RETURN(std::vector<LocalEntry> changes, mutate(*txn, first));
  std::vector<v1::OplogEntry> entries;
  if (changes.empty()) return entries;

  for (LocalEntry& change : changes) {
    if (change.payload.size() > kMaxPayloadBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("a replicated record of ", change.payload.size(),
                       " bytes is over the limit of ", kMaxPayloadBytes, " bytes"));
    }
    // The first entry's clock is the one the mutation stamped its records with.
    const HybridTime hlc = entries.empty() ? first : hlc_->Now();
    v1::OplogEntry& entry = entries.emplace_back();
    *entry.mutable_origin() = self_;
    entry.set_seq(head.seq + 1);
    entry.mutable_hlc()->set_wall_micros(hlc.wall_micros);
    entry.mutable_hlc()->set_logical(hlc.logical);
    entry.set_kind(change.kind);
    entry.set_payload(std::move(change.payload));
    entry.set_subject(std::move(change.subject));
    head.chain = ChainHash(head.chain, entry);
    head.seq = entry.seq();
    entry.set_signature(signer_->Sign(head.chain));
    RETURN_IF_ERROR(PutEntry(*txn, origin_key, entry));
  }
  RETURN_IF_ERROR(txn->Put(Table::kVersionVector, origin_key, VectorValue(head.seq, head.chain)));
  RETURN_IF_ERROR(txn->Commit());
  Publish({{origin_key, {self_, head}}});
  if (local_redacted_) CountRedaction();
  return entries;
}

std::string Oplog::RedactionDigest(absl::string_view subject) {
  return Sha256(absl::StrCat("cantine.redaction.v1", subject));
}

absl::Status Oplog::PutEntry(Transaction& txn, const std::string& origin_key,
                             const v1::OplogEntry& entry) {
  if (!entry.subject().empty()) {
    const std::string index_key =
        absl::StrCat(SubjectPrefix(entry.subject()), EntryKey(origin_key, entry.seq()));
    RETURN_IF_ERROR(txn.PutUnread(Table::kEntriesBySubject, index_key, ""));
  }
  return txn.PutUnread(Table::kOplog, EntryKey(origin_key, entry.seq()), entry.SerializeAsString());
}

absl::StatusOr<bool> Oplog::IsRedacted(Transaction& txn, absl::string_view subject) {
  return HoldsKey(txn, Table::kRedactions, SubjectPrefix(subject));
}

absl::Status Oplog::StoreRedaction(Transaction& txn, const v1::RedactionNotice& notice) {
  const std::string prefix = SubjectPrefix(notice.subject());
  RETURN_IF_ERROR(PutRecord(txn, Table::kRedactions, prefix, notice));
  // The disk is scrubbed once this commits (storage::Scrubber, which clears the marker).
  RETURN_IF_ERROR(txn.Put(Table::kMeta, kScrubPendingKey, notice.subject()));
  // A subject's entries are its record's changes: as many as its owner wrote.
  constexpr size_t kMaxEntriesPerSubject = 1 << 20;
  ASSIGN_OR_RETURN(std::vector<KeyValue> indexed,
                   txn.Scan(Table::kEntriesBySubject, prefix, kMaxEntriesPerSubject));
  for (const KeyValue& row : indexed) {
    const absl::string_view entry_key = absl::string_view(row.key).substr(prefix.size());
    ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(Table::kOplog, entry_key));
    v1::OplogEntry entry;
    if (!stored.has_value() || !entry.ParseFromString(*stored)) {
      return absl::DataLossError("an indexed oplog entry is missing or corrupt");
    }
    if (IsRedactedEntry(entry)) continue;
    Redact(entry);
    RETURN_IF_ERROR(PutRecord(txn, Table::kOplog, entry_key, entry));
  }
  return absl::OkStatus();
}

absl::Status Oplog::RedactLocal(Transaction& txn, absl::string_view subject) {
  v1::RedactionNotice notice;
  notice.set_subject(std::string(subject));
  notice.set_site_id(self_.site_id());
  notice.set_signature(signer_->Sign(RedactionDigest(subject)));
  local_redacted_ = true;
  return StoreRedaction(txn, notice);
}

absl::StatusOr<std::vector<v1::RedactionNotice>> Oplog::RedactionsFor(
    const std::vector<v1::OplogEntry>& entries) const {
  std::vector<v1::RedactionNotice> notices;
  absl::flat_hash_set<std::string> subjects;
  for (const v1::OplogEntry& entry : entries) {
    if (entry.subject().empty() || !subjects.insert(entry.subject()).second) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> stored,
                     store_->Get(Table::kRedactions, SubjectPrefix(entry.subject())));
    if (!stored.has_value()) {
      if (!IsRedactedEntry(entry)) continue;
      return absl::DataLossError("a redacted entry's notice is missing");
    }
    ASSIGN_OR_RETURN(v1::RedactionNotice notice,
                     ParseRecord<v1::RedactionNotice>(*stored, "a redaction notice"));
    notices.push_back(std::move(notice));
  }
  return notices;
}

void Oplog::CountRedaction() {
  absl::MutexLock lock(&state_mu_);
  ++redactions_;
}

uint64_t Oplog::WaitForRedaction(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&state_mu_);
  auto redacted = [this, seen]()
                      ABSL_SHARED_LOCKS_REQUIRED(state_mu_) { return redactions_ != seen; };
  state_mu_.AwaitWithTimeout(absl::Condition(&redacted), timeout);
  return redactions_;
}

absl::StatusOr<Oplog::ApplyReport> Oplog::ApplyRemote(
    const std::vector<v1::OplogEntry>& entries, const EntryVerifier& verifier,
    EntryApplier& applier, const std::vector<v1::RedactionNotice>& redactions) {
  std::vector<const v1::OplogEntry*> held;
  held.reserve(entries.size());
  for (const v1::OplogEntry& entry : entries) held.push_back(&entry);
  return ApplyRemote(held, verifier, applier, redactions);
}

absl::StatusOr<Oplog::ApplyReport> Oplog::ApplyRemote(
    absl::Span<const v1::OplogEntry* const> entries, const EntryVerifier& verifier,
    EntryApplier& applier, const std::vector<v1::RedactionNotice>& redactions) {
  absl::MutexLock apply(&apply_mu_);
  ApplyReport report;
  const std::string own_key = OriginKey(self_);
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();

  // Phase 0: redaction notices, each on its own signature, before the entries they justify.
  bool redacted = false;
  for (const v1::RedactionNotice& notice : redactions) {
    ASSIGN_OR_RETURN(bool known, IsRedacted(*txn, notice.subject()));
    if (known) continue;
    if (notice.subject().empty() ||
        !verifier.Verify(notice.site_id(), RedactionDigest(notice.subject()), notice.signature())
             .ok()) {
      ++report.refused;
      continue;
    }
    txn->SetSavePoint();
    absl::Status accepted = applier.ApplyRedaction(*txn, notice);
    if (!accepted.ok() && !IsRejection(accepted)) return accepted;
    if (accepted.ok()) accepted = StoreRedaction(*txn, notice);
    RETURN_IF_ERROR(accepted.ok() ? txn->PopSavePoint() : txn->RollbackToSavePoint());
    if (accepted.ok()) {
      redacted = true;
    } else {
      ++report.refused;
    }
  }

  // Phase 1: per origin, the contiguous run that follows its head, with chain hashes, up to
  // the first entry that holds the origin back.
  struct Run {
    v1::Origin origin;
    Head start;
    std::vector<const v1::OplogEntry*> entries;
    std::vector<std::string> chains;
    v1::HoldReason hold = v1::HOLD_REASON_UNSPECIFIED;
  };
  absl::flat_hash_map<std::string, Run> runs;
  std::vector<std::string> order;                             // Origins in first-seen order.
  absl::flat_hash_map<std::string, size_t> new_incarnations;  // Per site, in this call.
  for (const v1::OplogEntry* received : entries) {
    const v1::OplogEntry& entry = *received;
    const std::string key = OriginKey(entry.origin());
    if (key == own_key) {
      ++report.skipped;
      continue;
    }
    auto [it, inserted] = runs.try_emplace(key);
    Run& run = it->second;
    if (inserted) {
      run.origin = entry.origin();
      run.start = HeadOf(key);
      order.push_back(key);
      if (run.start.seq == 0 &&
          IncarnationsOf(entry.origin().site_id()) + new_incarnations[entry.origin().site_id()]++ >=
              kMaxIncarnationsPerSite) {
        run.hold = v1::HOLD_REASON_TOO_MANY_INCARNATIONS;
      }
    }
    if (run.hold != v1::HOLD_REASON_UNSPECIFIED) {
      ++report.held;
      if (run.hold == v1::HOLD_REASON_TOO_MANY_INCARNATIONS) ++report.refused;
      continue;
    }
    const uint64_t next = run.start.seq + run.entries.size() + 1;
    if (entry.seq() < next) {
      ++report.skipped;
      continue;
    }
    if (entry.seq() > next) {
      run.hold = v1::HOLD_REASON_GAP;  // Wait for the missing entry, never skip it.
      ++report.held;
      continue;
    }
    if (entry.payload().size() > kMaxPayloadBytes) {
      run.hold = v1::HOLD_REASON_OVERSIZED;
      ++report.held;
      ++report.refused;
      continue;
    }
    if (IsRedactedEntry(entry)) {
      // Only the subject's owner redacts: its notice must be here.
      ASSIGN_OR_RETURN(bool justified, entry.subject().empty() ? absl::StatusOr<bool>(false)
                                                               : IsRedacted(*txn, entry.subject()));
      if (!justified || !entry.payload().empty()) {
        run.hold = v1::HOLD_REASON_UNJUSTIFIED_REDACTION;
        ++report.held;
        ++report.refused;
        continue;
      }
    }
    const std::string& previous = run.chains.empty() ? run.start.chain : run.chains.back();
    run.chains.push_back(ChainHash(previous, entry));
    run.entries.push_back(&entry);
  }

  // Phase 2: authenticate each run up to its last signed entry within the span bounds. Each
  // kept signature is verified (one per batch from an honest peer); where one fails, the
  // signed entries before it are checked one by one, to keep the authentic prefix.
  absl::flat_hash_map<std::string, std::vector<size_t>> kept_signatures;
  for (const std::string& key : order) {
    Run& run = runs[key];
    const std::string& site = run.origin.site_id();
    auto drop_from = [&](size_t size, v1::HoldReason reason) {
      if (size >= run.entries.size()) return;
      report.held += static_cast<int>(run.entries.size() - size);
      run.entries.resize(size);
      run.chains.resize(size);
      if (run.hold == v1::HOLD_REASON_UNSPECIFIED) run.hold = reason;
    };

    std::vector<size_t> checkpoints = Checkpoints(run.entries);
    const size_t signed_length = checkpoints.empty() ? 0 : checkpoints.back() + 1;
    if (signed_length < run.entries.size()) {
      // An honest peer ends each batch on a signed entry within a span of the last one
      // (unless this node cut the run short itself, at a gap or an oversized payload).
      if (run.hold == v1::HOLD_REASON_UNSPECIFIED) {
        report.refused += static_cast<int>(run.entries.size() - signed_length);
      }
      drop_from(signed_length, v1::HOLD_REASON_UNSIGNED_SPAN);
    }
    size_t verified = 0;  // Checkpoints whose signature verified.
    for (; verified < checkpoints.size(); ++verified) {
      const size_t at = checkpoints[verified];
      const absl::Status status =
          verifier.Verify(site, run.chains[at], run.entries[at]->signature());
      if (status.ok()) continue;
      if (absl::IsNotFound(status)) {
        drop_from(verified == 0 ? 0 : checkpoints[verified - 1] + 1, v1::HOLD_REASON_UNKNOWN_SITE);
        break;
      }
      ++report.forged;
      ++report.refused;
      // Keep the furthest signed entry before the failure that verifies.
      size_t authentic = verified == 0 ? 0 : checkpoints[verified - 1] + 1;
      const size_t span_begin = authentic;
      for (size_t i = span_begin; i < at; ++i) {
        if (run.entries[i]->signature().empty()) continue;
        if (!verifier.Verify(site, run.chains[i], run.entries[i]->signature()).ok()) break;
        authentic = i + 1;
      }
      if (authentic > span_begin) checkpoints[verified++] = authentic - 1;
      drop_from(authentic, v1::HOLD_REASON_BAD_SIGNATURE);
      break;
    }
    checkpoints.resize(verified);
    // A clock too far ahead is held until this node's clock catches up; what is kept ends on
    // a verified signature.
    for (size_t i = 0; i < run.entries.size(); ++i) {
      if (hlc_->Observe(ToHybridTime(run.entries[i]->hlc())).ok()) continue;
      while (!checkpoints.empty() && checkpoints.back() >= i) checkpoints.pop_back();
      drop_from(checkpoints.empty() ? 0 : checkpoints.back() + 1, v1::HOLD_REASON_CLOCK_AHEAD);
      break;
    }
    kept_signatures[key] = std::move(checkpoints);
  }

  // Phase 3: apply and store, all in one synced transaction.
  absl::flat_hash_map<std::string, std::pair<v1::Origin, Head>> new_heads;
  for (const std::string& key : order) {
    Run& run = runs[key];
    if (run.hold != v1::HOLD_REASON_UNSPECIFIED) {
      report.holds.push_back({.origin = run.origin,
                              .reason = run.hold,
                              .held_after = run.start.seq + run.entries.size()});
    }
    if (run.entries.empty()) continue;
    const std::vector<size_t>& checkpoints = kept_signatures[key];
    size_t next_checkpoint = 0;
    for (size_t i = 0; i < run.entries.size(); ++i) {
      // The entry as stored: the one received, copied only where this node changes it.
      const v1::OplogEntry& received = *run.entries[i];
      std::optional<v1::OplogEntry> changed;
      const auto change = [&]() -> v1::OplogEntry& {
        if (!changed.has_value()) changed.emplace(received);
        return *changed;
      };
      const auto entry = [&]() -> const v1::OplogEntry& {
        return changed.has_value() ? *changed : received;
      };
      if (next_checkpoint < checkpoints.size() && checkpoints[next_checkpoint] == i) {
        ++next_checkpoint;
      } else if (!received.signature().empty()) {
        change().clear_signature();  // Not verified here: not kept, never relayed.
      }
      if (received.rejected()) change().set_rejected(false);  // Its own verdict, below.
      if (IsRedactedEntry(received)) {
        // Its subject is erased here: there is nothing left to apply.
        ++report.applied;
        RETURN_IF_ERROR(PutEntry(*txn, key, entry()));
        continue;
      }
      txn->SetSavePoint();
      absl::Status applied = applier.Apply(*txn, entry());
      if (!applied.ok() && !IsRejection(applied)) return applied;
      // A rejected entry changes nothing, whatever it wrote before it failed.
      RETURN_IF_ERROR(applied.ok() ? txn->PopSavePoint() : txn->RollbackToSavePoint());
      if (!applied.ok()) change().set_rejected(true);
      (applied.ok() ? report.applied : report.rejected) += 1;
      if (!received.subject().empty()) {
        ASSIGN_OR_RETURN(bool erased, IsRedacted(*txn, received.subject()));
        if (erased) Redact(change());  // An earlier change of an erased subject.
      }
      RETURN_IF_ERROR(PutEntry(*txn, key, entry()));
    }
    const Head head{run.entries.back()->seq(), run.chains.back()};
    RETURN_IF_ERROR(txn->Put(Table::kVersionVector, key, VectorValue(head.seq, head.chain)));
    new_heads[key] = {run.origin, head};
  }
  if (new_heads.empty() && !redacted) return report;
  // Synced only with an erasure (oplog.h says why).
  RETURN_IF_ERROR(redacted ? txn->Commit() : txn->CommitWithoutSync());
  Publish(new_heads);
  if (redacted) CountRedaction();
  return report;
}

size_t Oplog::IncarnationsOf(absl::string_view site_id) const {
  absl::MutexLock lock(&state_mu_);
  size_t count = 0;
  for (const auto& [key, head] : heads_) count += head.first.site_id() == site_id ? 1 : 0;
  return count;
}

std::vector<v1::VersionVectorEntry> Oplog::Vector() const {
  absl::MutexLock lock(&state_mu_);
  std::vector<v1::VersionVectorEntry> vector;
  for (const auto& [key, head] : heads_) {
    v1::VersionVectorEntry entry;
    *entry.mutable_origin() = head.first;
    entry.set_seq(head.second.seq);
    vector.push_back(std::move(entry));
  }
  return vector;
}

absl::StatusOr<std::vector<v1::OplogEntry>> Oplog::Read(const v1::Origin& origin,
                                                        uint64_t after_seq, size_t limit) const {
  const std::string origin_key = OriginKey(origin);
  ASSIGN_OR_RETURN(std::vector<KeyValue> rows,
                   store_->Scan(Table::kOplog, origin_key, limit, EntryKey(origin_key, after_seq)));
  std::vector<v1::OplogEntry> entries;
  entries.reserve(rows.size());
  for (const KeyValue& row : rows) {
    ASSIGN_OR_RETURN(v1::OplogEntry entry,
                     ParseRecord<v1::OplogEntry>(row.value, "stored oplog entry"));
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<v1::OplogEntry>> Oplog::ReadBatch(const v1::Origin& origin,
                                                             uint64_t after_seq) const {
  absl::StatusOr<std::vector<v1::OplogEntry>> entries = Read(origin, after_seq, kMaxSpanEntries);
  if (!entries.ok()) return entries;
  size_t bytes = 0;
  size_t length = 0;  // Up to the last signed entry within the span.
  for (size_t i = 0; i < entries->size(); ++i) {
    bytes += SpanBytes((*entries)[i]);
    if (bytes > kMaxSpanBytes) break;
    if (!(*entries)[i].signature().empty()) length = i + 1;
  }
  if (length == 0 && !entries->empty()) {
    return absl::DataLossError(absl::StrCat("the oplog of ", origin.site_id(),
                                            " holds a span without a signed entry after seq ",
                                            after_seq));
  }
  entries->resize(length);
  for (v1::OplogEntry& entry : *entries) entry.clear_rejected();
  return entries;
}

uint64_t Oplog::WaitForChange(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&state_mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(state_mu_) { return changes_ != seen; };
  state_mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return changes_;
}

}  // namespace cantine::storage
