// Kills a cantined with SIGKILL while it applies a large catch-up from a peer, restarts it,
// and checks that it ends with exactly its peer's entries: no gap, nothing lost or doubled.

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "catchup-test-admin-credential-77";
constexpr int kMembers = 6000;
constexpr int kWriters = 8;

class CatchupCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.Sub("admin")) << kAdminSecret << "\n";
    for (const char* site : {"paris", "milan"}) {
      const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
      std::ofstream(dir_.Sub(absl::StrCat(site, ".key"))) << key.ToPem();
      std::ofstream(dir_.Sub(absl::StrCat(site, ".pub"))) << key.PublicKey().ToPem();
    }
  }

  // Starts a node of `site` with the network fragment `network`; returns its public port
  // and federation port once it serves.
  std::unique_ptr<testing::Subprocess> Start(const std::string& site, const std::string& network,
                                             int* port, int* federation_port) {
    const std::string fragment = dir_.Sub(site + ".net");
    std::ofstream(fragment) << network;
    std::filesystem::remove(dir_.Sub(site + ".port"));
    std::filesystem::remove(dir_.Sub(site + ".fport"));
    auto process = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{
            CANTINED_PATH,
            absl::StrCat("--config=", CANTINE_SOURCE_DIR, "/deploy/sites/", site, ".textproto,",
                         fragment),
            "--listen_address=127.0.0.1:0", "--federation_listen_address=127.0.0.1:0",
            absl::StrCat("--data_dir=", dir_.Sub(site)),
            absl::StrCat("--admin_credential_file=", dir_.Sub("admin")),
            absl::StrCat("--signing_key_file=", dir_.Sub(site + ".key")),
            absl::StrCat("--port_file=", dir_.Sub(site + ".port")),
            absl::StrCat("--federation_port_file=", dir_.Sub(site + ".fport")), "--insecure"},
        dir_.Sub(site + ".log"));
    EXPECT_TRUE(process->Start());
    auto read_port = [&](const std::string& file, int* value) {
      std::ifstream in(file);
      std::string text;
      return std::getline(in, text) && absl::SimpleAtoi(text, value) && *value > 0;
    };
    EXPECT_TRUE(testing::WaitFor([&] {
      return read_port(dir_.Sub(site + ".port"), port) &&
             read_port(dir_.Sub(site + ".fport"), federation_port);
    })) << "see "
        << dir_.Sub(site + ".log");
    return process;
  }

  // The highest contiguous seq `port`'s node holds of origin `site`, or -1 if unreachable.
  static int64_t Held(int port, const std::string& site) {
    auto admin = v1::AdminService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdminSecret));
    v1::NetworkStatus status;
    if (!admin->GetNetworkStatus(&context, {}, &status).ok()) return -1;
    for (const v1::VersionVectorEntry& origin : status.origins()) {
      if (origin.origin().site_id() == site) return static_cast<int64_t>(origin.seq());
    }
    return 0;
  }

  testing::TempDir dir_;
};

TEST_F(CatchupCrashTest, KillDuringCatchUpThenRestartEndsWithExactlyThePeersEntries) {
  int paris_port = 0, paris_federation = 0;
  std::unique_ptr<testing::Subprocess> paris =
      Start("paris",
            absl::StrCat("trusted_sites { site_id: \"milan\" public_key_file: \"",
                         dir_.Sub("milan.pub"), "\" }\n"),
            &paris_port, &paris_federation);

  // Members registered at paris: each one a replicated entry.
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", paris_port),
                                     grpc::InsecureChannelCredentials());
  std::vector<std::string> ids(kMembers);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto members = v1::MemberService::NewStub(channel);
      for (int i = w; i < kMembers; i += kWriters) {
        v1::RegisterMemberRequest request;
        request.set_display_name(absl::StrCat("Member ", i));
        request.set_email(absl::StrCat("m", i, "@example.org"));
        v1::Member member;
        grpc::ClientContext context;
        ASSERT_TRUE(members->RegisterMember(&context, request, &member).ok());
        ids[i] = member.member_id();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  const int64_t total = Held(paris_port, "paris");
  ASSERT_EQ(total, kMembers + 1);  // The members and paris's directory entry.

  const std::string milan_network =
      absl::StrCat("peers { site_id: \"paris\" address: \"127.0.0.1:", paris_federation,
                   "\" public_key_file: \"", dir_.Sub("paris.pub"), "\" }\n");
  int milan_port = 0, milan_federation = 0;
  std::unique_ptr<testing::Subprocess> milan =
      Start("milan", milan_network, &milan_port, &milan_federation);
  // Kill it as soon as it is part-way through.
  ASSERT_TRUE(testing::WaitFor([&] { return Held(milan_port, "paris") > 0; }, absl::Seconds(60)));
  milan->Signal(SIGKILL);
  EXPECT_EQ(milan->Wait(absl::Seconds(30)), 128 + SIGKILL);

  milan = Start("milan", milan_network, &milan_port, &milan_federation);
  ASSERT_TRUE(
      testing::WaitFor([&] { return Held(milan_port, "paris") == total; }, absl::Seconds(120)));
  auto members = v1::MemberService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", milan_port), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < kMembers; i += 7) {
    v1::GetMemberRequest request;
    request.set_member_id(ids[i]);
    v1::Member member;
    grpc::ClientContext context;
    ASSERT_TRUE(members->GetMember(&context, request, &member).ok()) << ids[i];
    EXPECT_EQ(member.display_name(), absl::StrCat("Member ", i));
  }
  // Nothing beyond the peer's entries: the vector stops exactly at paris's head.
  EXPECT_EQ(Held(milan_port, "paris"), total);

  channel.reset();
  members.reset();
  milan->Signal(SIGTERM);
  paris->Signal(SIGTERM);
  EXPECT_EQ(milan->Wait(absl::Seconds(30)), 0);
  EXPECT_EQ(paris->Wait(absl::Seconds(30)), 0);
}

}  // namespace
}  // namespace cantine
