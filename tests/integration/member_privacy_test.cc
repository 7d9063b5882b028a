// Where a member's personal data lives and who reads it, between in-process nodes over
// loopback: the email stays at the home node; a profile field replicates only while the
// member shows it; a registration without a credential answers the same whether or not its
// email is taken, and is rate limited per caller address and per site, never the desk.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/node/node.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

using testing::Context;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MiniCluster;

constexpr int kHome = 0;   // site-a: ada's home.
constexpr int kOther = 1;  // site-b.

v1::Member Must(grpc::Status status, v1::Member member) {
  EXPECT_TRUE(status.ok()) << status.error_message();
  return member;
}

v1::Member Register(v1::MemberService::Stub& members, const std::string& bearer,
                    const v1::RegisterMemberRequest& request) {
  v1::Member member;
  grpc::Status status = members.RegisterMember(Context(bearer).get(), request, &member);
  return Must(status, member);
}

v1::Member Get(MiniCluster& cluster, int node, const std::string& member_id,
               const std::string& bearer = "") {
  v1::GetMemberRequest request;
  request.set_member_id(member_id);
  v1::Member member;
  grpc::Status status = v1::MemberService::NewStub(cluster.channel(node))
                            ->GetMember(Context(bearer).get(), request, &member);
  return Must(status, member);
}

// Waits until anyone reading `member_id` at node `node` gets what `holds` accepts.
bool WaitUntilShown(MiniCluster& cluster, int node, const std::string& member_id,
                    const std::function<bool(const v1::Member&)>& holds) {
  auto members = v1::MemberService::NewStub(cluster.channel(node));
  return testing::WaitFor(
      [&] {
        v1::GetMemberRequest request;
        request.set_member_id(member_id);
        v1::Member member;
        return members->GetMember(Context().get(), request, &member).ok() && holds(member);
      },
      absl::Seconds(30));
}

// A token of ACCOUNT scope: the one that reads the whole profile and changes it.
std::string Token(MiniCluster& cluster, const std::string& member_id) {
  v1::IssueTokenRequest request;
  request.set_member_id(member_id);
  request.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  v1::IssueTokenResponse response;
  grpc::Status status =
      v1::MemberService::NewStub(cluster.channel(kHome))
          ->IssueToken(Context(cluster.admin_secret(kHome)).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.token();
}

// ada, registered by its home desk with a whole profile, showing only its city.
v1::RegisterMemberRequest Ada() {
  v1::RegisterMemberRequest request;
  request.set_display_name("Ada Lovelace");
  request.set_email("ada@example.org");
  request.set_bio("Notes on the analytical engine");
  request.add_skills("mathematics");
  request.add_skills("poetical science");
  request.set_city("London");
  request.add_links("https://example.org/ada");
  request.add_network_visible_fields(v1::PROFILE_FIELD_CITY);
  return request;
}

// Every entry node `node` serves a peer that holds nothing: what it replicates, its own and
// those it relays.
std::vector<v1::OplogEntry> PullEverything(MiniCluster& cluster, int node, int as) {
  auto federation = v1::FederationService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", cluster.node(node).federation_port()),
                          grpc::InsecureChannelCredentials()));
  v1::PullRequest request;
  request.set_site_id(cluster.site_id(as));
  auto context = Context();
  auto reader = federation->Pull(context.get(), request);
  std::vector<v1::OplogEntry> entries;
  v1::PullResponse response;
  // Batches until the first heartbeat, which says the caller holds everything.
  while (reader->Read(&response) && response.entries_size() > 0) {
    entries.insert(entries.end(), response.entries().begin(), response.entries().end());
  }
  context->TryCancel();
  reader->Finish().IgnoreError();
  return entries;
}

TEST(MemberPrivacyTest, TheEmailIsOnNoNodeButTheHome) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  const v1::Member ada = Register(*v1::MemberService::NewStub(cluster.channel(kHome)),
                                  cluster.admin_secret(kHome), Ada());
  EXPECT_EQ(ada.email(), "ada@example.org");
  const std::string token = Token(cluster, ada.member_id());
  ASSERT_TRUE(WaitUntilShown(cluster, kOther, ada.member_id(), [](const v1::Member& m) {
    return m.display_name() == "Ada Lovelace";
  }));

  // The other node does not have it, whoever asks: its own desk, the member itself.
  for (const std::string& bearer : {cluster.admin_secret(kOther), token, std::string()}) {
    const v1::Member there = Get(cluster, kOther, ada.member_id(), bearer);
    EXPECT_EQ(there.display_name(), "Ada Lovelace");
    EXPECT_EQ(there.email(), "");
  }
  EXPECT_EQ(Get(cluster, kHome, ada.member_id(), cluster.admin_secret(kHome)).email(),
            "ada@example.org");
  EXPECT_EQ(Get(cluster, kHome, ada.member_id(), token).email(), "ada@example.org");

  // No replicated entry holds it, as the home serves them or as the other node relays them.
  for (int node : {kHome, kOther}) {
    SCOPED_TRACE(node);
    const std::vector<v1::OplogEntry> entries = PullEverything(cluster, node, 1 - node);
    ASSERT_FALSE(entries.empty());
    bool member_entry = false;
    for (const v1::OplogEntry& entry : entries) {
      member_entry |= entry.kind() == v1::ENTRY_KIND_MEMBER;
      EXPECT_EQ(entry.payload().find("ada@example.org"), std::string::npos);
      EXPECT_EQ(entry.payload().find("analytical"), std::string::npos);
    }
    EXPECT_TRUE(member_entry);
  }
}

TEST(MemberPrivacyTest, AFieldReplicatesOnlyWhileTheMemberShowsIt) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  auto members = v1::MemberService::NewStub(cluster.channel(kHome));
  const v1::Member ada = Register(*members, cluster.admin_secret(kHome), Ada());
  const std::string token = Token(cluster, ada.member_id());
  ASSERT_TRUE(WaitUntilShown(cluster, kOther, ada.member_id(),
                             [](const v1::Member& m) { return m.city() == "London"; }));

  // Anyone, at either node, reads the display name and the city only.
  for (int node : {kHome, kOther}) {
    SCOPED_TRACE(node);
    const v1::Member shown = Get(cluster, node, ada.member_id());
    EXPECT_EQ(shown.display_name(), "Ada Lovelace");
    EXPECT_EQ(shown.city(), "London");
    EXPECT_EQ(shown.bio(), "");
    EXPECT_EQ(shown.skills_size(), 0);
    EXPECT_EQ(shown.links_size(), 0);
    EXPECT_EQ(shown.network_visible_fields_size(), 0);
  }
  // The member, at home, reads its whole profile and its choice.
  const v1::Member whole = Get(cluster, kHome, ada.member_id(), token);
  EXPECT_EQ(whole.bio(), "Notes on the analytical engine");
  EXPECT_THAT(whole.skills(), ElementsAre("mathematics", "poetical science"));
  EXPECT_THAT(whole.links(), ElementsAre("https://example.org/ada"));
  EXPECT_THAT(whole.network_visible_fields(), ElementsAre(v1::PROFILE_FIELD_CITY));

  // The member shows its bio and links and no longer its city: cleared at the other node.
  v1::UpdateMemberRequest update;
  update.set_member_id(ada.member_id());
  update.mutable_network_visible_fields()->add_fields(v1::PROFILE_FIELD_BIO);
  update.mutable_network_visible_fields()->add_fields(v1::PROFILE_FIELD_LINKS);
  v1::Member updated;
  ASSERT_TRUE(members->UpdateMember(Context(token).get(), update, &updated).ok());
  EXPECT_EQ(updated.city(), "London");  // Still the member's, at home.
  ASSERT_TRUE(WaitUntilShown(cluster, kOther, ada.member_id(), [](const v1::Member& m) {
    return m.city().empty() && m.links_size() == 1;
  }));
  for (int node : {kHome, kOther}) {
    SCOPED_TRACE(node);
    const v1::Member shown = Get(cluster, node, ada.member_id());
    EXPECT_EQ(shown.city(), "");
    EXPECT_EQ(shown.bio(), "Notes on the analytical engine");
    EXPECT_THAT(shown.links(), ElementsAre("https://example.org/ada"));
    EXPECT_EQ(shown.skills_size(), 0);
  }

  // Bad fields are refused, named, and change nothing.
  const std::string before = Get(cluster, kHome, ada.member_id(), token).DebugString();
  v1::UpdateMemberRequest bad;
  bad.set_member_id(ada.member_id());
  bad.mutable_links()->add_values("https://example.org/ada");
  bad.mutable_links()->add_values("ftp://example.org/ada");
  grpc::Status status = members->UpdateMember(Context(token).get(), bad, &updated);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("links[1]"));
  bad.clear_links();
  bad.mutable_network_visible_fields()->add_fields(static_cast<v1::ProfileField>(9));
  status = members->UpdateMember(Context(token).get(), bad, &updated);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("network_visible_fields"));
  v1::RegisterMemberRequest crowded = Ada();
  crowded.set_email("crowded@example.org");
  for (int i = 0; i < 21; ++i) crowded.add_skills(absl::StrCat("skill ", i));
  status = members->RegisterMember(Context(cluster.admin_secret(kHome)).get(), crowded, &updated);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("skills"));
  EXPECT_EQ(Get(cluster, kHome, ada.member_id(), token).DebugString(), before);
}

// The co-workers' directory at node `node`: the ids of the members `request` finds, every
// page read; each found member as shown checked by `check`.
std::vector<std::string> Search(MiniCluster& cluster, int node, v1::SearchMembersRequest request,
                                const std::function<void(const v1::Member&)>& check = {}) {
  auto members = v1::MemberService::NewStub(cluster.channel(node));
  std::vector<std::string> found;
  for (int page = 0; page < 10; ++page) {
    v1::SearchMembersResponse response;
    const grpc::Status status = members->SearchMembers(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::Member& member : response.members()) {
      found.push_back(member.member_id());
      if (check) check(member);
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return found;
}

TEST(MemberPrivacyTest, TheDirectoryFindsMembersOnlyByWhatTheyShowAtEveryNode) {
  MiniCluster cluster(2);
  cluster.ConnectLine();
  auto members = v1::MemberService::NewStub(cluster.channel(kHome));
  const v1::Member ada = Register(*members, cluster.admin_secret(kHome), Ada());
  v1::RegisterMemberRequest grace_request = Ada();
  grace_request.set_display_name("Grace Hopper");
  grace_request.set_email("grace@example.org");
  grace_request.add_network_visible_fields(v1::PROFILE_FIELD_SKILLS);
  const v1::Member grace = Register(*members, cluster.admin_secret(kHome), grace_request);
  ASSERT_TRUE(WaitUntilShown(cluster, kOther, grace.member_id(),
                             [](const v1::Member& m) { return m.skills_size() == 2; }));
  ASSERT_TRUE(WaitUntilShown(cluster, kOther, ada.member_id(),
                             [](const v1::Member& m) { return m.city() == "London"; }));
  const auto network_view = [](const v1::Member& m) {
    EXPECT_EQ(m.email(), "");
    EXPECT_EQ(m.bio(), "");  // Shown by neither.
    EXPECT_EQ(m.network_visible_fields_size(), 0);
  };

  for (int node : {kHome, kOther}) {
    SCOPED_TRACE(node);
    v1::SearchMembersRequest by_city;
    by_city.set_city("london");
    by_city.set_page_size(1);  // One a page: the token goes on.
    EXPECT_THAT(Search(cluster, node, by_city, network_view),
                ::testing::UnorderedElementsAre(ada.member_id(), grace.member_id()));
    // Ada keeps her skills at home: no node finds her by them, not even her home's
    // directory; Grace shows hers.
    v1::SearchMembersRequest by_skill;
    by_skill.set_skill("Mathematics");
    EXPECT_THAT(Search(cluster, node, by_skill, network_view), ElementsAre(grace.member_id()));
    v1::SearchMembersRequest by_name;
    by_name.set_name("lovelace");
    EXPECT_THAT(Search(cluster, node, by_name, network_view), ElementsAre(ada.member_id()));
    v1::SearchMembersRequest by_bio;
    by_bio.set_name("analytical");  // Her bio's words are not her name.
    EXPECT_THAT(Search(cluster, node, by_bio), ::testing::IsEmpty());
  }

  // Bad searches are refused, naming the field.
  v1::SearchMembersRequest bad;
  bad.set_page_size(201);
  v1::SearchMembersResponse response;
  grpc::Status status = members->SearchMembers(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size"));
  bad.set_page_size(0);
  bad.set_page_token("not a token");
  status = members->SearchMembers(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  bad.set_page_token("");
  bad.set_skill(std::string(51, 's'));
  status = members->SearchMembers(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("skill"));
}

TEST(MemberPrivacyTest, AnAnonymousRegistrationAnswersTheSameWhetherOrNotTheEmailIsTaken) {
  MiniCluster cluster(1);
  auto members = v1::MemberService::NewStub(cluster.channel(kHome));
  const std::string desk = cluster.admin_secret(kHome);
  const v1::Member ada = Register(*members, desk, Ada());
  const std::string ada_before = Get(cluster, kHome, ada.member_id(), desk).DebugString();
  const auto vector_before = cluster.node(kHome).Vector();

  // The same registration, once with ada's email and once with a fresh one.
  v1::RegisterMemberRequest taken;
  taken.set_display_name("Mallory");
  taken.set_email("ada@example.org");
  taken.set_city("Paris");
  v1::RegisterMemberRequest fresh = taken;
  fresh.set_email("mallory@example.org");
  v1::Member taken_answer;
  v1::Member fresh_answer;
  const grpc::Status taken_status = members->RegisterMember(Context().get(), taken, &taken_answer);
  const grpc::Status fresh_status = members->RegisterMember(Context().get(), fresh, &fresh_answer);
  ASSERT_TRUE(taken_status.ok()) << taken_status.error_message();
  ASSERT_TRUE(fresh_status.ok()) << fresh_status.error_message();
  // The answers differ in the email each sent back, and in nothing else.
  EXPECT_EQ(taken_answer.email(), "ada@example.org");
  v1::Member taken_as_fresh = taken_answer;
  taken_as_fresh.set_email(fresh.email());
  EXPECT_EQ(taken_as_fresh.SerializeAsString(), fresh_answer.SerializeAsString())
      << taken_answer.DebugString() << " vs " << fresh_answer.DebugString();
  // Only what was sent comes back, pending: no id, no time, nothing of ada.
  EXPECT_EQ(fresh_answer.state(), v1::MEMBER_STATE_PENDING);
  EXPECT_EQ(fresh_answer.member_id(), "");
  EXPECT_FALSE(fresh_answer.has_create_time());
  EXPECT_EQ(fresh_answer.display_name(), "Mallory");
  EXPECT_EQ(taken_answer.display_name(), "Mallory");
  // Neither made a member, nor an entry; ada is as she was.
  EXPECT_EQ(cluster.node(kHome).Vector()[0].SerializeAsString(),
            vector_before[0].SerializeAsString());
  EXPECT_EQ(Get(cluster, kHome, ada.member_id(), desk).DebugString(), ada_before);

  // The desk completes a request with its email alone; a taken email is ALREADY_EXISTS.
  v1::RegisterMemberRequest complete;
  complete.set_email("mallory@example.org");
  v1::Member mallory;
  ASSERT_TRUE(members->RegisterMember(Context(desk).get(), complete, &mallory).ok());
  EXPECT_EQ(mallory.state(), v1::MEMBER_STATE_ACTIVE);
  EXPECT_NE(mallory.member_id(), "");
  EXPECT_EQ(mallory.display_name(), "Mallory");
  EXPECT_EQ(mallory.city(), "Paris");
  EXPECT_EQ(Get(cluster, kHome, mallory.member_id()).display_name(), "Mallory");
  v1::Member refused;
  EXPECT_EQ(members->RegisterMember(Context(desk).get(), complete, &refused).error_code(),
            grpc::NOT_FOUND);  // Completed once: the request is gone.
  complete.set_email("ada@example.org");
  EXPECT_EQ(members->RegisterMember(Context(desk).get(), complete, &refused).error_code(),
            grpc::ALREADY_EXISTS);
  complete.set_email("nobody@example.org");
  EXPECT_EQ(members->RegisterMember(Context(desk).get(), complete, &refused).error_code(),
            grpc::NOT_FOUND);
  EXPECT_EQ(members->RegisterMember(Context(desk).get(), Ada(), &refused).error_code(),
            grpc::ALREADY_EXISTS);

  // With a credential, only the desk registers: a member's token does not.
  v1::RegisterMemberRequest by_member = fresh;
  by_member.set_email("other@example.org");
  EXPECT_EQ(
      members->RegisterMember(Context(Token(cluster, ada.member_id())).get(), by_member, &refused)
          .error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_EQ(refused.ByteSizeLong(), 0u);
}

TEST(MemberPrivacyTest, AnonymousRegistrationsAreLimitedPerAddressAndPerSiteButNotTheDesk) {
  testing::TempDir dir;
  testing::FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  node::NodeOptions options = testing::ParisNodeOptions(dir, "paris-desk-secret");
  options.listen_address = "[::]:0";  // Callers over IPv4 and IPv6: two addresses.
  options.anonymous_registrations_per_address_per_minute = 3;
  options.anonymous_registrations_per_site_per_minute = 5;
  absl::StatusOr<std::unique_ptr<node::Node>> node = node::Node::Start(options, &clock);
  ASSERT_TRUE(node.ok()) << node.status();
  const auto stub = [&](const std::string& host) {
    return v1::MemberService::NewStub(grpc::CreateChannel(absl::StrCat(host, ":", (*node)->port()),
                                                          grpc::InsecureChannelCredentials()));
  };
  auto over_v4 = stub("127.0.0.1");
  auto over_v6 = stub("[::1]");
  int n = 0;
  const auto request = [&] {
    v1::RegisterMemberRequest r;
    r.set_display_name("Someone");
    r.set_email(absl::StrCat("someone-", n++, "@example.org"));
    return r;
  };
  const auto anonymous = [&](v1::MemberService::Stub& members) {
    v1::Member member;
    return members.RegisterMember(Context().get(), request(), &member);
  };

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(anonymous(*over_v4).ok()) << i;
  grpc::Status refused = anonymous(*over_v4);
  EXPECT_EQ(refused.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("from your address"));
  // Another address has its own bucket, but the site's holds two more registrations only.
  ASSERT_TRUE(anonymous(*over_v6).ok());
  ASSERT_TRUE(anonymous(*over_v6).ok());
  refused = anonymous(*over_v6);
  EXPECT_EQ(refused.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("at this site"));

  // The desk is not limited.
  for (int i = 0; i < 10; ++i) {
    v1::Member member;
    grpc::Status status =
        over_v4->RegisterMember(Context("paris-desk-secret").get(), request(), &member);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // A minute later the buckets have refilled.
  clock.Advance(absl::Minutes(1));
  EXPECT_TRUE(anonymous(*over_v4).ok());
  EXPECT_TRUE(anonymous(*over_v6).ok());
}

}  // namespace
}  // namespace cantine
