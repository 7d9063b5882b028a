#include "services/event/event_board.h"

#include <algorithm>
#include <atomic>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/event/event_codec.h"
#include "storage/hybrid_clock.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fixed_signer.h"
#include "tests/support/paris.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/site_log.h"
#include "tests/support/temp_dir.h"

namespace cantine::event {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  absl::LoadTimeZone(name, &zone);
  return zone;
}

const absl::TimeZone kParis = Zone("Europe/Paris");
const absl::TimeZone kLosAngeles = Zone("America/Los_Angeles");
// Monday 2027-01-04, 08:00 in Paris.
const absl::Time kNow = absl::FromCivil(absl::CivilMinute(2027, 1, 4, 8, 0), kParis);

const domain::SiteProfile kParisSite = testing::ParisProfile();

domain::EventDraft Draft(absl::CivilMinute start, absl::CivilMinute end) {
  return {.title = "Apéro du futur",
          .description = "Drinks and demos on the mezzanine.",
          .tags = {"apero", "demo"},
          .local_start = start,
          .local_end = end,
          .capacity = 80};
}

const absl::CivilMinute kThursday19h(2027, 1, 7, 19, 0);
const absl::CivilMinute kThursday22h(2027, 1, 7, 22, 0);

// A valid event of another host, as its own node would have written it.
domain::Event RemoteEvent(const std::string& host, const std::string& city, const char* zone_name,
                          uint64_t n, absl::CivilMinute start, absl::CivilMinute end) {
  domain::Event event;
  event.event_id = absl::StrFormat("%s-%016x", host, n);
  event.host_site_id = host;
  event.city = city;
  event.title = absl::StrCat("Talk ", n, " in ", city);
  event.time_zone = zone_name;
  event.local_start = start;
  event.local_end = end;
  event.start = absl::FromCivil(start, Zone(zone_name));
  event.end = absl::FromCivil(end, Zone(zone_name));
  event.capacity = 40;
  event.update_time = kNow;
  return event;
}

v1::OplogEntry EntryOf(const domain::Event& event, const std::string& origin, uint64_t seq,
                       int64_t wall_micros, uint32_t logical = 0) {
  v1::OplogEntry entry;
  entry.mutable_origin()->set_site_id(origin);
  entry.mutable_origin()->set_incarnation(1);
  entry.set_seq(seq);
  entry.mutable_hlc()->set_wall_micros(wall_micros);
  entry.mutable_hlc()->set_logical(logical);
  entry.set_kind(v1::ENTRY_KIND_EVENT);
  v1::EventChange change;
  *change.mutable_event() = EventToProto(event);
  entry.set_payload(change.SerializeAsString());
  entry.set_signature("test-signature");
  return entry;
}

// One node's store, oplog and event board, in its own folder.
class TestNode {
 public:
  // `synced` false skips the fsync of each commit, for tests that open many stores.
  explicit TestNode(const std::string& path, const testing::FakeClock* clock,
                    domain::IdGenerator* ids, bool synced = true)
      : log_(path, clock, &signer_, "paris", absl::Minutes(1), synced) {
    board_ = std::make_unique<EventBoard>(log_.store(), log_.oplog(), clock, ids, kParisSite);
  }

  EventBoard& board() { return *board_; }
  storage::Oplog& oplog() { return *log_.oplog(); }
  storage::RocksStore& store() { return *log_.store(); }

  // Applies one remote entry in its own transaction.
  absl::Status Apply(const v1::OplogEntry& entry) {
    std::unique_ptr<storage::Transaction> txn = log_.store()->BeginTransaction();
    if (absl::Status s = board_->ApplyRemote(*txn, entry); !s.ok()) return s;
    return txn->Commit();
  }

  // The raw rows of the events table.
  std::vector<storage::KeyValue> EventRows() {
    return log_.store()->Scan(storage::Table::kEvents, "", 10000).value();
  }

  // This node's own oplog entries.
  std::vector<v1::OplogEntry> OwnEntries() {
    return log_.oplog()->Read(log_.oplog()->self(), 0, 1000).value();
  }

  uint64_t OwnSeq() {
    for (const v1::VersionVectorEntry& entry : log_.oplog()->Vector()) {
      if (entry.origin().site_id() == "paris") return entry.seq();
    }
    return 0;
  }

 private:
  testing::FixedSigner signer_;
  testing::SiteLog log_;
  std::unique_ptr<EventBoard> board_;
};

class EventBoardTest : public ::testing::Test {
 protected:
  EventBoard& board() { return node_->board(); }

  std::vector<std::string> ListIds(const domain::EventFilter& filter) {
    absl::StatusOr<EventBoard::Page> page = board().List(filter, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const domain::Event& event : page->items) ids.push_back(event.event_id);
    return ids;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  testing::SequentialIds ids_;
  std::unique_ptr<TestNode> node_ = std::make_unique<TestNode>(dir_.Sub("db"), &clock_, &ids_);
};

TEST_F(EventBoardTest, AnnounceStoresTheEventAndCommitsOneEventEntry) {
  absl::StatusOr<domain::Event> event = board().Announce(Draft(kThursday19h, kThursday22h));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->event_id, "paris-0000000000000001");
  EXPECT_EQ(event->host_site_id, "paris");
  EXPECT_EQ(event->city, "Paris");
  EXPECT_EQ(event->time_zone, "Europe/Paris");
  EXPECT_EQ(event->start, absl::FromCivil(kThursday19h, kParis));
  EXPECT_EQ(event->end, absl::FromCivil(kThursday22h, kParis));
  EXPECT_EQ(event->state, domain::EventState::kScheduled);
  EXPECT_EQ(event->update_time, kNow);

  std::vector<v1::OplogEntry> entries = node_->OwnEntries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq(), 1u);
  EXPECT_EQ(entries[0].kind(), v1::ENTRY_KIND_EVENT);
  v1::EventChange change;
  ASSERT_TRUE(change.ParseFromString(entries[0].payload()));
  absl::StatusOr<domain::Event> replicated = EventFromProto(change.event());
  ASSERT_TRUE(replicated.ok()) << replicated.status();
  EXPECT_EQ(*replicated, *event);

  // The stored record carries the entry's stamp.
  std::vector<storage::KeyValue> rows = node_->EventRows();
  ASSERT_EQ(rows.size(), 1u);
  v1::StoredEvent stored;
  ASSERT_TRUE(stored.ParseFromString(rows[0].value));
  EXPECT_EQ(stored.stamp().site_id(), "paris");
  EXPECT_EQ(stored.stamp().hlc().wall_micros(), entries[0].hlc().wall_micros());
  EXPECT_EQ(stored.stamp().hlc().logical(), entries[0].hlc().logical());

  absl::StatusOr<domain::Event> read = board().Get(event->event_id);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, *event);
}

TEST_F(EventBoardTest, AnIdThatNamesAnEventIsNotGivenToAnother) {
  const domain::Event first = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  testing::RepeatingIds repeating({testing::UniquePart(first.event_id), "00000000000000ff"});
  EventBoard restarted(&node_->store(), &node_->oplog(), &clock_, &repeating, kParisSite);

  domain::EventDraft draft = Draft(kThursday19h, kThursday22h);
  draft.title = "Second";
  absl::StatusOr<domain::Event> second = restarted.Announce(draft);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->event_id, "paris-00000000000000ff");
  EXPECT_EQ(board().Get(first.event_id)->title, first.title);
  EXPECT_EQ(board().Get(second->event_id)->title, "Second");
  EXPECT_EQ(node_->OwnSeq(), 2u);
}

TEST_F(EventBoardTest, BadAnnouncementsNameTheFieldAndWriteNothing) {
  struct Case {
    const char* name;
    domain::EventDraft draft;
    absl::StatusCode code;
    const char* message;
  };
  const auto with = [](auto change) {
    domain::EventDraft draft = Draft(kThursday19h, kThursday22h);
    change(draft);
    return draft;
  };
  using D = domain::EventDraft;
  const std::vector<Case> cases = {
      {"no title", with([](D& d) { d.title = "  "; }), absl::StatusCode::kInvalidArgument,
       "title is required"},
      {"long title", with([](D& d) { d.title = std::string(201, 'a'); }),
       absl::StatusCode::kInvalidArgument, "title is 201 bytes"},
      {"long description", with([](D& d) { d.description = std::string(2001, 'a'); }),
       absl::StatusCode::kInvalidArgument, "description is 2001 bytes"},
      {"eleven tags", with([](D& d) {
         d.tags.clear();
         for (int i = 0; i < 11; ++i) d.tags.push_back(absl::StrCat("tag", i));
       }),
       absl::StatusCode::kInvalidArgument, "tags has 11 entries"},
      {"tag not a slug", with([](D& d) {
         d.tags = {"apero", "Demo Night"};
       }),
       absl::StatusCode::kInvalidArgument, "tags[1]"},
      {"tag twice", with([](D& d) {
         d.tags = {"apero", "apero"};
       }),
       absl::StatusCode::kInvalidArgument, "'apero' twice"},
      {"no seats", with([](D& d) { d.capacity = 0; }), absl::StatusCode::kInvalidArgument,
       "capacity is 0"},
      {"too many seats", with([](D& d) { d.capacity = 10001; }), absl::StatusCode::kInvalidArgument,
       "capacity is 10001"},
      {"end before start", with([](D& d) { d.local_end = kThursday19h - 30; }),
       absl::StatusCode::kInvalidArgument, "must be after start"},
      {"empty span", with([](D& d) { d.local_end = d.local_start; }),
       absl::StatusCode::kInvalidArgument, "must be after start"},
      {"fifteen days", with([](D& d) { d.local_end = d.local_start + 14 * 24 * 60 + 1; }),
       absl::StatusCode::kInvalidArgument, "more than 14 days"},
      {"in the past", with([](D& d) { d.local_start = absl::CivilMinute(2027, 1, 4, 7, 59); }),
       absl::StatusCode::kFailedPrecondition, "is in the past"},
      {"in a DST gap", with([](D& d) {
         d.local_start = absl::CivilMinute(2027, 3, 28, 2, 30);
         d.local_end = absl::CivilMinute(2027, 3, 28, 5, 0);
       }),
       absl::StatusCode::kInvalidArgument, "does not exist in Europe/Paris"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<domain::Event> event = board().Announce(c.draft);
    EXPECT_EQ(event.status().code(), c.code) << c.name << ": " << event.status();
    EXPECT_THAT(event.status().message(), HasSubstr(c.message)) << c.name;
  }
  EXPECT_TRUE(node_->EventRows().empty());
  EXPECT_EQ(node_->OwnSeq(), 0u);
  // Fourteen days exactly is allowed.
  EXPECT_TRUE(board().Announce(Draft(kThursday19h, kThursday19h + 14 * 24 * 60)).ok());
  EXPECT_EQ(node_->OwnSeq(), 1u);
}

TEST_F(EventBoardTest, UpdateChangesOnlyTheFieldsSetAndCommitsAnEntry) {
  const domain::Event event = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  clock_.Advance(absl::Hours(1));
  domain::EventUpdate update;
  update.title = "Barcamp";
  update.local_start = kThursday19h + 60;
  update.tags = std::vector<std::string>{};
  absl::StatusOr<domain::Event> updated = board().Update(event.event_id, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title, "Barcamp");
  EXPECT_EQ(updated->description, event.description);
  EXPECT_TRUE(updated->tags.empty());
  EXPECT_EQ(updated->local_start, kThursday19h + 60);
  EXPECT_EQ(updated->start, absl::FromCivil(kThursday19h + 60, kParis));
  EXPECT_EQ(updated->local_end, kThursday22h);
  EXPECT_EQ(updated->capacity, 80);
  EXPECT_EQ(updated->update_time, kNow + absl::Hours(1));
  EXPECT_EQ(*board().Get(event.event_id), *updated);

  std::vector<v1::OplogEntry> entries = node_->OwnEntries();
  ASSERT_EQ(entries.size(), 2u);
  v1::EventChange change;
  ASSERT_TRUE(change.ParseFromString(entries[1].payload()));
  EXPECT_EQ(change.event().title(), "Barcamp");
  EXPECT_EQ(change.event().start().hours(), 20);

  // The same update again changes nothing and takes no sequence number.
  absl::StatusOr<domain::Event> again = board().Update(event.event_id, update);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *updated);
  EXPECT_EQ(node_->OwnSeq(), 2u);
}

TEST_F(EventBoardTest, BadUpdatesWriteNothing) {
  const domain::Event event = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  const std::vector<storage::KeyValue> before = node_->EventRows();

  domain::EventUpdate bad_capacity;
  bad_capacity.capacity = -3;
  EXPECT_THAT(board().Update(event.event_id, bad_capacity).status().message(),
              HasSubstr("capacity is -3"));
  domain::EventUpdate end_first;
  end_first.local_end = kThursday19h - 60;
  EXPECT_EQ(board().Update(event.event_id, end_first).status().code(),
            absl::StatusCode::kInvalidArgument);
  domain::EventUpdate into_past;
  into_past.local_start = absl::CivilMinute(2027, 1, 3, 19, 0);
  EXPECT_EQ(board().Update(event.event_id, into_past).status().code(),
            absl::StatusCode::kFailedPrecondition);
  domain::EventUpdate title;
  title.title = "Barcamp";
  EXPECT_EQ(board().Update("paris-00000000000000ff", title).status().code(),
            absl::StatusCode::kNotFound);

  EXPECT_EQ(node_->EventRows().size(), before.size());
  EXPECT_EQ(node_->EventRows()[0].value, before[0].value);
  EXPECT_EQ(node_->OwnSeq(), 1u);

  // Once it has started, an event may still change without moving its start.
  clock_.Set(absl::FromCivil(kThursday19h + 30, kParis));
  domain::EventUpdate later_end;
  later_end.local_end = kThursday22h + 60;
  EXPECT_TRUE(board().Update(event.event_id, later_end).ok());
  EXPECT_EQ(node_->OwnSeq(), 2u);
}

TEST_F(EventBoardTest, CancelIsIdempotentAndACancelledEventNoLongerChanges) {
  const domain::Event event = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<domain::Event> cancelled = board().Cancel(event.event_id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, domain::EventState::kCancelled);
  EXPECT_EQ(cancelled->update_time, kNow + absl::Minutes(5));
  EXPECT_EQ(node_->OwnSeq(), 2u);
  std::vector<v1::OplogEntry> entries = node_->OwnEntries();
  v1::EventChange change;
  ASSERT_TRUE(change.ParseFromString(entries.back().payload()));
  EXPECT_EQ(change.event().state(), v1::EVENT_STATE_CANCELLED);

  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<domain::Event> again = board().Cancel(event.event_id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *cancelled);
  EXPECT_EQ(node_->OwnSeq(), 2u);

  domain::EventUpdate update;
  update.title = "Back on";
  absl::StatusOr<domain::Event> revived = board().Update(event.event_id, update);
  EXPECT_EQ(revived.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(revived.status().message(), HasSubstr("cancelled"));
  EXPECT_EQ(board().Cancel("paris-00000000000000ff").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(node_->OwnSeq(), 2u);
}

TEST_F(EventBoardTest, ChangesToAnotherHostsEventAreRefusedNamingTheHost) {
  const domain::Event milan =
      RemoteEvent("milan", "Milano", "Europe/Rome", 7, kThursday19h, kThursday22h);
  ASSERT_TRUE(node_->Apply(EntryOf(milan, "milan", 1, absl::ToUnixMicros(kNow))).ok());

  domain::EventUpdate update;
  update.title = "Hijacked";
  absl::StatusOr<domain::Event> updated = board().Update(milan.event_id, update);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(updated.status().message(),
            "event milan-0000000000000007 is hosted by milan; change it there");
  absl::StatusOr<domain::Event> cancelled = board().Cancel(milan.event_id);
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(cancelled.status().message(), HasSubstr("hosted by milan"));

  EXPECT_EQ(node_->OwnSeq(), 0u);
  EXPECT_EQ(*board().Get(milan.event_id), milan);
}

TEST_F(EventBoardTest, RemoteEntriesConvergeWhateverTheOrder) {
  domain::Event first =
      RemoteEvent("milan", "Milano", "Europe/Rome", 1, kThursday19h, kThursday22h);
  domain::Event second = first;
  second.title = "Moved upstairs";
  domain::Event third = second;
  third.state = domain::EventState::kCancelled;
  domain::Event other =
      RemoteEvent("berlin", "Berlin", "Europe/Berlin", 2, kThursday19h, kThursday22h);
  const int64_t t = absl::ToUnixMicros(kNow);
  // The second and third share a wall time: the logical counter orders them.
  std::vector<v1::OplogEntry> entries = {
      EntryOf(first, "milan", 1, t), EntryOf(second, "milan", 2, t + 10),
      EntryOf(third, "milan", 3, t + 10, 1), EntryOf(other, "berlin", 1, t + 5)};

  std::vector<storage::KeyValue> expected;
  std::vector<int> order = {0, 1, 2, 3};
  int permutations = 0;
  do {
    testing::TempDir dir;
    TestNode node(dir.Sub("db"), &clock_, &ids_, /*synced=*/false);
    for (int i : order) ASSERT_TRUE(node.Apply(entries[i]).ok());
    std::vector<storage::KeyValue> rows = node.EventRows();
    if (expected.empty()) {
      expected = rows;
      ASSERT_EQ(expected.size(), 2u);
    } else {
      ASSERT_EQ(rows.size(), expected.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].key, expected[i].key);
        EXPECT_EQ(rows[i].value, expected[i].value)
            << "order differs at permutation " << permutations;
      }
    }
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);

  // The newest of each event won.
  v1::StoredEvent stored;
  ASSERT_TRUE(stored.ParseFromString(expected[0].value));
  EXPECT_EQ(stored.event().event_id(), "berlin-0000000000000002");
  ASSERT_TRUE(stored.ParseFromString(expected[1].value));
  EXPECT_EQ(stored.event().title(), "Moved upstairs");
  EXPECT_EQ(stored.event().state(), v1::EVENT_STATE_CANCELLED);
  EXPECT_EQ(stored.stamp().hlc().logical(), 1u);
}

TEST_F(EventBoardTest, AnOlderEntryAfterANewerOneIsIgnored) {
  domain::Event older =
      RemoteEvent("milan", "Milano", "Europe/Rome", 1, kThursday19h, kThursday22h);
  domain::Event newer = older;
  newer.title = "Newer title";
  const int64_t t = absl::ToUnixMicros(kNow);
  ASSERT_TRUE(node_->Apply(EntryOf(newer, "milan", 2, t + 100)).ok());
  EXPECT_TRUE(node_->Apply(EntryOf(older, "milan", 1, t)).ok());
  EXPECT_EQ(board().Get(older.event_id)->title, "Newer title");
  // The same stamp again changes nothing either.
  domain::Event same_stamp = older;
  same_stamp.title = "Same stamp";
  EXPECT_TRUE(node_->Apply(EntryOf(same_stamp, "milan", 2, t + 100)).ok());
  EXPECT_EQ(board().Get(older.event_id)->title, "Newer title");
}

TEST_F(EventBoardTest, InvalidRemoteEntriesAreInvalidArgumentAndChangeNothing) {
  const domain::Event milan =
      RemoteEvent("milan", "Milano", "Europe/Rome", 1, kThursday19h, kThursday22h);
  const int64_t t = absl::ToUnixMicros(kNow);

  v1::OplogEntry garbage = EntryOf(milan, "milan", 1, t);
  garbage.set_payload("\xff\xff not a protobuf");
  v1::OplogEntry empty = EntryOf(milan, "milan", 1, t);
  empty.set_payload(v1::EventChange().SerializeAsString());
  v1::OplogEntry wrong_kind = EntryOf(milan, "milan", 1, t);
  wrong_kind.set_kind(v1::ENTRY_KIND_MEMBER);
  // Rome writing Milan's event: only the host writes its events.
  v1::OplogEntry not_the_host = EntryOf(milan, "rome", 1, t);
  domain::Event no_seats = milan;
  no_seats.capacity = 0;
  domain::Event foreign_id = milan;
  foreign_id.event_id = "paris-0000000000000001";
  domain::Event shifted = milan;
  shifted.start += absl::Hours(1);  // Instants that disagree with the civil times.
  domain::Event unknown_zone = milan;
  unknown_zone.time_zone = "Mars/Olympus_Mons";

  const std::vector<std::pair<v1::OplogEntry, const char*>> cases = {
      {garbage, "not an EventChange"},
      {empty, "carries no event"},
      {wrong_kind, "ENTRY_KIND_MEMBER"},
      {not_the_host, "hosted by milan"},
      {EntryOf(no_seats, "milan", 1, t), "capacity is 0"},
      {EntryOf(foreign_id, "milan", 1, t), "event_id"},
      {EntryOf(shifted, "milan", 1, t), "start_time"},
      {EntryOf(unknown_zone, "milan", 1, t), "Mars/Olympus_Mons"},
  };
  for (const auto& [entry, message] : cases) {
    absl::Status status = node_->Apply(entry);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << message << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(message));
  }
  EXPECT_TRUE(node_->EventRows().empty());
}

// Through the real oplog: a bad entry fills its slot as rejected, the next one applies.
TEST_F(EventBoardTest, TheOplogStoresAnInvalidEventEntryAsRejected) {
  class AcceptAll final : public storage::EntryVerifier {
   public:
    absl::Status Verify(absl::string_view, absl::string_view, absl::string_view) const override {
      return absl::OkStatus();
    }
  };
  class BoardApplier final : public storage::EntryApplier {
   public:
    explicit BoardApplier(EventBoard* board) : board_(board) {}
    absl::Status Apply(storage::Transaction& txn, const v1::OplogEntry& entry) override {
      return board_->ApplyRemote(txn, entry);
    }
    absl::Status ApplyRedaction(storage::Transaction&, const v1::RedactionNotice&) override {
      return absl::InvalidArgumentError("events have no redactions");
    }

   private:
    EventBoard* board_;
  };
  domain::Event bad = RemoteEvent("milan", "Milano", "Europe/Rome", 1, kThursday19h, kThursday22h);
  bad.capacity = 0;
  const domain::Event good =
      RemoteEvent("milan", "Milano", "Europe/Rome", 2, kThursday19h, kThursday22h);
  const int64_t t = absl::ToUnixMicros(kNow);
  BoardApplier applier(&board());
  absl::StatusOr<storage::Oplog::ApplyReport> report = node_->oplog().ApplyRemote(
      {EntryOf(bad, "milan", 1, t), EntryOf(good, "milan", 2, t + 1)}, AcceptAll(), applier);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rejected, 1);
  EXPECT_EQ(report->applied, 1);
  EXPECT_THAT(ListIds({}), ElementsAre("milan-0000000000000002"));
}

TEST_F(EventBoardTest, ListFiltersByCitySiteTagAndState) {
  const domain::Event paris = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  domain::Event milan =
      RemoteEvent("milan", "Milano", "Europe/Rome", 1, kThursday19h + 60, kThursday22h);
  milan.tags = {"design"};
  domain::Event cancelled =
      RemoteEvent("milan", "Milano", "Europe/Rome", 2, kThursday19h - 60, kThursday22h);
  cancelled.state = domain::EventState::kCancelled;
  const int64_t t = absl::ToUnixMicros(kNow);
  ASSERT_TRUE(node_->Apply(EntryOf(milan, "milan", 1, t)).ok());
  ASSERT_TRUE(node_->Apply(EntryOf(cancelled, "milan", 2, t + 1)).ok());

  // Ordered by start time.
  EXPECT_THAT(ListIds({}), ElementsAre(paris.event_id, milan.event_id));
  EXPECT_THAT(ListIds({.include_cancelled = true}),
              ElementsAre(cancelled.event_id, paris.event_id, milan.event_id));
  EXPECT_THAT(ListIds({.city = "MILANO"}), ElementsAre(milan.event_id));
  EXPECT_THAT(ListIds({.city = "paris"}), ElementsAre(paris.event_id));
  EXPECT_THAT(ListIds({.site_id = "milan", .include_cancelled = true}),
              ElementsAre(cancelled.event_id, milan.event_id));
  EXPECT_THAT(ListIds({.tag = "apero"}), ElementsAre(paris.event_id));
  EXPECT_THAT(ListIds({.tag = "design"}), ElementsAre(milan.event_id));
  EXPECT_THAT(ListIds({.tag = "nothing"}), ElementsAre());

  EXPECT_EQ(board().List({.tag = "Not A Slug"}, 0, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(board().List({.site_id = "Milan"}, 0, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EventBoardTest, DayRangeIsInEachEventsOwnVenueTimeZone) {
  // 23:30 on January 5 in Los Angeles is 07:30 on January 6 in UTC and 08:30 in Paris.
  const domain::Event late =
      RemoteEvent("san-francisco", "San Francisco", "America/Los_Angeles", 1,
                  absl::CivilMinute(2027, 1, 5, 23, 30), absl::CivilMinute(2027, 1, 6, 1, 0));
  ASSERT_EQ(absl::CivilDay(absl::ToCivilDay(late.start, absl::UTCTimeZone())),
            absl::CivilDay(2027, 1, 6));
  // 00:30 on January 6 in Paris is still January 5 in UTC.
  const domain::Event early = board()
                                  .Announce(Draft(absl::CivilMinute(2027, 1, 6, 0, 30),
                                                  absl::CivilMinute(2027, 1, 6, 2, 0)))
                                  .value();
  ASSERT_TRUE(node_->Apply(EntryOf(late, "san-francisco", 1, absl::ToUnixMicros(kNow))).ok());

  const absl::CivilDay jan5(2027, 1, 5);
  const absl::CivilDay jan6(2027, 1, 6);
  EXPECT_THAT(ListIds({.from_day = jan5, .to_day = jan5}), ElementsAre(late.event_id));
  EXPECT_THAT(ListIds({.from_day = jan6, .to_day = jan6}), ElementsAre(early.event_id));
  EXPECT_THAT(ListIds({.from_day = jan6}), ElementsAre(early.event_id));
  EXPECT_THAT(ListIds({.to_day = jan5}), ElementsAre(late.event_id));
  // By instant, Paris's 00:30 comes before Los Angeles's 23:30 of the day before.
  EXPECT_THAT(ListIds({.from_day = jan5, .to_day = jan6}),
              ElementsAre(early.event_id, late.event_id));

  absl::StatusOr<EventBoard::Page> reversed =
      board().List({.from_day = jan6, .to_day = jan5}, 0, "");
  EXPECT_EQ(reversed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reversed.status().message(), HasSubstr("to_day 2027-01-05 is before from_day"));
}

TEST_F(EventBoardTest, ListPagesThroughEveryEventOnceInOrder) {
  std::vector<std::string> announced;
  for (int i = 0; i < 7; ++i) {
    // Two events per start time, so that the id breaks ties.
    const absl::CivilMinute start = kThursday19h + 60 * (3 - i / 2);
    announced.push_back(board().Announce(Draft(start, start + 30)).value().event_id);
  }
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<EventBoard::Page> page = board().List({}, 3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->items.size(), 3u);
    for (const domain::Event& event : page->items) listed.push_back(event.event_id);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(listed, ElementsAre(announced[6], announced[4], announced[5], announced[2],
                                  announced[3], announced[0], announced[1]));

  EXPECT_EQ(board().List({}, 0, "not a token").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(board().List({}, 0, "AAAA").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(board().List({}, -1, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(board().List({}, 1001, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(board().List({}, 1000, "")->items.size(), 7u);
  EXPECT_TRUE(board().List({}, 7, "")->next_page_token.empty());
}

TEST_F(EventBoardTest, APageReadsABoundedNumberOfEventsAndTheNextGoesOnFromThere) {
  // 25,000 events in Milan around 3 in Lyon: a Lyon listing reads them in bounded pages.
  constexpr int kEvents = 25'000;
  node_ = std::make_unique<TestNode>(dir_.Sub("unsynced"), &clock_, &ids_, /*synced=*/false);
  std::vector<std::string> lyon;
  {
    std::unique_ptr<storage::Transaction> txn = node_->store().BeginTransaction();
    for (int i = 0; i < kEvents; ++i) {
      const bool in_lyon = i == 0 || i == 1 || i == kEvents - 1;
      const absl::CivilMinute start = kThursday19h + 24 * 60 * (i / 100) + (i % 100);
      const domain::Event event =
          in_lyon ? RemoteEvent("lyon", "Lyon", "Europe/Paris", i, start, start + 30)
                  : RemoteEvent("milan", "Milan", "Europe/Rome", i, start, start + 30);
      if (in_lyon) lyon.push_back(event.event_id);
      ASSERT_TRUE(
          node_->board().ApplyRemote(*txn, EntryOf(event, event.host_site_id, i + 1, i + 1)).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::vector<std::string> listed;
  std::vector<size_t> page_sizes;
  std::string token;
  do {
    absl::StatusOr<EventBoard::Page> page = board().List({.city = "lyon"}, 10, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const domain::Event& event : page->items) listed.push_back(event.event_id);
    page_sizes.push_back(page->items.size());
    token = page->next_page_token;
  } while (!token.empty() && page_sizes.size() < 10);
  EXPECT_EQ(listed, lyon);
  EXPECT_THAT(page_sizes, ElementsAre(2, 1));  // The first stopped short at its bound.

  // A day range starts where its days do: one page for the last day.
  const absl::CivilDay last_day = absl::CivilDay(kThursday19h) + (kEvents - 1) / 100;
  absl::StatusOr<EventBoard::Page> last =
      board().List({.from_day = last_day, .to_day = last_day}, 1000, "");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->items.size(), 100u);
  EXPECT_TRUE(last->next_page_token.empty());
}

TEST_F(EventBoardTest, AMovedEventIsListedOnceAtItsNewStart) {
  const domain::Event first = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  const domain::Event second = board().Announce(Draft(kThursday19h + 60, kThursday22h)).value();
  domain::EventUpdate later;
  later.local_start = kThursday19h + 90;
  ASSERT_TRUE(board().Update(first.event_id, later).ok());
  EXPECT_THAT(ListIds({}), ElementsAre(second.event_id, first.event_id));
  // So does a replicated change of another host's event.
  domain::Event remote =
      RemoteEvent("milan", "Milan", "Europe/Rome", 1, kThursday19h - 60, kThursday19h);
  ASSERT_TRUE(node_->Apply(EntryOf(remote, "milan", 1, 1)).ok());
  remote.local_start = kThursday22h - 30;
  remote.start = absl::FromCivil(remote.local_start, Zone("Europe/Rome"));
  remote.local_end = kThursday22h;
  remote.end = absl::FromCivil(remote.local_end, Zone("Europe/Rome"));
  ASSERT_TRUE(node_->Apply(EntryOf(remote, "milan", 2, 2)).ok());
  EXPECT_THAT(ListIds({}), ElementsAre(second.event_id, first.event_id, remote.event_id));
}

TEST_F(EventBoardTest, EventsStoredBeforeTheStartIndexAreIndexedOnce) {
  const domain::Event event = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  ASSERT_TRUE(board().IndexStoredEvents().ok());
  // A database of before the index: the events without their index rows or mark.
  {
    const std::vector<storage::KeyValue> rows =
        node_->store().Scan(storage::Table::kEventsByStart, "", 100).value();
    ASSERT_EQ(rows.size(), 1u);
    std::unique_ptr<storage::Transaction> txn = node_->store().BeginTransaction();
    for (const storage::KeyValue& row : rows) {
      ASSERT_TRUE(txn->Delete(storage::Table::kEventsByStart, row.key).ok());
    }
    ASSERT_TRUE(txn->Delete(storage::Table::kMeta, "events_by_start_indexed").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_THAT(ListIds({}), ElementsAre());
  ASSERT_TRUE(board().IndexStoredEvents().ok());
  EXPECT_THAT(ListIds({}), ElementsAre(event.event_id));
}

TEST_F(EventBoardTest, EventsSurviveARestart) {
  const domain::Event event = board().Announce(Draft(kThursday19h, kThursday22h)).value();
  node_.reset();
  node_ = std::make_unique<TestNode>(dir_.Sub("db"), &clock_, &ids_);
  EXPECT_EQ(*board().Get(event.event_id), event);
  EXPECT_TRUE(board().Cancel(event.event_id).ok());
  EXPECT_EQ(node_->OwnSeq(), 2u);
}

}  // namespace
}  // namespace cantine::event
