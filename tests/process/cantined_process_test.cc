// Starts the real cantined binary, checks it serves, stops it with SIGTERM and restarts it.

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cantine/v1/site.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/rpc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "process-test-admin-credential-42";

class CantinedProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WritePrivateFile(dir_.Sub("admin"), absl::StrCat(kAdminSecret, "\n"));
  }

  std::unique_ptr<testing::Subprocess> StartCantined(std::vector<std::string> extra_flags = {}) {
    std::filesystem::remove(dir_.Sub("port"));
    std::vector<std::string> argv = {
        CANTINED_PATH,
        absl::StrCat("--config=", CANTINE_SOURCE_DIR, "/deploy/sites/paris.textproto"),
        "--listen_address=127.0.0.1:0",
        absl::StrCat("--data_dir=", dir_.Sub("data")),
        absl::StrCat("--admin_credential_file=", dir_.Sub("admin")),
        absl::StrCat("--port_file=", dir_.Sub("port")),
        "--insecure"};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    auto process = std::make_unique<testing::Subprocess>(argv, dir_.Sub("cantined.log"));
    EXPECT_TRUE(process->Start());
    return process;
  }

  // Waits for the port file and for health to say SERVING; returns a channel to the node.
  std::shared_ptr<grpc::Channel> ConnectWhenServing() {
    int port = 0;
    EXPECT_TRUE(testing::WaitFor([&] {
      std::ifstream in(dir_.Sub("port"));
      std::string text;
      return std::getline(in, text) && absl::SimpleAtoi(text, &port) && port > 0;
    })) << "no port file; see "
        << dir_.Sub("cantined.log");
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    auto health = grpc::health::v1::Health::NewStub(channel);
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      testing::SetDeadline(context, absl::Seconds(1));
      grpc::health::v1::HealthCheckResponse response;
      return health->Check(&context, {}, &response).ok() &&
             response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    }));
    return channel;
  }

  testing::TempDir dir_;
};

TEST_F(CantinedProcessTest, ServesStopsCleanlyOnSigtermAndKeepsDataOnRestart) {
  std::unique_ptr<testing::Subprocess> node = StartCantined();
  auto site = v1::SiteService::NewStub(ConnectWhenServing());

  v1::CreateSpaceRequest create;
  create.mutable_space()->set_space_id("phone-booth");
  create.mutable_space()->set_display_name("Phone booth");
  create.mutable_space()->set_kind(v1::SPACE_KIND_MEETING_ROOM);
  create.mutable_space()->set_seats(1);
  create.mutable_space()->mutable_price_per_slot()->set_amount_minor(500);
  {
    grpc::ClientContext context;
    testing::SetDeadline(context);
    testing::Authorize(context, kAdminSecret);
    v1::Space created;
    grpc::Status status = site->CreateSpace(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // gRPC 1.51 holds shutdown open for the drain timeout while a client keeps its connection,
  // so the client leaves first, as cantinectl does.
  site.reset();
  node->Signal(SIGTERM);
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 0);

  node = StartCantined();
  site = v1::SiteService::NewStub(ConnectWhenServing());
  grpc::ClientContext context;
  testing::SetDeadline(context);
  v1::ListSpacesResponse spaces;
  ASSERT_TRUE(site->ListSpaces(&context, {}, &spaces).ok());
  std::vector<std::string> ids;
  for (const v1::Space& space : spaces.spaces()) ids.push_back(space.space_id());
  // The seeded spaces once (not seeded again) and the one created before the restart.
  EXPECT_EQ(ids, (std::vector<std::string>{"coworking", "meeting-room", "phone-booth"}));

  site.reset();
  node->Signal(SIGINT);
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 0);
}

TEST_F(CantinedProcessTest, InvalidOptionsExitWithCodeTwo) {
  std::unique_ptr<testing::Subprocess> node = StartCantined({"--time_zone=Europe/Atlantis"});
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 2);
  node = StartCantined({"--currency_code=EURO"});
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 2);
}

TEST_F(CantinedProcessTest, SecondNodeOnTheSameDataFolderExitsWithCodeOne) {
  std::unique_ptr<testing::Subprocess> first = StartCantined();
  ConnectWhenServing().reset();
  testing::Subprocess second(
      {CANTINED_PATH,
       absl::StrCat("--config=", CANTINE_SOURCE_DIR, "/deploy/sites/paris.textproto"),
       "--listen_address=127.0.0.1:0", absl::StrCat("--data_dir=", dir_.Sub("data")),
       absl::StrCat("--admin_credential_file=", dir_.Sub("admin")), "--insecure"},
      dir_.Sub("second.log"));
  ASSERT_TRUE(second.Start());
  EXPECT_EQ(second.Wait(absl::Seconds(30)), 1);
  first->Signal(SIGTERM);
  EXPECT_EQ(first->Wait(absl::Seconds(30)), 0);
}

TEST_F(CantinedProcessTest, CredentialReadableByOthersExitsWithCodeOneNamingTheChmod) {
  const std::string admin = dir_.Sub("admin");
  ASSERT_EQ(::chmod(admin.c_str(), 0644), 0);
  std::unique_ptr<testing::Subprocess> node = StartCantined();
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 1);
  // What the operator reads on stderr is the contract here: the file and the fix.
  std::ifstream log(dir_.Sub("cantined.log"));
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find(absl::StrCat("run: chmod 600 ", admin)), std::string::npos)
      << text.str();

  ASSERT_EQ(::chmod(admin.c_str(), 0600), 0);
  node = StartCantined();
  ConnectWhenServing().reset();
  struct stat data;
  ASSERT_EQ(::stat(dir_.Sub("data").c_str(), &data), 0);
  EXPECT_EQ(data.st_mode & 07777, 0700u);  // Made by the node, for its owner only.
  node->Signal(SIGTERM);
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 0);
}

}  // namespace
}  // namespace cantine
