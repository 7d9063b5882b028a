// Starts the real cantined binary, checks it serves, stops it with SIGTERM and restarts it.

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/cantined_launcher.h"
#include "tests/support/desk_calls.h"
#include "tests/support/process_stop.h"
#include "tests/support/rpc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cantine {
namespace {

constexpr char kAdminSecret[] = "process-test-admin-credential-42";

class CantinedProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WritePrivateFile(dir_.Sub("admin"), absl::StrCat(kAdminSecret, "\n"));
  }

  // Paris on dir_: its data folder is dir_/paris, its log dir_/paris.log.
  testing::CantinedLaunch Launch(absl::string_view config_override = "") const {
    testing::CantinedLaunch launch = {
        .cantined = CANTINED_PATH,
        .dir = dir_.path(),
        .site = "paris",
        .config = absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/paris.textproto"),
        .config_override = absl::StrCat("insecure: true ", config_override)};
    return launch;
  }

  // Starts cantined without waiting for it to serve: some of these tests expect it to exit.
  std::unique_ptr<testing::Subprocess> StartCantined(absl::string_view config_override = "") {
    absl::StatusOr<std::unique_ptr<testing::Subprocess>> process =
        testing::SpawnCantined(Launch(config_override));
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) {
      return std::make_unique<testing::Subprocess>(std::vector<std::string>{CANTINED_PATH}, "");
    }
    return *std::move(process);
  }

  // Waits for the port files and for health to say SERVING; returns a channel to the node.
  std::shared_ptr<grpc::Channel> ConnectWhenServing(testing::Subprocess& node) {
    absl::StatusOr<testing::CantinedPorts> ports = testing::WaitUntilServing(Launch(), node);
    EXPECT_TRUE(ports.ok()) << ports.status();
    return testing::LoopbackChannel(ports.ok() ? ports->port : 0);
  }

  testing::TempDir dir_;
};

TEST_F(CantinedProcessTest, ServesStopsCleanlyOnSigtermAndKeepsDataOnRestart) {
  std::unique_ptr<testing::Subprocess> node = StartCantined();
  auto site = v1::SiteService::NewStub(ConnectWhenServing(*node));

  const v1::CreateSpaceRequest create =
      testing::MeetingRoomRequest("phone-booth", "Phone booth", 1, 500);
  v1::Space created;
  grpc::Status status = site->CreateSpace(testing::Context(kAdminSecret).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // gRPC 1.51 holds shutdown open for the drain timeout while a client keeps its connection,
  // so the client leaves first, as cantinectl does.
  site.reset();
  testing::ExpectCleanStop({node.get()});

  node = StartCantined();
  site = v1::SiteService::NewStub(ConnectWhenServing(*node));
  v1::ListSpacesResponse spaces;
  ASSERT_TRUE(site->ListSpaces(testing::Context().get(), {}, &spaces).ok());
  std::vector<std::string> ids;
  for (const v1::Space& space : spaces.spaces()) ids.push_back(space.space_id());
  // The seeded spaces once (not seeded again) and the one created before the restart.
  EXPECT_EQ(ids, (std::vector<std::string>{"coworking", "meeting-room", "phone-booth"}));

  site.reset();
  EXPECT_TRUE(testing::ExitsOnSignal(*node, SIGINT, 0));
}

TEST_F(CantinedProcessTest, InvalidOptionsExitWithCodeTwo) {
  std::unique_ptr<testing::Subprocess> node = StartCantined(R"(time_zone: "Europe/Atlantis")");
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 2);
  node = StartCantined(R"(currency_code: "EURO")");
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 2);
  node = StartCantined("time_zone Europe/Paris");  // Not NodeConfig text.
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 2);
}

TEST_F(CantinedProcessTest, SecondNodeOnTheSameDataFolderExitsWithCodeOne) {
  std::unique_ptr<testing::Subprocess> first = StartCantined();
  ConnectWhenServing(*first).reset();
  std::unique_ptr<testing::Subprocess> second = StartCantined();  // Same data folder.
  EXPECT_EQ(second->Wait(absl::Seconds(30)), 1);
  testing::ExpectCleanStop({first.get()});
}

TEST_F(CantinedProcessTest, CredentialReadableByOthersExitsWithCodeOneNamingTheChmod) {
  const std::string admin = dir_.Sub("admin");
  ASSERT_EQ(::chmod(admin.c_str(), 0644), 0);
  std::unique_ptr<testing::Subprocess> node = StartCantined();
  EXPECT_EQ(node->Wait(absl::Seconds(30)), 1);
  // What the operator reads on stderr is the contract here: the file and the fix.
  std::ifstream log(dir_.Sub("paris.log"));
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find(absl::StrCat("run: chmod 600 ", admin)), std::string::npos)
      << text.str();

  ASSERT_EQ(::chmod(admin.c_str(), 0600), 0);
  node = StartCantined();
  ConnectWhenServing(*node).reset();
  struct stat data;
  ASSERT_EQ(::stat(dir_.Sub("paris").c_str(), &data), 0);
  EXPECT_EQ(data.st_mode & 07777, 0700u);  // Made by the node, for its owner only.
  testing::ExpectCleanStop({node.get()});
}

}  // namespace
}  // namespace cantine
