// Kills a cantined with SIGKILL while it applies a large catch-up from a peer (checked: it
// held part of the peer's entries at the kill), restarts it, and checks that it ends with
// exactly its peer's entries: no gap, nothing lost or doubled.

#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/desk_calls.h"
#include "tests/support/process_stop.h"
#include "tests/support/rpc_client.h"
#include "tests/support/site_network.h"
#include "tests/support/site_processes.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "catchup-test-admin-credential-77";
constexpr int kMembers = 6000;
constexpr int kWriters = 8;

class CatchupCrashTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  testing::SiteProcesses sites_{dir_, CANTINED_PATH, kAdminSecret, {"paris", "milan"}};
};

TEST_F(CatchupCrashTest, KillDuringCatchUpThenRestartEndsWithExactlyThePeersEntries) {
  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris =
      sites_.Start("paris", testing::TrustedSite(sites_, "milan"), &paris_port, &paris_federation);

  // Members registered at paris: each one a replicated entry.
  auto channel = testing::LoopbackChannel(paris_port);
  std::vector<std::string> ids(kMembers);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto members = v1::MemberService::NewStub(channel);
      for (int i = w; i < kMembers; i += kWriters) {
        absl::StatusOr<v1::Member> member =
            testing::RegisterByDesk(*members, kAdminSecret, absl::StrCat("Member ", i),
                                    absl::StrCat("m", i, "@example.org"));
        ASSERT_TRUE(member.ok()) << member.status();
        ids[i] = member->member_id();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  const int64_t total = sites_.Held(paris_port, "paris");
  ASSERT_EQ(total, kMembers + 1);  // The members and paris's directory entry.

  const std::string milan_network = testing::PeerSite(sites_, "paris", paris_federation);
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan =
      sites_.Start("milan", milan_network, &milan_port, &milan_federation);
  // Kill it as soon as it is part-way through.
  ASSERT_TRUE(
      testing::WaitFor([&] { return sites_.Held(milan_port, "paris") > 0; }, absl::Seconds(60)));
  EXPECT_TRUE(testing::DiesOnSigkill(*milan));

  // The kill came mid-way: restarted without its peer, milan holds some of paris's entries
  // and not all of them.
  milan = sites_.Start("milan", "", &milan_port, &milan_federation);
  int64_t held_at_kill = -1;
  ASSERT_TRUE(testing::WaitFor([&] {
    held_at_kill = sites_.Held(milan_port, "paris");
    return held_at_kill >= 0;
  }));
  EXPECT_GT(held_at_kill, 0);
  ASSERT_LT(held_at_kill, total) << "the kill came after the catch-up had finished";
  ASSERT_TRUE(testing::ExitsOnSignal(*milan, SIGTERM, 0));

  milan = sites_.Start("milan", milan_network, &milan_port, &milan_federation);
  ASSERT_TRUE(testing::WaitFor([&] { return sites_.Held(milan_port, "paris") == total; },
                               absl::Seconds(120)));
  auto members = v1::MemberService::NewStub(testing::LoopbackChannel(milan_port));
  for (int i = 0; i < kMembers; i += 7) {
    v1::GetMemberRequest request;
    request.set_member_id(ids[i]);
    v1::Member member;
    ASSERT_TRUE(members->GetMember(testing::Context().get(), request, &member).ok()) << ids[i];
    EXPECT_EQ(member.display_name(), absl::StrCat("Member ", i));
  }
  // Nothing beyond the peer's entries: the vector stops exactly at paris's head.
  EXPECT_EQ(sites_.Held(milan_port, "paris"), total);

  channel.reset();
  members.reset();
  testing::ExpectCleanStop({milan.get(), paris.get()});
}

}  // namespace
}  // namespace cantine
