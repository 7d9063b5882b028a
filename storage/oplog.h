#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "cantine/v1/federation.pb.h"
#include "storage/hybrid_clock.h"
#include "storage/store.h"

namespace cantine::storage {

// Signs the chain hash of this node's own entries (the node's Ed25519 key).
class EntrySigner {
 public:
  virtual ~EntrySigner() = default;
  virtual std::string Sign(absl::string_view chain_hash) const = 0;
};

// Checks that `signature` is `site_id`'s signature of `chain_hash`, with that site's key
// from the directory. NOT_FOUND for a site without a known key, PERMISSION_DENIED for a
// signature that does not verify.
class EntryVerifier {
 public:
  virtual ~EntryVerifier() = default;
  virtual absl::Status Verify(absl::string_view site_id, absl::string_view chain_hash,
                              absl::string_view signature) const = 0;
};

// Applies a remote entry's record change inside the apply transaction. INVALID_ARGUMENT
// or FAILED_PRECONDITION mark the entry rejected (it fills its slot and changes nothing);
// any other error aborts the whole batch, to be retried.
class EntryApplier {
 public:
  virtual ~EntryApplier() = default;
  virtual absl::Status Apply(Transaction& txn, const v1::OplogEntry& entry) = 0;
  // Applies a redaction notice whose signature verified: OK when `notice.site_id` owns the
  // subject, after erasing the subject's record; INVALID_ARGUMENT (or another rejection)
  // refuses the notice, which then changes nothing.
  virtual absl::Status ApplyRedaction(Transaction& txn, const v1::RedactionNotice& notice) = 0;
};

// What a local write adds to the log: its kind, payload and, where the payload may hold
// personal data, the subject it is about (see OplogEntry.subject).
struct LocalEntry {
  LocalEntry(v1::EntryKind kind, std::string payload, std::string subject = "")
      : kind(kind), payload(std::move(payload)), subject(std::move(subject)) {}

  v1::EntryKind kind;
  std::string payload;
  std::string subject;
};

// The replication log of one node: its own entries, numbered 1, 2, 3..., and the entries of
// every other origin it has applied, kept to relay them; the version vector (per origin,
// the highest contiguous seq held, and the chain hash there). Thread-safe.
class Oplog {
 public:
  // What a local write changes: the records in `txn` (with the entry's hlc as their stamp),
  // and the entry it returns.
  using Mutation = std::function<absl::StatusOr<LocalEntry>(Transaction& txn, HybridTime hlc)>;
  // A local write of several entries at once; none is a no-op.
  using BatchMutation = std::function<absl::StatusOr<std::vector<LocalEntry>>(Transaction& txn)>;

  // The largest payload an entry may carry: refused when written here, held when received.
  inline static constexpr size_t kMaxPayloadBytes = 128 * 1024;
  // What one entry counts for in the byte bounds below: its payload and this much besides
  // (origin, seq, clock, signature, framing).
  inline static constexpr size_t kEntryOverheadBytes = 256;
  // A span is the entries of one origin after a signed entry up to the next one. This log
  // keeps no span longer than these bounds, and one Pull batch is at most one span: about
  // 1.3 MiB on the wire, well under gRPC's 4 MiB receive limit.
  inline static constexpr size_t kMaxSpanEntries = 1000;
  inline static constexpr size_t kMaxSpanBytes = 1 << 20;
  // A site restored from backup starts a new incarnation; more than this many of one site
  // are held back, so that no peer can make this node track origins without bound.
  inline static constexpr size_t kMaxIncarnationsPerSite = 16;

  // An origin whose entries an ApplyRemote did not take past a point, and why.
  struct Hold {
    v1::Origin origin;
    v1::HoldReason reason = v1::HOLD_REASON_UNSPECIFIED;
    uint64_t held_after = 0;  // The origin's head after this apply.
  };

  struct ApplyReport {
    int applied = 0;   // Entries stored and applied.
    int rejected = 0;  // Stored as rejected: they failed validation.
    int skipped = 0;   // Already held.
    int held = 0;      // Not taken: see `holds`.
    int forged = 0;    // Signatures that did not verify.
    int refused = 0;   // Entries refused outright: forged, oversized, unsigned spans, origins
                       // over their incarnation bound.
    std::vector<Hold> holds;  // One per origin held back, in the order first seen.
  };

  // Opens the log of `site_id` over `store`. The first open of a database starts its
  // incarnation; the clock is restored past the last own entry. None owned.
  static absl::StatusOr<std::unique_ptr<Oplog>> Open(Store* store, const Clock* clock,
                                                     HybridClock* hlc, const EntrySigner* signer,
                                                     absl::string_view site_id);

  // Makes the next Open of `store` begin a new incarnation of `site_id`, for a database
  // restored from a backup: the entries it holds of the old one stay, as another origin's,
  // so that what the old incarnation wrote after the backup comes back from peers and no
  // (origin, seq) names two entries. Call with no Oplog open over `store`.
  // FAILED_PRECONDITION when the store holds kMaxIncarnationsPerSite incarnations of the
  // site already: peers would hold a new one back.
  static absl::Status BeginNewIncarnation(Store& store, absl::string_view site_id);

  // The incarnations of `site_id` whose entries `store` holds (its vector's origins).
  static absl::StatusOr<std::vector<uint64_t>> StoredIncarnations(Store& store,
                                                                  absl::string_view site_id);

  const v1::Origin& self() const { return self_; }

  // Runs `mutate` in a new transaction and commits it with a new signed entry of this
  // origin: records, entry and vector in one synced write. Local writes are serialized so
  // that entries commit in sequence order.
  absl::StatusOr<v1::OplogEntry> CommitLocal(const Mutation& mutate) ABSL_LOCKS_EXCLUDED(local_mu_);
  // Like CommitLocal for entries whose records need no stamp (their payload carries their
  // version): every entry, its records and the vector in one synced write.
  absl::StatusOr<std::vector<v1::OplogEntry>> CommitLocalBatch(const BatchMutation& mutate)
      ABSL_LOCKS_EXCLUDED(local_mu_);

  // Applies remote entries (each origin's in sequence order) in one transaction: skips what the
  // vector holds; holds an origin back (never skipping an entry) at a gap, an oversized payload, a
  // signature that does not verify, an unsigned span over the bounds, a clock too far ahead or one
  // incarnation too many, and reports each hold while taking every other origin's entries; stores
  // entries that fail validation as rejected (its own verdict: the wire's `rejected` is ignored).
  // Keeps only the signatures it verified. Own entries relayed back are skipped.
  //
  // `redactions` come first: each notice whose signature verifies and that the applier
  // accepts is stored, and the stored entries of its subject are redacted. A redacted entry
  // is taken only with a stored notice for its subject; an entry whose subject is redacted
  // here is stored redacted.
  //
  // The commit is synced only when it takes a notice: what an erasure dropped must not come
  // back after a crash. Other origins' entries are signed and immutable, so what a machine
  // crash takes of them is pulled again, the same, and no peer trusts what this node
  // reported before it restarted; not waiting on the disk at every hop halves how long a
  // write takes to cross a line of nodes (docs/benchmarks.md, "Propagation").
  absl::StatusOr<ApplyReport> ApplyRemote(const std::vector<v1::OplogEntry>& entries,
                                          const EntryVerifier& verifier, EntryApplier& applier,
                                          const std::vector<v1::RedactionNotice>& redactions = {})
      ABSL_LOCKS_EXCLUDED(apply_mu_);
  // The same for entries held elsewhere (a response parsed on an arena), none owned.
  absl::StatusOr<ApplyReport> ApplyRemote(absl::Span<const v1::OplogEntry* const> entries,
                                          const EntryVerifier& verifier, EntryApplier& applier,
                                          const std::vector<v1::RedactionNotice>& redactions = {})
      ABSL_LOCKS_EXCLUDED(apply_mu_);

  // Redacts `subject` as its owner, this site: signs and stores its notice and drops the
  // payloads of the subject's stored entries (of every origin), keeping their digests. Call
  // only from inside a CommitLocal mutation, with its transaction; the entry the mutation
  // returns (the erasure itself) is not redacted.
  absl::Status RedactLocal(Transaction& txn, absl::string_view subject)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(local_mu_);
  // Tells clang's thread-safety analysis, which does not follow a mutation into its lambda,
  // that CommitLocal holds its lock there; crashes in debug builds when called elsewhere.
  void AssertInsideCommitLocal() const ABSL_ASSERT_EXCLUSIVE_LOCK(local_mu_) {
    local_mu_.AssertHeld();
  }
  // The stored notices of the subjects of `entries` (every redacted entry's, and an
  // erasure's own, which a peer that held the subject's entries before needs), to send them.
  absl::StatusOr<std::vector<v1::RedactionNotice>> RedactionsFor(
      const std::vector<v1::OplogEntry>& entries) const;
  // Blocks until a redaction has committed since `seen` (a value this returned, or 0) or
  // `timeout` passes; returns the count of redacting commits.
  uint64_t WaitForRedaction(uint64_t seen, absl::Duration timeout) const
      ABSL_LOCKS_EXCLUDED(state_mu_);
  // The Table::kMeta key that a redaction sets, naming its subject, until the disk has been
  // scrubbed of what it dropped (storage::Scrubber).
  inline static constexpr absl::string_view kScrubPendingKey = "scrub_pending";
  // What a redaction notice of `subject` signs.
  static std::string RedactionDigest(absl::string_view subject);

  std::vector<v1::VersionVectorEntry> Vector() const ABSL_LOCKS_EXCLUDED(state_mu_);
  // Reads the vector again from the store, once a bulk load (OverlayStore::Flush) wrote
  // entries under this log, and wakes WaitForChange. Call with no apply running.
  absl::Status ReloadVector() ABSL_LOCKS_EXCLUDED(state_mu_);

  // Up to `limit` entries of `origin` after `after_seq`, in order, as stored.
  absl::StatusOr<std::vector<v1::OplogEntry>> Read(const v1::Origin& origin, uint64_t after_seq,
                                                   size_t limit) const;
  // The next batch to send a peer: entries of `origin` after `after_seq`, at most one span
  // (kMaxSpanEntries, kMaxSpanBytes), ending on a signed entry, without this node's
  // verdicts. Empty when there is nothing after `after_seq`.
  absl::StatusOr<std::vector<v1::OplogEntry>> ReadBatch(const v1::Origin& origin,
                                                        uint64_t after_seq) const;

  // Blocks until the log has changed since `seen` (a value this returned, or 0) or `timeout`
  // passes; returns the current change count.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) const
      ABSL_LOCKS_EXCLUDED(state_mu_);

  // The chain hash of an entry given its predecessor's (32 zero bytes before seq 1).
  static std::string ChainHash(absl::string_view previous, const v1::OplogEntry& entry);

  // An order-preserving key naming an origin: its vector key, the prefix of its entries.
  static std::string OriginKey(const v1::Origin& origin);
  // Per origin key, the seq that `vector` holds.
  using Heads = absl::flat_hash_map<std::string, uint64_t>;
  static Heads HeadsOf(const std::vector<v1::VersionVectorEntry>& vector);

 private:
  struct Head {
    uint64_t seq = 0;
    std::string chain;
  };

  Oplog(Store* store, HybridClock* hlc, const EntrySigner* signer, v1::Origin self);
  absl::Status Load();
  // Commits the entries `mutate` returns, in order, after the records it writes.
  absl::StatusOr<std::vector<v1::OplogEntry>> CommitEntries(
      const std::function<absl::StatusOr<std::vector<LocalEntry>>(Transaction&, HybridTime)>&
          mutate) ABSL_LOCKS_EXCLUDED(local_mu_);
  Head HeadOf(const std::string& origin_key) const ABSL_LOCKS_EXCLUDED(state_mu_);
  // Stores `notice` and redacts the stored entries of its subject, in `txn`, before it
  // stores any entry (PutEntry's writes are unread).
  static absl::Status StoreRedaction(Transaction& txn, const v1::RedactionNotice& notice);
  // Whether `txn` holds a redaction notice of `subject`.
  static absl::StatusOr<bool> IsRedacted(Transaction& txn, absl::string_view subject);
  // Stores an entry in `txn`, with its subject index, unread (Transaction::PutUnread): the
  // only reads of stored entries are a redaction's (StoreRedaction), and a transaction
  // stores its entries after its redactions (a local batch's mutations, a remote batch's
  // notices).
  static absl::Status PutEntry(Transaction& txn, const std::string& origin_key,
                               const v1::OplogEntry& entry);
  void CountRedaction() ABSL_LOCKS_EXCLUDED(state_mu_);
  // How many incarnations of `site_id` the vector holds.
  size_t IncarnationsOf(absl::string_view site_id) const ABSL_LOCKS_EXCLUDED(state_mu_);
  void Publish(const absl::flat_hash_map<std::string, std::pair<v1::Origin, Head>>& heads)
      ABSL_LOCKS_EXCLUDED(state_mu_);

  Store* const store_;
  HybridClock* const hlc_;
  const EntrySigner* const signer_;
  const v1::Origin self_;

  absl::Mutex local_mu_;  // Serializes CommitLocal.
  // Whether the current local commit redacted a subject.
  bool local_redacted_ ABSL_GUARDED_BY(local_mu_) = false;
  absl::Mutex apply_mu_;  // Serializes ApplyRemote.

  mutable absl::Mutex state_mu_;
  // origin key -> (origin, head): the in-memory copy of the stored vector.
  absl::flat_hash_map<std::string, std::pair<v1::Origin, Head>> heads_ ABSL_GUARDED_BY(state_mu_);
  uint64_t changes_ ABSL_GUARDED_BY(state_mu_) = 0;
  uint64_t redactions_ ABSL_GUARDED_BY(state_mu_) = 0;
};

}  // namespace cantine::storage
