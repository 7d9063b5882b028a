#include "storage/oplog.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/replication/entry_signing.h"
#include "storage/digest.h"
#include "storage/key_codec.h"
#include "storage/overlay_store.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/origin_writer.h"
#include "tests/support/temp_dir.h"

namespace cantine::storage {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Stores each applied payload under (origin, payload); "bad" payloads fail validation, and
// "late-bad" ones fail it after writing.
class RecordingApplier final : public EntryApplier {
 public:
  absl::Status Apply(Transaction& txn, const v1::OplogEntry& entry) override {
    if (entry.payload() == "bad") return absl::InvalidArgumentError("bad payload");
    absl::Status written = txn.Put(
        Table::kEvents,
        KeyBuilder().AddString(entry.origin().site_id()).AddString(entry.payload()).Build(), "");
    if (entry.payload() == "late-bad") return absl::InvalidArgumentError("found bad too late");
    return written;
  }
  // Takes the notice of any subject but "nobody".
  absl::Status ApplyRedaction(Transaction&, const v1::RedactionNotice& notice) override {
    if (notice.subject() == "nobody") return absl::InvalidArgumentError("not an owner");
    return absl::OkStatus();
  }
};

// One node's log over its own store.
struct Site {
  Site(const std::string& id, testing::FakeClock* clock, const testing::TempDir& dir)
      : key(auth::Ed25519PrivateKey::Generate()),
        signer(key),
        hlc(clock, absl::Minutes(5)),
        store(RocksStore::Open({.path = dir.Sub(id)}).value()),
        oplog(Oplog::Open(store.get(), clock, &hlc, &signer, id).value()) {}

  v1::OplogEntry Write(const std::string& payload) {
    return oplog
        ->CommitLocal([&](Transaction&, HybridTime) -> absl::StatusOr<LocalEntry> {
          return LocalEntry(v1::ENTRY_KIND_EVENT, payload);
        })
        .value();
  }
  std::string Digest() {
    return DigestTables(*store, {Table::kEvents, Table::kOplog, Table::kVersionVector}).value();
  }

  auth::Ed25519PrivateKey key;
  replication::KeySigner signer;
  HybridClock hlc;
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<Oplog> oplog;
};

class OplogTest : public ::testing::Test {
 protected:
  OplogTest() : paris_("paris", &clock_, dir_), milan_("milan", &clock_, dir_) {
    keys_.Add("paris", paris_.key.PublicKey());
    keys_.Add("milan", milan_.key.PublicKey());
  }

  std::unique_ptr<Site> Receiver(const std::string& id) {
    auto site = std::make_unique<Site>(id, &clock_, dir_);
    return site;
  }

  // Applies the one entry `entry` at `receiver` and expects it held back: nothing applied,
  // the receiver's vector still empty.
  void ExpectHeld(Site& receiver, const v1::OplogEntry& entry) {
    Oplog::ApplyReport report = receiver.oplog->ApplyRemote({entry}, keys_, applier_).value();
    EXPECT_EQ(report.applied, 0);
    EXPECT_EQ(report.held, 1);
    EXPECT_TRUE(receiver.oplog->Vector().empty());
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  Site paris_;
  Site milan_;
  replication::SiteKeyRing keys_;
  RecordingApplier applier_;
};

TEST_F(OplogTest, LocalEntriesAreNumberedChainedAndSigned) {
  v1::OplogEntry first = paris_.Write("a");
  clock_.Advance(absl::Seconds(1));
  v1::OplogEntry second = paris_.Write("b");
  EXPECT_EQ(first.seq(), 1u);
  EXPECT_EQ(second.seq(), 2u);
  EXPECT_GT(second.hlc().wall_micros(), first.hlc().wall_micros());
  const std::string chain1 = Oplog::ChainHash(std::string(32, '\0'), first);
  const std::string chain2 = Oplog::ChainHash(chain1, second);
  EXPECT_TRUE(keys_.Verify("paris", chain2, second.signature()).ok());
  EXPECT_FALSE(keys_.Verify("milan", chain2, second.signature()).ok());
  std::vector<v1::OplogEntry> read = paris_.oplog->Read(paris_.oplog->self(), 0, 10).value();
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[1].payload(), "b");
}

TEST_F(OplogTest, SameEntriesTwiceAndOutOfOrderAcrossOriginsGiveTheSameState) {
  std::vector<v1::OplogEntry> from_paris, from_milan;
  for (int i = 0; i < 5; ++i) {
    from_paris.push_back(paris_.Write(absl::StrCat("p", i)));
    from_milan.push_back(milan_.Write(absl::StrCat("m", i)));
  }
  auto a = Receiver("a"), b = Receiver("b");
  // a: paris then milan, each once. b: milan first, then everything twice, interleaved.
  ASSERT_TRUE(a->oplog->ApplyRemote(from_paris, keys_, applier_).ok());
  ASSERT_TRUE(a->oplog->ApplyRemote(from_milan, keys_, applier_).ok());
  ASSERT_TRUE(b->oplog->ApplyRemote(from_milan, keys_, applier_).ok());
  std::vector<v1::OplogEntry> mixed;
  for (int i = 0; i < 5; ++i) {
    mixed.push_back(from_milan[i]);
    mixed.push_back(from_paris[i]);
  }
  Oplog::ApplyReport report = b->oplog->ApplyRemote(mixed, keys_, applier_).value();
  EXPECT_EQ(report.applied, 5);
  EXPECT_EQ(report.skipped, 5);
  EXPECT_EQ(b->oplog->ApplyRemote(mixed, keys_, applier_)->skipped, 10);
  EXPECT_EQ(a->Digest(), b->Digest());
}

TEST_F(OplogTest, ARejectedEntryChangesNothingEvenWhatItWroteBeforeFailing) {
  std::vector<v1::OplogEntry> entries = {paris_.Write("1"), paris_.Write("late-bad"),
                                         paris_.Write("3")};
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);
  EXPECT_EQ(report.rejected, 1);
  std::vector<storage::KeyValue> records = receiver->store->Scan(Table::kEvents, "", 10).value();
  ASSERT_EQ(records.size(), 2u);  // "1" and "3"; nothing of "late-bad".
  EXPECT_EQ(receiver->oplog->Vector().at(0).seq(), 3u);
}

TEST_F(OplogTest, AGapIsHeldUntilTheMissingEntryArrives) {
  v1::OplogEntry first = paris_.Write("1");
  v1::OplogEntry second = paris_.Write("2");
  auto receiver = Receiver("a");
  ExpectHeld(*receiver, second);
  Oplog::ApplyReport report =
      receiver->oplog->ApplyRemote({first, second}, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);
  ASSERT_EQ(receiver->oplog->Vector().size(), 1u);
  EXPECT_EQ(receiver->oplog->Vector()[0].seq(), 2u);
}

TEST_F(OplogTest, ForgedEntriesAreRefusedAndTheTrueOriginStillFlows) {
  v1::OplogEntry first = paris_.Write("1");
  v1::OplogEntry second = paris_.Write("2");
  v1::OplogEntry third = paris_.Write("3");
  auto receiver = Receiver("a");

  // An altered payload, relayed by some peer.
  v1::OplogEntry altered = second;
  altered.set_payload("evil");
  Oplog::ApplyReport report =
      receiver->oplog->ApplyRemote({first, altered, third}, keys_, applier_).value();
  EXPECT_EQ(report.forged, 1);
  EXPECT_EQ(report.applied, 1);  // The authentic prefix.
  EXPECT_EQ(receiver->oplog->Vector()[0].seq(), 1u);

  // A valid signature, but by milan, on an entry claiming to be paris's.
  v1::OplogEntry impostor = second;
  impostor.set_payload("milan-wrote-this");
  impostor.set_signature(
      milan_.key.Sign(Oplog::ChainHash(Oplog::ChainHash(std::string(32, '\0'), first), impostor)));
  report = receiver->oplog->ApplyRemote({impostor}, keys_, applier_).value();
  EXPECT_EQ(report.forged, 1);
  EXPECT_EQ(report.applied, 0);

  // The true entries, from an honest peer, still apply.
  report = receiver->oplog->ApplyRemote({second, third}, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);
  EXPECT_EQ(receiver->oplog->Vector()[0].seq(), 3u);
  EXPECT_FALSE(receiver->store
                   ->Get(Table::kEvents, KeyBuilder().AddString("paris").AddString("evil").Build())
                   ->has_value());
}

TEST_F(OplogTest, InvalidEntryIsStoredAsRejectedAndItsOriginKeepsFlowing) {
  std::vector<v1::OplogEntry> entries = {paris_.Write("1"), paris_.Write("bad"), paris_.Write("3")};
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);
  EXPECT_EQ(report.rejected, 1);
  std::vector<v1::OplogEntry> stored = receiver->oplog->Read(paris_.oplog->self(), 0, 10).value();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_TRUE(stored[1].rejected());
  EXPECT_FALSE(stored[2].rejected());
}

TEST_F(OplogTest, AnEntryFromAClockTenMinutesAheadIsHeldBack) {
  testing::FakeClock fast_clock{kNow + absl::Minutes(10)};
  Site fast("lyon", &fast_clock, dir_);
  keys_.Add("lyon", fast.key.PublicKey());
  v1::OplogEntry ahead = fast.Write("from-the-future");
  auto receiver = Receiver("a");
  ExpectHeld(*receiver, ahead);
  // Once this node's clock is within the bound, the same entry applies.
  clock_.Advance(absl::Minutes(6));
  EXPECT_EQ(receiver->oplog->ApplyRemote({ahead}, keys_, applier_)->applied, 1);
}

TEST_F(OplogTest, LogVectorAndClockSurviveReopen) {
  paris_.Write("1");
  v1::OplogEntry last = paris_.Write("2");
  const v1::Origin origin = paris_.oplog->self();
  paris_.oplog.reset();
  paris_.store.reset();
  clock_.Set(kNow - absl::Hours(1));  // The machine clock went backwards meanwhile.
  paris_.store = RocksStore::Open({.path = dir_.Sub("paris")}).value();
  HybridClock fresh(&clock_, absl::Minutes(5));
  paris_.oplog = Oplog::Open(paris_.store.get(), &clock_, &fresh, &paris_.signer, "paris").value();
  EXPECT_EQ(paris_.oplog->self().incarnation(), origin.incarnation());
  v1::OplogEntry next = paris_.Write("3");
  EXPECT_EQ(next.seq(), 3u);
  EXPECT_GT(std::make_pair(next.hlc().wall_micros(), next.hlc().logical()),
            std::make_pair(last.hlc().wall_micros(), last.hlc().logical()));
}

// Every signature a node stores verifies: it keeps only those it checked.
void ExpectEveryStoredSignatureVerifies(Oplog& oplog, const v1::Origin& origin,
                                        const EntryVerifier& keys) {
  std::string chain(32, '\0');
  const std::vector<v1::OplogEntry> stored = oplog.Read(origin, 0, 100000).value();
  for (const v1::OplogEntry& entry : stored) {
    chain = Oplog::ChainHash(chain, entry);
    if (entry.signature().empty()) continue;
    EXPECT_TRUE(keys.Verify(origin.site_id(), chain, entry.signature()).ok()) << entry.seq();
  }
}

std::vector<v1::OplogEntry> ReadAll(Oplog& oplog, const v1::Origin& origin) {
  return oplog.Read(origin, 0, 100000).value();
}

TEST_F(OplogTest, TheWiresRejectedFlagIsIgnored) {
  std::vector<v1::OplogEntry> entries = {paris_.Write("1"), paris_.Write("2"), paris_.Write("3")};
  entries[1].set_rejected(true);  // A relay flips the flag of a true entry.
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 3);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_FALSE(ReadAll(*receiver->oplog, paris_.oplog->self())[1].rejected());
  EXPECT_TRUE(
      receiver->store->Get(Table::kEvents, KeyBuilder().AddString("paris").AddString("2").Build())
          ->has_value());
  // Nor does a node send its own verdicts.
  entries = {paris_.Write("bad")};
  ASSERT_EQ(receiver->oplog->ApplyRemote(entries, keys_, applier_)->rejected, 1);
  const std::vector<v1::OplogEntry> sent =
      receiver->oplog->ReadBatch(paris_.oplog->self(), 0).value();
  for (const v1::OplogEntry& entry : sent) {
    EXPECT_FALSE(entry.rejected());
  }
}

TEST_F(OplogTest, SignaturesInTheMiddleOfABatchAreNeitherStoredUncheckedNorRelayed) {
  std::vector<v1::OplogEntry> entries;
  for (int i = 0; i < 5; ++i) entries.push_back(paris_.Write(absl::StrCat("e", i)));
  entries[2].set_signature(std::string(64, 'x'));  // Forged by a relay; the chain still holds.
  auto relay = Receiver("relay");
  Oplog::ApplyReport report = relay->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 5);
  ExpectEveryStoredSignatureVerifies(*relay->oplog, paris_.oplog->self(), keys_);

  // What the relay sends on ends on a signature it checked, and applies downstream.
  std::vector<v1::OplogEntry> batch = relay->oplog->ReadBatch(paris_.oplog->self(), 0).value();
  ASSERT_EQ(batch.size(), 5u);
  EXPECT_FALSE(batch.back().signature().empty());
  auto downstream = Receiver("downstream");
  EXPECT_EQ(downstream->oplog->ApplyRemote(batch, keys_, applier_)->applied, 5);
  ExpectEveryStoredSignatureVerifies(*downstream->oplog, paris_.oplog->self(), keys_);
}

TEST_F(OplogTest, BatchesAreBoundedInBytesAndEndOnASignedEntry) {
  const std::string large(Oplog::kMaxPayloadBytes, 'p');
  for (int i = 0; i < 40; ++i) paris_.Write(absl::StrCat(i, large).substr(0, large.size()));
  auto relay = Receiver("relay");
  auto downstream = Receiver("downstream");
  // Hop by hop, batch by batch, as Pull sends them.
  for (Site* from : {&paris_, relay.get()}) {
    Site* to = from == &paris_ ? relay.get() : downstream.get();
    uint64_t after = 0;
    int batches = 0;
    while (after < 40) {
      std::vector<v1::OplogEntry> batch =
          from->oplog->ReadBatch(paris_.oplog->self(), after).value();
      ASSERT_FALSE(batch.empty());
      size_t bytes = 0;
      for (const v1::OplogEntry& entry : batch) bytes += entry.ByteSizeLong();
      EXPECT_LE(bytes, Oplog::kMaxSpanBytes);
      EXPECT_FALSE(batch.back().signature().empty());
      ASSERT_EQ(to->oplog->ApplyRemote(batch, keys_, applier_)->applied,
                static_cast<int>(batch.size()));
      after = batch.back().seq();
      ++batches;
    }
    EXPECT_GE(batches,
              40 * static_cast<int>(large.size()) / static_cast<int>(Oplog::kMaxSpanBytes));
  }
  EXPECT_EQ(downstream->oplog->Vector().at(0).seq(), 40u);
  ExpectEveryStoredSignatureVerifies(*downstream->oplog, paris_.oplog->self(), keys_);
}

TEST_F(OplogTest, AnOversizedPayloadIsRefusedWhenWrittenAndHeldWhenReceived) {
  absl::StatusOr<v1::OplogEntry> written =
      paris_.oplog->CommitLocal([&](Transaction&, HybridTime) -> absl::StatusOr<LocalEntry> {
        return LocalEntry(v1::ENTRY_KIND_EVENT, std::string(Oplog::kMaxPayloadBytes + 1, 'x'));
      });
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(paris_.oplog->Vector().empty());

  // A site that writes one anyway holds back only its own origin.
  auth::Ed25519PrivateKey lyon_key = auth::Ed25519PrivateKey::Generate();
  keys_.Add("lyon", lyon_key.PublicKey());
  testing::OriginWriter lyon("lyon", 1, lyon_key, absl::ToUnixMicros(kNow));
  std::vector<v1::OplogEntry> entries = {
      lyon.Next(v1::ENTRY_KIND_EVENT, "small"),
      lyon.Next(v1::ENTRY_KIND_EVENT, std::string(Oplog::kMaxPayloadBytes + 1, 'x')),
      paris_.Write("p1")};
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);  // lyon's first entry and paris's.
  EXPECT_EQ(report.refused, 1);
  ASSERT_EQ(report.holds.size(), 1u);
  EXPECT_EQ(report.holds[0].origin.site_id(), "lyon");
  EXPECT_EQ(report.holds[0].reason, v1::HOLD_REASON_OVERSIZED);
  EXPECT_EQ(report.holds[0].held_after, 1u);
}

TEST_F(OplogTest, AnUnknownOriginIsHeldWhileTheOthersApply) {
  testing::OriginWriter ghost("ghost", 7, auth::Ed25519PrivateKey::Generate(),
                              absl::ToUnixMicros(kNow));
  std::vector<v1::OplogEntry> entries = {ghost.Next(v1::ENTRY_KIND_EVENT, "g1"),
                                         ghost.Next(v1::ENTRY_KIND_EVENT, "g2"), paris_.Write("p1"),
                                         milan_.Write("m1")};
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 2);
  EXPECT_EQ(report.held, 2);
  EXPECT_EQ(report.refused, 0);  // Not known yet is not refused: it waits.
  ASSERT_EQ(report.holds.size(), 1u);
  EXPECT_EQ(report.holds[0].reason, v1::HOLD_REASON_UNKNOWN_SITE);
  EXPECT_EQ(receiver->oplog->Vector().size(), 2u);
}

TEST_F(OplogTest, AnUnsignedSpanLongerThanTheBoundIsRefused) {
  std::vector<v1::OplogEntry> entries;
  for (size_t i = 0; i <= Oplog::kMaxSpanEntries; ++i) {
    entries.push_back(paris_.Write(absl::StrCat(i)));
  }
  for (size_t i = 0; i + 1 < entries.size(); ++i) entries[i].clear_signature();
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, 0);
  ASSERT_EQ(report.holds.size(), 1u);
  EXPECT_EQ(report.holds[0].reason, v1::HOLD_REASON_UNSIGNED_SPAN);
  // One entry shorter, the span is within the bound: one signature covers it.
  entries.erase(entries.begin() + entries.size() - 2);
  entries.back() = paris_.oplog->Read(paris_.oplog->self(), Oplog::kMaxSpanEntries - 1, 1)->at(0);
  report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, static_cast<int>(Oplog::kMaxSpanEntries));
  EXPECT_TRUE(report.holds.empty());
}

TEST_F(OplogTest, ASiteHasABoundedNumberOfIncarnations) {
  std::vector<v1::OplogEntry> entries;
  for (uint64_t incarnation = 1; incarnation <= Oplog::kMaxIncarnationsPerSite + 2; ++incarnation) {
    testing::OriginWriter restored("paris", incarnation, paris_.key, absl::ToUnixMicros(kNow));
    entries.push_back(restored.Next(v1::ENTRY_KIND_EVENT, absl::StrCat("i", incarnation)));
  }
  auto receiver = Receiver("a");
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote(entries, keys_, applier_).value();
  EXPECT_EQ(report.applied, static_cast<int>(Oplog::kMaxIncarnationsPerSite));
  EXPECT_EQ(report.refused, 2);
  ASSERT_EQ(report.holds.size(), 2u);
  EXPECT_EQ(report.holds[0].reason, v1::HOLD_REASON_TOO_MANY_INCARNATIONS);
  // Later calls count what is stored.
  testing::OriginWriter another("paris", 1000, paris_.key, absl::ToUnixMicros(kNow));
  report = receiver->oplog->ApplyRemote({another.Next(v1::ENTRY_KIND_EVENT, "x")}, keys_, applier_)
               .value();
  EXPECT_EQ(report.applied, 0);
  EXPECT_EQ(report.refused, 1);
}

TEST_F(OplogTest, RedactionDropsPayloadsKeepsChainsAndNeedsTheOwnersNotice) {
  const std::string ada = "paris-00000000000000ad";
  auto write_about = [&](const std::string& payload, bool redact) {
    return paris_.oplog
        ->CommitLocal([&](Transaction& txn, HybridTime) -> absl::StatusOr<LocalEntry> {
          if (redact) {
            paris_.oplog->AssertInsideCommitLocal();
            if (absl::Status s = paris_.oplog->RedactLocal(txn, ada); !s.ok()) return s;
          }
          return LocalEntry(v1::ENTRY_KIND_MEMBER, payload, ada);
        })
        .value();
  };
  const v1::OplogEntry registration = write_about("ada@example.org", false);
  paris_.Write("an event");
  auto early = Receiver("early");  // Holds the registration before the erasure.
  ASSERT_EQ(early->oplog->ApplyRemote({registration}, keys_, applier_)->applied, 1);
  write_about("erased", true);

  // The owner's log keeps the digest, not the payload; the erasure itself stays.
  std::vector<v1::OplogEntry> stored = ReadAll(*paris_.oplog, paris_.oplog->self());
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_TRUE(stored[0].payload().empty());
  EXPECT_FALSE(stored[0].redacted_payload_sha256().empty());
  EXPECT_EQ(stored[1].payload(), "an event");
  EXPECT_EQ(stored[2].payload(), "erased");
  EXPECT_TRUE(paris_.store->Get(Table::kMeta, Oplog::kScrubPendingKey)->has_value());

  // Sent on with the notice, the redacted entries verify and apply downstream.
  const std::vector<v1::OplogEntry> batch =
      paris_.oplog->ReadBatch(paris_.oplog->self(), 0).value();
  const std::vector<v1::RedactionNotice> notices = paris_.oplog->RedactionsFor(batch).value();
  ASSERT_EQ(notices.size(), 1u);
  auto late = Receiver("late");
  Oplog::ApplyReport report = late->oplog->ApplyRemote(batch, keys_, applier_, notices).value();
  EXPECT_EQ(report.applied, 3);
  EXPECT_TRUE(ReadAll(*late->oplog, paris_.oplog->self())[0].payload().empty());
  ExpectEveryStoredSignatureVerifies(*late->oplog, paris_.oplog->self(), keys_);

  // A node that held the payload drops it when the notice comes.
  report = early->oplog->ApplyRemote(batch, keys_, applier_, notices).value();
  EXPECT_EQ(report.applied, 2);
  EXPECT_TRUE(ReadAll(*early->oplog, paris_.oplog->self())[0].payload().empty());

  // Without the notice, or with one the owner did not sign, a redacted entry is not taken:
  // a relay cannot silence a member by passing its entries off as erased.
  auto wary = Receiver("wary");
  report = wary->oplog->ApplyRemote(batch, keys_, applier_).value();
  EXPECT_EQ(report.applied, 0);
  ASSERT_EQ(report.holds.size(), 1u);
  EXPECT_EQ(report.holds[0].reason, v1::HOLD_REASON_UNJUSTIFIED_REDACTION);
  v1::RedactionNotice forged = notices[0];
  forged.set_signature(milan_.key.Sign(Oplog::RedactionDigest(ada)));
  report = wary->oplog->ApplyRemote(batch, keys_, applier_, {forged}).value();
  EXPECT_EQ(report.applied, 0);
  EXPECT_GE(report.refused, 1);
  EXPECT_TRUE(wary->oplog->Vector().empty());
}

// Counts the commits of its transactions, synced or not.
class CommitCountingStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::unique_ptr<Transaction> BeginTransaction() override {
    return std::make_unique<Counting>(inner().BeginTransaction(), this);
  }
  int synced() const { return synced_; }
  int unsynced() const { return unsynced_; }

 private:
  class Counting final : public testing::ForwardingTransaction {
   public:
    Counting(std::unique_ptr<Transaction> inner, CommitCountingStore* store)
        : ForwardingTransaction(std::move(inner)), store_(store) {}
    absl::Status Commit() override {
      ++store_->synced_;
      return inner().Commit();
    }
    absl::Status CommitWithoutSync() override {
      ++store_->unsynced_;
      return inner().CommitWithoutSync();
    }

   private:
    CommitCountingStore* const store_;
  };

  std::atomic<int> synced_{0};
  std::atomic<int> unsynced_{0};
};

// Another origin's entries are signed and can be pulled again: their commit does not wait
// for the disk. This node's own entries, and an erasure, do.
TEST_F(OplogTest, OnlyOwnEntriesAndErasuresWaitForTheDisk) {
  const std::string ada = "paris-00000000000000ad";
  paris_.oplog
      ->CommitLocal([&](Transaction&, HybridTime) -> absl::StatusOr<LocalEntry> {
        return LocalEntry(v1::ENTRY_KIND_MEMBER, "ada@example.org", ada);
      })
      .value();
  paris_.Write("an event");
  paris_.oplog
      ->CommitLocal([&](Transaction& txn, HybridTime) -> absl::StatusOr<LocalEntry> {
        paris_.oplog->AssertInsideCommitLocal();
        if (absl::Status s = paris_.oplog->RedactLocal(txn, ada); !s.ok()) return s;
        return LocalEntry(v1::ENTRY_KIND_MEMBER, "erased", ada);
      })
      .value();
  const std::vector<v1::OplogEntry> paris_entries =
      paris_.oplog->ReadBatch(paris_.oplog->self(), 0).value();
  const std::vector<v1::RedactionNotice> notices =
      paris_.oplog->RedactionsFor(paris_entries).value();
  ASSERT_EQ(notices.size(), 1u);

  std::unique_ptr<RocksStore> rocks = RocksStore::Open({.path = dir_.Sub("counted")}).value();
  CommitCountingStore store(rocks.get());
  HybridClock hlc(&clock_, absl::Minutes(5));
  const replication::KeySigner rome_signer(auth::Ed25519PrivateKey::Generate());
  std::unique_ptr<Oplog> oplog = Oplog::Open(&store, &clock_, &hlc, &rome_signer, "rome").value();
  const int synced_at_open = store.synced();

  // Milan's entries: applied, not synced.
  const std::vector<v1::OplogEntry> milan_entries = {milan_.Write("m1"), milan_.Write("m2")};
  EXPECT_EQ(oplog->ApplyRemote(milan_entries, keys_, applier_)->applied, 2);
  EXPECT_EQ(store.unsynced(), 1);
  EXPECT_EQ(store.synced(), synced_at_open);
  // Paris's, with the notice of its erasure: synced.
  EXPECT_EQ(oplog->ApplyRemote(paris_entries, keys_, applier_, notices)->applied, 3);
  EXPECT_EQ(store.synced(), synced_at_open + 1);
  EXPECT_EQ(store.unsynced(), 1);
  // A local write: synced.
  oplog
      ->CommitLocal([&](Transaction&, HybridTime) -> absl::StatusOr<LocalEntry> {
        return LocalEntry(v1::ENTRY_KIND_EVENT, "r1");
      })
      .value();
  EXPECT_EQ(store.synced(), synced_at_open + 2);
  EXPECT_EQ(store.unsynced(), 1);
}

// A bootstrap's path: batches applied into an overlay whose loads run in the background
// while the next batches apply, then the rest loaded; the store ends as a direct apply's.
TEST_F(OplogTest, ThroughAnOverlayLoadedInTheBackgroundTheStateIsADirectApplys) {
  std::vector<std::vector<v1::OplogEntry>> batches(6);
  for (int i = 0; i < 30; ++i) {
    const std::string payload = i == 7 ? "bad" : i == 12 ? "late-bad" : absl::StrCat("p", i);
    batches[i / 5].push_back(paris_.Write(payload));
    batches[i / 5].push_back(milan_.Write(absl::StrCat("m", i)));
  }
  auto direct = Receiver("a");
  for (const auto& batch : batches) {
    ASSERT_TRUE(direct->oplog->ApplyRemote(batch, keys_, applier_).ok());
  }
  auto bootstrapped = Receiver("b");
  {
    OverlayStore overlay(bootstrapped->store.get());
    std::unique_ptr<Oplog> staged =
        Oplog::Open(&overlay, &clock_, &bootstrapped->hlc, &bootstrapped->signer, "b").value();
    for (size_t i = 0; i < batches.size(); ++i) {
      const Oplog::ApplyReport report = staged->ApplyRemote(batches[i], keys_, applier_).value();
      EXPECT_EQ(report.applied + report.rejected, 10);
      if (i % 2 == 1) {
        ASSERT_TRUE(overlay.FlushInBackground().ok());
      }
    }
    ASSERT_TRUE(overlay.Flush().ok());
  }
  ASSERT_TRUE(bootstrapped->oplog->ReloadVector().ok());
  EXPECT_EQ(bootstrapped->Digest(), direct->Digest());
  EXPECT_EQ(Oplog::HeadsOf(bootstrapped->oplog->Vector()), Oplog::HeadsOf(direct->oplog->Vector()));
}

}  // namespace
}  // namespace cantine::storage
