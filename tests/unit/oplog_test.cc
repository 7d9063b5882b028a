#include "storage/oplog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/federation/entry_signing.h"
#include "storage/digest.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
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
        ->CommitLocal(
            [&](Transaction&, HybridTime) -> absl::StatusOr<std::pair<v1::EntryKind, std::string>> {
              return std::make_pair(v1::ENTRY_KIND_EVENT, payload);
            })
        .value();
  }
  std::string Digest() {
    return DigestTables(*store, {Table::kEvents, Table::kOplog, Table::kVersionVector}).value();
  }

  auth::Ed25519PrivateKey key;
  federation::KeySigner signer;
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

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  Site paris_;
  Site milan_;
  federation::SiteKeyRing keys_;
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
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote({second}, keys_, applier_).value();
  EXPECT_EQ(report.applied, 0);
  EXPECT_EQ(report.held, 1);
  EXPECT_TRUE(receiver->oplog->Vector().empty());
  report = receiver->oplog->ApplyRemote({first, second}, keys_, applier_).value();
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
  Oplog::ApplyReport report = receiver->oplog->ApplyRemote({ahead}, keys_, applier_).value();
  EXPECT_EQ(report.applied, 0);
  EXPECT_EQ(report.held, 1);
  EXPECT_TRUE(receiver->oplog->Vector().empty());
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

}  // namespace
}  // namespace cantine::storage
