#include "services/member/member_registry.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/member/registration_requests.h"
#include "services/replication/entry_signing.h"
#include "storage/rocks_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/site_log.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace cantine::member {
namespace {

using ::testing::HasSubstr;

// A replica: a store, its oplog and its registry, as a node of site `site_id` holds them.
struct Replica {
  Replica(const testing::TempDir& dir, const std::string& name, testing::FakeClock* clock)
      : signer(auth::Ed25519PrivateKey::Generate()),
        log(dir.Sub(name), clock, &signer, name, absl::Minutes(5)),
        store(log.store()),
        oplog(log.oplog()),
        registry(store, oplog, &ids, name) {}

  absl::Status Apply(const v1::OplogEntry& entry) {
    std::unique_ptr<storage::Transaction> txn = store->BeginTransaction();
    if (absl::Status s = registry.ApplyRemote(*txn, entry); !s.ok()) return s;
    return txn->Commit();
  }

  testing::SequentialIds ids;  // Distinct: a registration never reuses a member's id.
  replication::KeySigner signer;
  testing::SiteLog log;
  storage::RocksStore* const store;
  storage::Oplog* const oplog;
  MemberRegistry registry;
};

v1::OplogEntry Change(uint64_t incarnation, int64_t wall, const v1::MemberChange& change) {
  v1::OplogEntry entry;
  entry.mutable_origin()->set_site_id("paris");
  entry.mutable_origin()->set_incarnation(incarnation);
  entry.mutable_hlc()->set_wall_micros(wall);
  entry.set_kind(v1::ENTRY_KIND_MEMBER);
  entry.set_payload(change.SerializeAsString());
  entry.set_subject(change.member_id());
  return entry;
}

// Applies `prefix`, then `permuted` in every order, each order to a fresh replica in `dir`,
// and calls `check` on each replica. Stops at the first fatal failure: call it under
// ASSERT_NO_FATAL_FAILURE.
void InEveryOrder(const testing::TempDir& dir, testing::FakeClock* clock,
                  const std::vector<v1::OplogEntry>& prefix,
                  const std::vector<v1::OplogEntry>& permuted,
                  const std::function<void(Replica&)>& check) {
  std::vector<size_t> order(permuted.size());
  std::iota(order.begin(), order.end(), 0);
  int replica = 0;
  do {
    Replica node(dir, absl::StrCat("node-", replica++), clock);
    for (const v1::OplogEntry& entry : prefix) ASSERT_TRUE(node.Apply(entry).ok());
    for (size_t i : order) ASSERT_TRUE(node.Apply(permuted[i]).ok());
    check(node);
    if (::testing::Test::HasFatalFailure()) return;
  } while (std::next_permutation(order.begin(), order.end()));
}

domain::Member Profile(const std::string& name, const std::string& email) {
  return {.display_name = name, .email = email};
}

// Ada, of London, who shows her city to the network and keeps her bio at home.
domain::Member AdaFromLondon() {
  domain::Member profile = Profile("Ada", "ada@example.org");
  profile.bio = "Analytical engines";
  profile.city = "London";
  profile.network_visible_fields = {domain::ProfileField::kCity};
  return profile;
}

// One replica `name` with its folder and clock.
struct OneReplica {
  explicit OneReplica(const std::string& name) : node(dir, name, &clock) {}
  testing::TempDir dir;
  testing::FakeClock clock{absl::FromUnixSeconds(1'800'000'000)};
  Replica node;
};

// Two sites' replicas, paris and milan, on one clock.
struct ParisAndMilan {
  testing::TempDir dir;
  testing::FakeClock clock{absl::FromUnixSeconds(1'800'000'000)};
  Replica paris{dir, "paris", &clock};
  Replica milan{dir, "milan", &clock};
};

v1::MemberChange Base() {
  v1::MemberChange change;
  change.set_member_id("paris-00000000000000aa");
  change.set_home_site_id("paris");
  return change;
}

TEST(MemberRegistryTest, AnIdThatNamesAMemberOrAnErasedOneIsNotGivenToAnother) {
  OneReplica replica("paris");
  MemberRegistry& registry = replica.node.registry;
  const std::string ada = registry.Register(AdaFromLondon())->member_id;
  const std::string bob = registry.Register(Profile("Bob", "bob@example.org"))->member_id;
  ASSERT_TRUE(registry.Erase(bob).ok());
  testing::RepeatingIds repeating(
      {testing::UniquePart(ada), testing::UniquePart(bob), "00000000000000ff"});
  MemberRegistry restarted(replica.node.store, replica.node.oplog, &repeating, "paris");

  absl::StatusOr<domain::Member> carol = restarted.Register(Profile("Carol", "carol@example.org"));
  ASSERT_TRUE(carol.ok()) << carol.status();
  EXPECT_EQ(carol->member_id, "paris-00000000000000ff");
  EXPECT_EQ(registry.Get(ada)->display_name, "Ada");
  EXPECT_EQ(registry.GetAtHome(ada)->email, "ada@example.org");
  EXPECT_TRUE(registry.Get(bob)->erased);
  EXPECT_EQ(registry.GetAtHome(carol->member_id)->email, "carol@example.org");

  testing::RepeatingIds only_used({testing::UniquePart(ada)});
  MemberRegistry broken(replica.node.store, replica.node.oplog, &only_used, "paris");
  EXPECT_THAT(broken.Register(Profile("Dan", "dan@example.org")).status(),
              testing::StatusIs(absl::StatusCode::kInternal, HasSubstr("no unused member id")));
  // No entry was written (Ada, Bob, his erasure, Carol), and Dan's email was not claimed.
  EXPECT_EQ(replica.node.oplog->Vector()[0].seq(), 4u);
  EXPECT_TRUE(registry.Register(Profile("Dan", "dan@example.org")).ok());
}

TEST(MemberRegistryTest, ConcurrentProfileEditsGiveTheSameWinnerInEveryOrder) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  v1::MemberChange registered = Base();
  registered.set_display_name("Ada");
  v1::MemberChange rename = Base();  // From a restored incarnation of paris, slightly later.
  rename.set_display_name("Ada Lovelace");
  v1::MemberChange concurrent = Base();  // Earlier than the rename: loses the name...
  concurrent.set_display_name("Countess");
  concurrent.set_bio("Mathematician");  // ...but its bio, which nobody else set, stays.
  const std::vector<v1::OplogEntry> entries = {Change(1, 100, registered), Change(2, 300, rename),
                                               Change(1, 200, concurrent)};
  ASSERT_NO_FATAL_FAILURE(InEveryOrder(dir, &clock, {}, entries, [](Replica& node) {
    absl::StatusOr<domain::Member> member = node.registry.Get("paris-00000000000000aa");
    ASSERT_TRUE(member.ok()) << member.status();
    EXPECT_EQ(member->display_name, "Ada Lovelace");
    EXPECT_EQ(member->bio, "Mathematician");
  }));
}

TEST(MemberRegistryTest, ErasureWinsOverEveryFieldWriteWhateverTheOrder) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  v1::MemberChange registered = Base();
  registered.set_display_name("Ada");
  registered.set_city("Paris");
  v1::MemberChange erased = Base();
  erased.set_erased(true);
  v1::MemberChange late_edit = Base();  // Stamped after the erasure, delivered in any order.
  late_edit.set_bio("should never reappear");
  const std::vector<v1::OplogEntry> entries = {Change(1, 100, registered), Change(1, 200, erased),
                                               Change(2, 300, late_edit)};
  ASSERT_NO_FATAL_FAILURE(InEveryOrder(dir, &clock, {}, entries, [](Replica& node) {
    domain::Member member = node.registry.Get("paris-00000000000000aa").value();
    EXPECT_TRUE(member.erased);
    EXPECT_TRUE(member.display_name.empty());
    EXPECT_TRUE(member.email.empty());
    EXPECT_TRUE(member.bio.empty());
    EXPECT_TRUE(member.city.empty());
    EXPECT_EQ(node.registry.CheckMember(member.member_id).code(), absl::StatusCode::kNotFound);
  }));
}

TEST(MemberRegistryTest, AChangeWrittenByAnotherSiteThanTheHomeIsInvalid) {
  OneReplica replica("node");
  Replica& node = replica.node;
  v1::MemberChange change = Base();
  change.set_display_name("Mallory");
  v1::OplogEntry entry = Change(1, 100, change);
  entry.mutable_origin()->set_site_id("milan");
  EXPECT_EQ(node.Apply(entry).code(), absl::StatusCode::kInvalidArgument);
  entry.set_payload("not a proto \xff\xff");
  EXPECT_EQ(node.Apply(entry).code(), absl::StatusCode::kInvalidArgument);
}

TEST(MemberRegistryTest, AMemberIdNamesItsHomeWithoutAmbiguity) {
  absl::StatusOr<domain::MemberIdParts> sf =
      domain::ParseMemberId("member_id", "san-francisco-0123456789abcdef");
  ASSERT_TRUE(sf.ok()) << sf.status();
  EXPECT_EQ(sf->home_site_id, "san-francisco");
  EXPECT_EQ(sf->suffix, "0123456789abcdef");
  EXPECT_EQ(domain::ParseMemberId("member_id", "san-0123456789abcdef")->home_site_id, "san");
  // A site id that itself ends like a member id still parses: the suffix is after the last '-'.
  EXPECT_EQ(domain::ParseMemberId("m", "x-00000000000000aa-0123456789abcdef")->home_site_id,
            "x-00000000000000aa");
  EXPECT_EQ(domain::MakeMemberId("san-francisco", "0123456789abcdef"),
            "san-francisco-0123456789abcdef");
  for (const char* bad : {"", "san", "san-", "-0123456789abcdef", "0123456789abcdef",
                          "san-0123456789ABCDEF", "san-0123456789abcde", "san-0123456789abcdef0",
                          "san_x-0123456789abcdef", "san-0123456789abcdeg"}) {
    EXPECT_EQ(domain::ParseMemberId("member_id", bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(MemberRegistryTest, ASiteWhoseIdPrefixesAnothersCannotWriteItsMembers) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Replica node(dir, "node", &clock);
  const std::string victim = "san-francisco-00000000000000aa";
  v1::MemberChange change;
  change.set_member_id(victim);
  change.set_home_site_id("san");  // What "san" would claim: its id prefixes the victim's.
  change.set_display_name("Mallory");
  v1::OplogEntry entry = Change(1, 100, change);
  entry.mutable_origin()->set_site_id("san");
  EXPECT_EQ(node.Apply(entry).code(), absl::StatusCode::kInvalidArgument);
  change.set_home_site_id("san-francisco");  // Or the victim's home, still signed by "san".
  entry.set_payload(change.SerializeAsString());
  EXPECT_EQ(node.Apply(entry).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(node.registry.Get(victim).status().code(), absl::StatusCode::kNotFound);

  // The home itself writes it; a payload naming another home than its id is refused too.
  entry.mutable_origin()->set_site_id("san-francisco");
  ASSERT_TRUE(node.Apply(entry).ok());
  EXPECT_EQ(node.registry.HomeSiteOf(victim).value(), "san-francisco");
  change.set_home_site_id("san");
  entry.set_payload(change.SerializeAsString());
  EXPECT_EQ(node.Apply(entry).code(), absl::StatusCode::kInvalidArgument);
}

TEST(MemberRegistryTest, HomeWritesAreEntriesAndEmailsStayUnique) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Replica paris(dir, "paris", &clock);
  domain::Member ada = paris.registry.Register(Profile("Ada", "ada@example.org")).value();
  EXPECT_EQ(paris.registry.Register(Profile("Other", "ADA@example.org")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(paris.registry.Register(Profile("", "x@example.org")).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(paris.oplog->Vector().size(), 1u);
  EXPECT_EQ(paris.oplog->Vector()[0].seq(), 1u);  // Refused writes wrote no entry.
  domain::MemberUpdate update;
  update.email = "lovelace@example.org";
  ASSERT_TRUE(paris.registry.Update(ada.member_id, update).ok());
  // The old email is free again, for a new member; the new one taken.
  absl::StatusOr<domain::Member> other =
      paris.registry.Register(Profile("Other", "ada@example.org"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other.status().code() != absl::StatusCode::kAlreadyExists);
  EXPECT_NE(other->member_id, ada.member_id);
  EXPECT_EQ(paris.registry.GetAtHome(ada.member_id).value().email, "lovelace@example.org");
  EXPECT_EQ(paris.registry.GetAtHome(other->member_id).value().display_name, "Other");
  EXPECT_EQ(paris.registry.Register(Profile("Other", "Lovelace@example.org")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(paris.registry.Erase(ada.member_id).ok());
  EXPECT_TRUE(paris.registry.Erase(ada.member_id).ok());  // Harmless twice.
  EXPECT_EQ(paris.registry.Update(ada.member_id, update).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(paris.registry.GetAtHome(ada.member_id).status().code(), absl::StatusCode::kNotFound);
}

// Every entry paris wrote, as another site receives them.
std::vector<v1::OplogEntry> Entries(Replica& home) {
  return home.oplog->Read(home.oplog->self(), 0, 100).value();
}

// The bytes of every record of `table`.
std::string TableBytes(Replica& node, storage::Table table) {
  absl::StatusOr<std::vector<storage::KeyValue>> rows = node.store->Scan(table, "", 1000);
  EXPECT_TRUE(rows.ok()) << rows.status();
  std::string bytes;
  for (const storage::KeyValue& row : rows.value_or(std::vector<storage::KeyValue>())) {
    bytes += row.key + row.value;
  }
  return bytes;
}

TEST(MemberRegistryTest, TheEmailAndTheFieldsNotShownStayAtHome) {
  ParisAndMilan sites;
  Replica& paris = sites.paris;
  Replica& milan = sites.milan;
  domain::Member profile = AdaFromLondon();
  profile.skills = {"mathematics", "poetry"};
  profile.links = {"https://example.org/ada"};
  const domain::Member ada = paris.registry.Register(profile).value();
  EXPECT_EQ(ada.email, "ada@example.org");
  EXPECT_EQ(ada.bio, "Analytical engines");

  for (const v1::OplogEntry& entry : Entries(paris)) {
    for (const char* kept : {"ada@example.org", "Analytical", "poetry", "example.org/ada"}) {
      EXPECT_EQ(entry.payload().find(kept), std::string::npos) << kept << " replicates";
    }
    ASSERT_TRUE(milan.Apply(entry).ok());
  }
  for (Replica* node : {&paris, &milan}) {
    SCOPED_TRACE(node->oplog->self().site_id());
    domain::Member shown = node->registry.Get(ada.member_id).value();
    EXPECT_EQ(shown.display_name, "Ada");  // Always shown.
    EXPECT_EQ(shown.city, "London");
    EXPECT_EQ(shown.email, "");
    EXPECT_EQ(shown.bio, "");
    EXPECT_TRUE(shown.skills.empty());
    EXPECT_TRUE(shown.links.empty());
    EXPECT_EQ(shown.create_time, ada.create_time);
    EXPECT_EQ(TableBytes(*node, storage::Table::kMembers).find("ada@example.org"),
              std::string::npos);
  }
  // The members table is the same on both; only the home holds the whole profile.
  EXPECT_EQ(TableBytes(paris, storage::Table::kMembers),
            TableBytes(milan, storage::Table::kMembers));
  const domain::Member whole = paris.registry.GetAtHome(ada.member_id).value();
  EXPECT_EQ(whole.email, "ada@example.org");
  EXPECT_EQ(whole.skills, profile.skills);
  EXPECT_EQ(whole.network_visible_fields, profile.network_visible_fields);
  EXPECT_EQ(milan.registry.GetAtHome(ada.member_id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(TableBytes(milan, storage::Table::kHomeMembers), "");
}

TEST(MemberRegistryTest, WhatTheNetworkHoldsFollowsTheMembersChoice) {
  ParisAndMilan sites;
  Replica& paris = sites.paris;
  Replica& milan = sites.milan;
  const domain::Member profile = AdaFromLondon();
  const domain::Member ada = paris.registry.Register(profile).value();
  uint64_t seq = paris.oplog->Vector()[0].seq();
  const auto sync = [&] {
    for (const v1::OplogEntry& entry : Entries(paris)) ASSERT_TRUE(milan.Apply(entry).ok());
  };

  // Changing the email or a field not shown writes no entry: other sites learn nothing.
  domain::MemberUpdate private_edit;
  private_edit.email = "countess@example.org";
  private_edit.bio = "Notes on the engine";
  EXPECT_EQ(paris.registry.Update(ada.member_id, private_edit).value().bio, "Notes on the engine");
  EXPECT_EQ(paris.oplog->Vector()[0].seq(), seq);

  // Showing the bio and hiding the city: one entry sets the one and clears the other.
  domain::MemberUpdate choice;
  choice.network_visible_fields = domain::ProfileFields{domain::ProfileField::kBio};
  ASSERT_TRUE(paris.registry.Update(ada.member_id, choice).ok());
  EXPECT_EQ(paris.oplog->Vector()[0].seq(), ++seq);
  sync();
  domain::Member shown = milan.registry.Get(ada.member_id).value();
  EXPECT_EQ(shown.bio, "Notes on the engine");
  EXPECT_EQ(shown.city, "");
  EXPECT_EQ(TableBytes(milan, storage::Table::kMembers).find("London"), std::string::npos);
  // The city is still the member's, at home.
  EXPECT_EQ(paris.registry.GetAtHome(ada.member_id).value().city, "London");

  // A field shown and changed replicates; hiding everything clears it.
  domain::MemberUpdate bio;
  bio.bio = "Poetical science";
  ASSERT_TRUE(paris.registry.Update(ada.member_id, bio).ok());
  choice.network_visible_fields = domain::ProfileFields{};
  ASSERT_TRUE(paris.registry.Update(ada.member_id, choice).ok());
  EXPECT_EQ(paris.oplog->Vector()[0].seq(), seq + 2);
  sync();
  shown = milan.registry.Get(ada.member_id).value();
  EXPECT_EQ(shown.bio, "");
  EXPECT_EQ(shown.display_name, "Ada");
  for (const v1::OplogEntry& entry : Entries(paris)) {
    EXPECT_EQ(entry.payload().find("example.org"), std::string::npos);
  }
}

TEST(MemberRegistryTest, TheConsentToBeListedAtEventsReplicatesAndIsWithdrawn) {
  ParisAndMilan sites;
  Replica& paris = sites.paris;
  Replica& milan = sites.milan;
  const domain::Member ada = paris.registry.Register(AdaFromLondon()).value();
  const auto sync = [&] {
    for (const v1::OplogEntry& entry : Entries(paris)) ASSERT_TRUE(milan.Apply(entry).ok());
  };
  sync();
  EXPECT_FALSE(milan.registry.Get(ada.member_id).value().shows_attendance);  // Not by default.

  domain::MemberUpdate consent;
  consent.network_visible_fields = domain::ProfileFields{domain::ProfileField::kAttendance};
  ASSERT_TRUE(paris.registry.Update(ada.member_id, consent).ok());
  sync();
  EXPECT_TRUE(milan.registry.Get(ada.member_id).value().shows_attendance);
  EXPECT_EQ(milan.registry.Get(ada.member_id).value().city, "");  // Nothing else came.

  consent.network_visible_fields = domain::ProfileFields{};
  ASSERT_TRUE(paris.registry.Update(ada.member_id, consent).ok());
  sync();
  EXPECT_FALSE(milan.registry.Get(ada.member_id).value().shows_attendance);
  EXPECT_FALSE(paris.registry.Get(ada.member_id).value().shows_attendance);
}

TEST(MemberRegistryTest, AnEmailInAnOlderEntryIsNeverHeld) {
  OneReplica replica("milan");
  Replica& node = replica.node;
  v1::MemberChange registered = Base();
  registered.set_display_name("Ada");
  // Field 4 was the email before it stayed at home: an older node may still send it.
  registered.GetReflection()
      ->MutableUnknownFields(&registered)
      ->AddLengthDelimited(4, "ada@example.org");
  ASSERT_TRUE(node.Apply(Change(1, 100, registered)).ok());
  EXPECT_EQ(node.registry.Get("paris-00000000000000aa").value().email, "");
  EXPECT_EQ(TableBytes(node, storage::Table::kMembers).find("ada@example.org"), std::string::npos);
}

TEST(MemberRegistryTest, ProfileFieldsAreBoundedAndNamedWhenBad) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Replica paris(dir, "paris", &clock);
  const auto refusal = [&](const std::function<void(domain::Member&)>& spoil) {
    domain::Member profile = Profile("Ada", "ada@example.org");
    spoil(profile);
    absl::Status status = paris.registry.Register(profile).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  EXPECT_THAT(refusal([](domain::Member& m) { m.skills.assign(21, "x"); }),
              HasSubstr("skills has 21 entries; at most 20"));
  EXPECT_THAT(refusal([](domain::Member& m) {
                m.skills = {"go", std::string(51, 'x')};
              }),
              HasSubstr("skills[1]"));
  EXPECT_THAT(refusal([](domain::Member& m) { m.skills = {"go", "go"}; }), HasSubstr("skills[1]"));
  EXPECT_THAT(refusal([](domain::Member& m) { m.skills = {""}; }), HasSubstr("skills[0]"));
  EXPECT_THAT(refusal([](domain::Member& m) { m.city = std::string(101, 'x'); }),
              HasSubstr("city"));
  EXPECT_THAT(refusal([](domain::Member& m) { m.links.assign(6, "https://example.org"); }),
              HasSubstr("links has 6 entries; at most 5"));
  for (const char* bad :
       {"example.org", "ftp://example.org", "https://", "https:///path", "https://exa mple.org",
        "https://example.org/a b", "javascript:alert(1)", "https://user@example.org"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(refusal([&](domain::Member& m) {
                  m.links = {"https://ok.example", bad};
                }),
                HasSubstr("links[1]"));
  }
  domain::Member fine = Profile("Ada", "ada@example.org");
  fine.skills.assign(20, "");
  for (int i = 0; i < 20; ++i) fine.skills[i] = absl::StrCat("skill-", i);
  fine.links = {"https://example.org/ada", "http://[2001:db8::1]:8080/x?y=1#z",
                absl::StrCat("https://example.org/", std::string(180, 'x'))};
  fine.city = std::string(100, 'x');
  EXPECT_TRUE(paris.registry.Register(fine).ok());
}

TEST(MemberRegistryTest, RequestsKeyNoEmailAndAnErasureDropsTheHomeRecordAndTheRequest) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Replica paris(dir, "paris", &clock);
  RegistrationRequests requests(paris.store, &clock);
  ASSERT_TRUE(requests.Put(Profile("Ada", "Ada@Example.org")).ok());
  // The address is in no key: RocksDB's MANIFEST keeps keys.
  absl::StatusOr<std::vector<storage::KeyValue>> rows =
      paris.store->Scan(storage::Table::kMemberRequests, "", 1000);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  for (const storage::KeyValue& row : *rows) {
    EXPECT_EQ(absl::AsciiStrToLower(row.key).find("ada@example.org"), std::string::npos);
  }
  EXPECT_EQ(requests.Find("ada@EXAMPLE.org")->display_name, "Ada");

  const domain::Member ada = paris.registry.Register(Profile("Ada", "ada@example.org")).value();
  ASSERT_TRUE(paris.registry.Erase(ada.member_id).ok());
  EXPECT_EQ(TableBytes(paris, storage::Table::kHomeMembers), "");
  EXPECT_EQ(TableBytes(paris, storage::Table::kMemberRequests), "");
  EXPECT_EQ(TableBytes(paris, storage::Table::kMemberEmails), "");
  EXPECT_TRUE(paris.registry.Get(ada.member_id)->erased);
}

TEST(MemberRegistryTest, ATokenRevocationReplicatesAndTheLatestWinsWhateverTheOrder) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  v1::MemberChange registered = Base();
  registered.set_display_name("Ada");
  v1::MemberChange logout = Base();  // A logout at 10 s.
  logout.mutable_tokens_revoked_before()->set_seconds(10);
  v1::MemberChange desk = Base();  // The desk revokes at 20.5 s, with a bio edit.
  desk.mutable_tokens_revoked_before()->set_seconds(20);
  desk.mutable_tokens_revoked_before()->set_nanos(500'000'000);
  desk.set_bio("Lost her laptop");
  v1::MemberChange late = Base();  // Stamped last, but revoking at an earlier instant.
  late.mutable_tokens_revoked_before()->set_seconds(15);
  const v1::OplogEntry registration = Change(1, 100, registered);
  // The revocations, after the registration.
  ASSERT_NO_FATAL_FAILURE(InEveryOrder(
      dir, &clock, {registration},
      {Change(1, 200, logout), Change(1, 300, desk), Change(1, 400, late)}, [](Replica& node) {
        domain::Member member = node.registry.Get("paris-00000000000000aa").value();
        EXPECT_EQ(member.tokens_revoked_before, absl::FromUnixMillis(20'500));
        EXPECT_EQ(member.bio, "Lost her laptop");
      }));

  // A revocation that is no time is refused, and changes nothing.
  Replica node(dir, "bad", &clock);
  ASSERT_TRUE(node.Apply(registration).ok());
  v1::MemberChange bad = Base();
  bad.mutable_tokens_revoked_before()->set_nanos(-1);
  EXPECT_EQ(node.Apply(Change(1, 200, bad)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(node.registry.Get("paris-00000000000000aa")->tokens_revoked_before,
            absl::InfinitePast());
}

TEST(MemberRegistryTest, AHomeRevocationIsAnEntryOtherNodesApply) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Replica paris(dir, "paris", &clock);
  Replica milan(dir, "milan", &clock);
  domain::Member ada = paris.registry.Register(Profile("Ada", "ada@example.org")).value();
  EXPECT_EQ(ada.tokens_revoked_before, absl::InfinitePast());
  const absl::Time revoked = clock.Now() + absl::Microseconds(1);
  domain::MemberUpdate update;
  update.tokens_revoked_before = revoked;
  absl::StatusOr<domain::Member> updated = paris.registry.Update(ada.member_id, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->tokens_revoked_before, revoked);
  EXPECT_EQ(updated->email, "ada@example.org");  // Nothing else changed.
  ASSERT_EQ(paris.oplog->Vector().size(), 1u);
  ASSERT_EQ(paris.oplog->Vector()[0].seq(), 2u);
  absl::StatusOr<std::vector<v1::OplogEntry>> entries =
      paris.oplog->Read(paris.oplog->Vector()[0].origin(), 0, 10);
  ASSERT_TRUE(entries.ok() && entries->size() == 2u) << entries.status();
  for (const v1::OplogEntry& entry : *entries) ASSERT_TRUE(milan.Apply(entry).ok());
  EXPECT_EQ(milan.registry.Get(ada.member_id)->tokens_revoked_before, revoked);
}

}  // namespace
}  // namespace cantine::member
