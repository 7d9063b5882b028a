// Starts the real cantined binary, checks it serves, stops it with SIGTERM and restarts it.

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "cantine/config/v1/join_bundle.pb.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/site/directory_change.h"
#include "tests/support/cantined_launcher.h"
#include "tests/support/desk_calls.h"
#include "tests/support/process_stop.h"
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

// The listing of `site` with `key`, its federation port `federation_port`: a valid listing
// of Paris's identity under another id.
v1::SiteListing ListingOf(const std::string& site, const auth::Ed25519PrivateKey& key,
                          int federation_port) {
  v1::SiteListing listing;
  v1::Site& identity = *listing.mutable_site();
  identity.set_site_id(site);
  identity.set_display_name(absl::StrCat("Cantine ", site));
  identity.set_street_address("151 rue Montmartre, 75002 Paris");
  identity.set_city("Paris");
  identity.set_country_code("FR");
  identity.set_time_zone("Europe/Paris");
  identity.set_currency_code("EUR");
  listing.set_public_endpoint("127.0.0.1:7101");
  listing.set_federation_endpoint(absl::StrCat("127.0.0.1:", federation_port));
  listing.set_entry_public_key(key.PublicKey().Raw());
  listing.set_token_public_key(key.PublicKey().Raw());
  listing.set_certificate_sha256(std::string(32, '\x01'));
  return listing;
}

TEST_F(CantinedProcessTest, ANewSiteJoinsWithItsBundleAndNoPinnedKey) {
  const auth::Ed25519PrivateKey network_admin = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey paris_key = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey lyon_key = auth::Ed25519PrivateKey::Generate();
  testing::WritePrivateFile(dir_.Sub("network-admin.pub"), network_admin.PublicKey().ToPem());
  testing::WritePrivateFile(dir_.Sub("paris.key"), paris_key.ToPem());
  testing::WritePrivateFile(dir_.Sub("lyon.key"), lyon_key.ToPem());
  const int paris_federation_port = testing::UnusedLoopbackPort();
  const int lyon_federation_port = testing::UnusedLoopbackPort();

  testing::CantinedLaunch paris_launch = Launch(absl::StrCat(
      "admin_public_key_file: ", testing::TextFormatString(dir_.Sub("network-admin.pub")),
      " signing_key_file: ", testing::TextFormatString(dir_.Sub("paris.key"))));
  paris_launch.federation_port = paris_federation_port;
  absl::StatusOr<testing::CantinedProcess> paris = testing::StartCantined(paris_launch);
  ASSERT_TRUE(paris.ok()) << paris.status();
  auto admin = v1::AdminService::NewStub(testing::LoopbackChannel(paris->port));
  auto members = v1::MemberService::NewStub(testing::LoopbackChannel(paris->port));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(testing::RegisterByDesk(*members, kAdminSecret, absl::StrCat("m", i),
                                        absl::StrCat("m", i, "@example.org"))
                    .ok());
  }

  // The admin lists both sites at Paris and writes Lyon's bundle, with Paris as its seed.
  config::v1::JoinBundle bundle;
  for (const auto& [site, key, port] : {std::tuple{"paris", &paris_key, paris_federation_port},
                                        std::tuple{"lyon", &lyon_key, lyon_federation_port}}) {
    v1::AddSiteRequest add;
    *add.mutable_signed_change() = site::SignDirectoryChange(
        site::AddSiteChange(ListingOf(site, *key, port), absl::Now()), network_admin);
    v1::DirectoryChange listed;
    ASSERT_TRUE(admin->AddSite(testing::Context().get(), add, &listed).ok()) << site;
    if (std::string(site) == "lyon") *bundle.mutable_listing() = add.signed_change();
  }
  v1::ListDirectoryChangesResponse directory;
  ASSERT_TRUE(admin->ListDirectoryChanges(testing::Context().get(), {}, &directory).ok());
  *bundle.mutable_directory() = directory.signed_changes();
  bundle.set_admin_public_key_pem(network_admin.PublicKey().ToPem());
  config::v1::Peer* seed = bundle.add_seeds();
  seed->set_site_id("paris");
  seed->set_address(absl::StrCat("127.0.0.1:", paris_federation_port));
  std::string bundle_text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(bundle, &bundle_text));
  testing::WritePrivateFile(dir_.Sub("lyon.join"), bundle_text);
  testing::WritePrivateFile(dir_.Sub("lyon.textproto"), "");  // Its files only, below.

  // Lyon's config names none of the network: its identity, seeds and keys are the bundle's.
  testing::CantinedLaunch lyon_launch = {
      .cantined = CANTINED_PATH,
      .dir = dir_.path(),
      .site = "lyon",
      .config = dir_.Sub("lyon.textproto"),
      .federation_port = lyon_federation_port,
      // Paris's few entries are enough to bootstrap from it, keys from its directory alone.
      .config_override = absl::StrCat("insecure: true bootstrap_min_entries: 1 signing_key_file: ",
                                      testing::TextFormatString(dir_.Sub("lyon.key"))),
      .flags = {absl::StrCat("--join=", dir_.Sub("lyon.join"))}};
  absl::StatusOr<testing::CantinedProcess> lyon = testing::StartCantined(lyon_launch);
  ASSERT_TRUE(lyon.ok()) << lyon.status();
  // Done before it served: the node logs it before it listens.
  EXPECT_THAT(testing::LogTail(lyon->log_path, 50),
              ::testing::HasSubstr("bootstrap from seed paris in"));
  auto lyon_admin = v1::AdminService::NewStub(testing::LoopbackChannel(lyon->port));
  absl::StatusOr<uint64_t> paris_head =
      testing::HeldSeq(*admin, kAdminSecret, "paris", absl::Seconds(5));
  ASSERT_TRUE(paris_head.ok()) << paris_head.status();
  EXPECT_TRUE(testing::WaitFor([&] {
    absl::StatusOr<uint64_t> held =
        testing::HeldSeq(*lyon_admin, kAdminSecret, "paris", absl::Seconds(5));
    return held.ok() && *held >= *paris_head;
  })) << testing::LogTail(lyon->log_path);
  // And Paris takes Lyon's entries, its key known from the directory alone.
  EXPECT_TRUE(testing::WaitFor([&] {
    absl::StatusOr<uint64_t> held =
        testing::HeldSeq(*admin, kAdminSecret, "lyon", absl::Seconds(5));
    return held.ok() && *held > 0;
  })) << testing::LogTail(paris->log_path);

  // A bundle for another site than its config names is refused: exit 2.
  testing::CantinedLaunch wrong = lyon_launch;
  wrong.site = "rome";
  wrong.config_override += R"( site_id: "rome")";
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> refused = testing::SpawnCantined(wrong);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ((*refused)->Wait(absl::Seconds(30)), 2);
}

}  // namespace
}  // namespace cantine
