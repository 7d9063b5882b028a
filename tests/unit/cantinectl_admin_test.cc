// cantinectl's network admin commands against gRPC's generated mock of AdminService: the
// network admin key they make, and the directory changes they sign and send, each opened
// as a node opens it (site::OpenDirectoryChange) with the admin's public key.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cantine/config/v1/join_bundle.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/rpc/proto_time.h"
#include "services/site/directory_change.h"
#include "services/tls/transport_security.h"
#include "tests/unit/cantinectl_test_node.h"

namespace cantine::cantinectl {
namespace {

// A self-signed certificate of "milan", and the SHA-256 of its DER as openssl computes it
// (openssl x509 -in cert.pem -outform der | sha256sum).
constexpr char kCertificatePem[] = R"(-----BEGIN CERTIFICATE-----
MIIBNjCB6aADAgECAhQBBch5FdkWG2t5UGzsTwMQTbOkiDAFBgMrZXAwEDEOMAwG
A1UEAwwFbWlsYW4wIBcNMjYxMjAzMDcwOTE2WhgPMjEyNjExMDkwNzA5MTZaMBAx
DjAMBgNVBAMMBW1pbGFuMCowBQYDK2VwAyEAOOwtfet9mcWOPs1rcPw5zi78nGp7
H+5dM6yWjfnPfRyjUzBRMB0GA1UdDgQWBBTK1ewN1XCCOGujHo19Kdu0dk472zAf
BgNVHSMEGDAWgBTK1ewN1XCCOGujHo19Kdu0dk472zAPBgNVHRMBAf8EBTADAQH/
MAUGAytlcANBAN692VjK6AitWtJTClc8pJx46Lteq6ZHOi80t81kkz97uMmhdasb
j1k5Vg4iNkD6alvpaADP1BoXrGJcy69/cAs=
-----END CERTIFICATE-----
)";
constexpr char kCertificateSha256Hex[] =
    "a592df78b62ee38b1d9962803edfa48c801154e24d7bb65981b2591f8a60848f";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteAll(const std::string& path, const std::string& contents, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

// The permission bits of the file at `path`; -1 when there is none.
int Mode(const std::string& path) {
  struct stat status;
  if (::stat(path.c_str(), &status) != 0) return -1;
  return static_cast<int>(status.st_mode & 07777);
}

// Milan's listing as the admin first signs it, keys aside.
v1::SiteListing MilanListing() {
  v1::SiteListing listing;
  v1::Site& site = *listing.mutable_site();
  site.set_site_id("milan");
  site.set_display_name("Cantiere Milano");
  site.set_city("Milan");
  site.set_country_code("IT");
  site.set_street_address("Via Tortona 31, 20144 Milano");
  site.set_time_zone("Europe/Rome");
  site.set_currency_code("EUR");
  listing.set_public_endpoint("milan.example.org:7103");
  listing.set_federation_endpoint("milan.example.org:7203");
  return listing;
}

// The admin commands' runs: a network admin key, a site's key and certificate files in a
// folder of the test's own, and a mocked node that lists `directory_` and answers a change
// it is sent as it reads it.
class AdminCommandTest : public RunCommandTest {
 protected:
  void SetUp() override {
    RunCommandTest::SetUp();
    // One folder per process and test: ctest runs the tests in parallel processes.
    folder_ = absl::StrCat(testing::TempDir(), "/cantinectl_admin_", ::getpid(), "_",
                           testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    network_key_file_ = absl::StrCat(folder_, "/network.key");
    WriteAll(network_key_file_, admin_key_.ToPem(), 0600);
    entry_key_file_ = absl::StrCat(folder_, "/entry.pub");
    WriteAll(entry_key_file_, entry_key_.PublicKey().ToPem(), 0644);
    token_key_file_ = absl::StrCat(folder_, "/token.pub");
    WriteAll(token_key_file_, token_key_.PublicKey().ToPem(), 0644);
    certificate_file_ = absl::StrCat(folder_, "/milan.pem");
    WriteAll(certificate_file_, kCertificatePem, 0644);

    ON_CALL(admin_stub_, ListDirectoryChanges)
        .WillByDefault([this](grpc::ClientContext*, const v1::ListDirectoryChangesRequest&,
                              v1::ListDirectoryChangesResponse* response) {
          *response = directory_;
          return grpc::Status::OK;
        });
    ON_CALL(admin_stub_, AddSite).WillByDefault(Taking<v1::AddSiteRequest>("add"));
    ON_CALL(admin_stub_, SuspendSite).WillByDefault(Taking<v1::SuspendSiteRequest>("suspend"));
    ON_CALL(admin_stub_, ReinstateSite)
        .WillByDefault(Taking<v1::ReinstateSiteRequest>("reinstate"));
    ON_CALL(admin_stub_, RemoveSite).WillByDefault(Taking<v1::RemoveSiteRequest>("remove"));
    ON_CALL(admin_stub_, RotateSiteKeys)
        .WillByDefault(Taking<v1::RotateSiteKeysRequest>("rotate-keys"));
  }
  void TearDown() override {
    std::filesystem::remove_all(folder_);
    RunCommandTest::TearDown();
  }

  // A change sent with `method`: kept in sent_, answered as the change it holds.
  template <typename Request>
  std::function<grpc::Status(grpc::ClientContext*, const Request&, v1::DirectoryChange*)> Taking(
      std::string method) {
    return [this, method](grpc::ClientContext*, const Request& request,
                          v1::DirectoryChange* response) {
      methods_.push_back(method);
      sent_.push_back(request.signed_change());
      response->ParseFromString(request.signed_change().change());
      return grpc::Status::OK;
    };
  }

  // Milan, listed by `admin_key_` (or `signer`) at `version` after `action`, with the site's
  // current keys.
  v1::SignedDirectoryChange ListedMilan(uint64_t version, v1::DirectoryAction action,
                                        v1::SiteStatus status,
                                        const auth::Ed25519PrivateKey* signer = nullptr) {
    v1::DirectoryChange change;
    change.set_action(action);
    change.set_site_id("milan");
    change.set_version(version);
    *change.mutable_sign_time() = rpc::TimeToProto(now_ - absl::Hours(48));
    *change.mutable_listing() = MilanListing();
    change.mutable_listing()->set_entry_public_key(old_entry_key_.PublicKey().Raw());
    change.mutable_listing()->set_token_public_key(old_token_key_.PublicKey().Raw());
    change.mutable_listing()->set_certificate_sha256(std::string(32, 'c'));
    change.mutable_listing()->set_status(status);
    return site::SignDirectoryChange(change, signer != nullptr ? *signer : admin_key_);
  }

  // The one change sent, opened as a node opens it with the admin's public key.
  absl::StatusOr<v1::DirectoryChange> OpenSent() const {
    EXPECT_EQ(sent_.size(), 1u);
    if (sent_.size() != 1) return absl::InternalError("not one change sent");
    return site::OpenDirectoryChange(sent_[0], admin_key_.PublicKey());
  }

  std::vector<std::string> AddSiteArguments() const {
    return {"admin",
            "site",
            "add",
            absl::StrCat("--network_key=", network_key_file_),
            "--site_id=milan",
            "--name=Cantiere Milano",
            "--city=Milan",
            "--country=IT",
            "--address=Via Tortona 31, 20144 Milano",
            "--time_zone=Europe/Rome",
            "--currency=EUR",
            "--public_endpoint=milan.example.org:7103",
            "--federation_endpoint=milan.example.org:7203",
            absl::StrCat("--entry_key=", entry_key_file_),
            absl::StrCat("--token_key=", token_key_file_),
            absl::StrCat("--certificate=", certificate_file_)};
  }

  std::string folder_;
  std::string network_key_file_;
  std::string entry_key_file_;
  std::string token_key_file_;
  std::string certificate_file_;
  const auth::Ed25519PrivateKey admin_key_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey entry_key_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey token_key_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey old_entry_key_ = auth::Ed25519PrivateKey::Generate();
  const auth::Ed25519PrivateKey old_token_key_ = auth::Ed25519PrivateKey::Generate();
  v1::ListDirectoryChangesResponse directory_;
  std::vector<std::string> methods_;
  std::vector<v1::SignedDirectoryChange> sent_;
};

// ---- admin init-network ----

TEST_F(AdminCommandTest, InitNetworkWritesThePrivateKeyPrivateAndItsPublicKeyBeside) {
  const std::string key_file = absl::StrCat(folder_, "/admin.key");
  absl::StatusOr<Invocation> parsed =
      ParseArguments({"admin", "init-network", "--key_file", key_file}, {});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->calls_node);
  ASSERT_EQ(Execute(*parsed), kExitOk) << err_.str();

  EXPECT_EQ(Mode(key_file), 0600);
  EXPECT_EQ(Mode(key_file + ".pub"), 0644);
  absl::StatusOr<auth::Ed25519PrivateKey> key = auth::Ed25519PrivateKey::LoadPemFile(key_file);
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<auth::Ed25519PublicKey> public_key =
      auth::Ed25519PublicKey::LoadPemFile(key_file + ".pub");
  ASSERT_TRUE(public_key.ok()) << public_key.status();
  EXPECT_EQ(public_key->Raw(), key->PublicKey().Raw());
  EXPECT_THAT(out_.str(), ContainsAll({key_file, key_file + ".pub", auth::KeyId(*public_key),
                                       "offline", "admin_public_key_file"}));
  EXPECT_THAT(methods_, IsEmpty());
}

TEST_F(AdminCommandTest, InitNetworkNeverOverwritesAKeyNorItsPublicKey) {
  const std::string key_file = absl::StrCat(folder_, "/admin.key");
  WriteAll(key_file, "the network's root of trust\n", 0600);
  EXPECT_EQ(Run({"admin", "init-network", "--key_file", key_file}), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"cantinectl: ALREADY_EXISTS: ", key_file, "exists"}));
  EXPECT_EQ(ReadAll(key_file), "the network's root of trust\n");
  EXPECT_EQ(Mode(key_file + ".pub"), -1);

  // A public key alone is kept too, and no private key is made beside it.
  const std::string other = absl::StrCat(folder_, "/other.key");
  WriteAll(other + ".pub", "someone's public key\n", 0644);
  EXPECT_EQ(Run({"admin", "init-network", "--key_file", other}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr(other + ".pub"));
  EXPECT_EQ(ReadAll(other + ".pub"), "someone's public key\n");
  EXPECT_EQ(Mode(other), -1);
}

// ---- admin site add ----

TEST_F(AdminCommandTest, SiteAddSendsTheListingSignedWithTheNetworkKey) {
  ASSERT_EQ(Run(AddSiteArguments()), kExitOk) << err_.str();
  EXPECT_THAT(methods_, ElementsAre("add"));
  absl::StatusOr<v1::DirectoryChange> change = OpenSent();
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->action(), v1::DIRECTORY_ACTION_ADD_SITE);
  EXPECT_EQ(change->site_id(), "milan");
  EXPECT_EQ(change->version(), 1u);
  EXPECT_EQ(rpc::TimeFromProto("sign_time", change->sign_time()).value_or(absl::InfinitePast()),
            now_);
  const v1::SiteListing& listing = change->listing();
  v1::SiteListing expected = MilanListing();
  expected.set_entry_public_key(entry_key_.PublicKey().Raw());
  expected.set_token_public_key(token_key_.PublicKey().Raw());
  expected.set_certificate_sha256(absl::HexStringToBytes(kCertificateSha256Hex));
  expected.set_status(v1::SITE_STATUS_ACTIVE);
  EXPECT_EQ(listing.SerializeAsString(), expected.SerializeAsString()) << listing.DebugString();
  // The listing the node answers, with the keys by their ids.
  EXPECT_THAT(out_.str(),
              ContainsAll({"Cantiere Milano", "active", "1 (add site", "milan.example.org:7203",
                           auth::KeyId(entry_key_.PublicKey()), auth::KeyId(token_key_.PublicKey()),
                           kCertificateSha256Hex}));
}

TEST_F(AdminCommandTest, SiteAddNamesTheMissingFlagsAsAUsageError) {
  std::vector<std::string> args = AddSiteArguments();
  std::erase_if(args, [](const std::string& arg) {
    return arg.starts_with("--certificate=") || arg.starts_with("--time_zone=");
  });
  absl::StatusOr<Invocation> parsed = ParseArguments(args, {});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_EQ(parsed.status().message(), "admin site add needs --time_zone, --certificate");

  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"admin"}, "usage: cantinectl admin init-network --key_file FILE"},
           {{"admin", "site"}, "usage: cantinectl admin site add|bundle|suspend|"},
           {{"admin", "site", "bogus"}, "unknown admin site command 'bogus'; usage: "},
           {{"admin", "site", "remove", "--network_key=k"}, "usage: cantinectl admin site remove"},
           {{"admin", "init-network", "--key_file="}, "--key_file is empty"},
           {{"admin", "directory", "--network_key=k"}, "--network_key does not apply"}}) {
    parsed = ParseArguments(args, {});
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << testing::PrintToString(args);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message));
  }
  parsed = ParseArguments({"admin", "site", "suspend", "milan"}, {});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_EQ(parsed.status().message(), "admin site suspend needs --network_key");
}

TEST_F(AdminCommandTest, SiteAddRefusesFilesThatHoldNoKeyOrCertificate) {
  std::vector<std::string> args = AddSiteArguments();
  WriteAll(certificate_file_, "not a certificate\n", 0644);
  EXPECT_EQ(Run(args), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"--certificate", certificate_file_}));
  WriteAll(token_key_file_, "not a key\n", 0644);
  EXPECT_EQ(Run(args), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"--token_key", token_key_file_}));
  EXPECT_THAT(methods_, IsEmpty());
}

TEST_F(AdminCommandTest, ANetworkKeyReadableByOthersIsRefusedBeforeAnyCall) {
  ASSERT_EQ(::chmod(network_key_file_.c_str(), 0644), 0);
  EXPECT_EQ(Run(AddSiteArguments()), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"--network_key", network_key_file_, "chmod 600"}));
  EXPECT_THAT(methods_, IsEmpty());
}

// ---- admin site add --join_bundle ----

// The runs of 'admin site add' that write a join bundle: a directory that lists rome, a node
// that lists the site it is sent, and the network CA in a file of the test's own.
class JoinBundleTest : public AdminCommandTest {
 protected:
  void SetUp() override {
    AdminCommandTest::SetUp();
    bundle_file_ = absl::StrCat(folder_, "/milan.bundle");
    ca_file_ = absl::StrCat(folder_, "/ca.pem");
    WriteAll(ca_file_, kCertificatePem, 0644);
    v1::DirectoryChange rome;
    rome.set_action(v1::DIRECTORY_ACTION_ADD_SITE);
    rome.set_site_id("rome");
    rome.set_version(1);
    rome.mutable_listing()->mutable_site()->set_site_id("rome");
    *directory_.add_signed_changes() = site::SignDirectoryChange(rome, admin_key_);
    // The node lists what it takes; each call is kept in methods_, a listing as "list".
    ON_CALL(admin_stub_, AddSite)
        .WillByDefault([this](grpc::ClientContext* context, const v1::AddSiteRequest& request,
                              v1::DirectoryChange* response) {
          *directory_.add_signed_changes() = request.signed_change();
          return Taking<v1::AddSiteRequest>("add")(context, request, response);
        });
    ON_CALL(admin_stub_, ListDirectoryChanges)
        .WillByDefault([this](grpc::ClientContext*, const v1::ListDirectoryChangesRequest&,
                              v1::ListDirectoryChangesResponse* response) {
          methods_.push_back("list");
          if (!list_error_.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
          *response = directory_;
          return grpc::Status::OK;
        });
  }

  // AddSiteArguments with --join_bundle bundle_file_ and `seeds`, each a --seed.
  std::vector<std::string> BundleArguments(const std::vector<std::string>& seeds = {
                                               "rome=rome.example.org:7202",
                                               "paris=[2001:db8::1]:7201"}) const {
    std::vector<std::string> args = AddSiteArguments();
    args.push_back(absl::StrCat("--join_bundle=", bundle_file_));
    for (const std::string& seed : seeds) {
      args.push_back("--seed");
      args.push_back(seed);
    }
    return args;
  }

  // Run, reaching the node over TLS with the CA in ca_file_ ($CANTINE_CA) unless `insecure`.
  int RunTrusting(std::vector<std::string> args, bool insecure = false) {
    if (insecure) args.insert(args.begin(), "--insecure");
    return RunWith(std::move(args), {.node = std::nullopt,
                                     .admin_credential_file = std::nullopt,
                                     .token_file = std::nullopt,
                                     .home = std::nullopt,
                                     .ca_file = ca_file_,
                                     .new_idempotency_key = "",
                                     .now = now_});
  }

  // The bundle in bundle_file_, as a node reads it back.
  std::optional<config::v1::JoinBundle> ReadBundle() const {
    config::v1::JoinBundle bundle;
    if (!google::protobuf::TextFormat::ParseFromString(ReadAll(bundle_file_), &bundle)) {
      return std::nullopt;
    }
    return bundle;
  }

  std::string bundle_file_;
  std::string ca_file_;
  absl::Status list_error_;
};

TEST_F(JoinBundleTest, HoldsTheListingSentTheDirectoryAfterItTheAdminKeyTheCaAndTheSeeds) {
  ASSERT_EQ(RunTrusting(BundleArguments()), kExitOk) << err_.str();
  // The directory is read once the node took the listing.
  EXPECT_THAT(methods_, ElementsAre("add", "list"));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(Mode(bundle_file_), 0644);
  const std::optional<config::v1::JoinBundle> bundle = ReadBundle();
  ASSERT_TRUE(bundle.has_value()) << ReadAll(bundle_file_);

  EXPECT_EQ(bundle->listing().SerializeAsString(), sent_[0].SerializeAsString());
  absl::StatusOr<v1::DirectoryChange> listed =
      site::OpenDirectoryChange(bundle->listing(), admin_key_.PublicKey());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->site_id(), "milan");
  // rome, then milan: the directory as the node answered after the add.
  ASSERT_EQ(bundle->directory_size(), 2);
  ASSERT_EQ(directory_.signed_changes_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(bundle->directory(i).SerializeAsString(),
              directory_.signed_changes(i).SerializeAsString())
        << i;
  }
  EXPECT_EQ(bundle->directory(1).SerializeAsString(), sent_[0].SerializeAsString());

  EXPECT_EQ(bundle->admin_public_key_pem(), admin_key_.PublicKey().ToPem());
  absl::StatusOr<auth::Ed25519PublicKey> admin =
      auth::Ed25519PublicKey::FromPem(bundle->admin_public_key_pem());
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->Raw(), admin_key_.PublicKey().Raw());
  EXPECT_EQ(bundle->ca_pem(), kCertificatePem);
  ASSERT_EQ(bundle->seeds_size(), 2);
  EXPECT_EQ(bundle->seeds(0).site_id(), "rome");
  EXPECT_EQ(bundle->seeds(0).address(), "rome.example.org:7202");
  EXPECT_EQ(bundle->seeds(1).site_id(), "paris");
  EXPECT_EQ(bundle->seeds(1).address(), "[2001:db8::1]:7201");
  EXPECT_EQ(bundle->seeds(1).public_key_file(), "");
  EXPECT_THAT(out_.str(), ContainsAll({"Cantiere Milano", bundle_file_}));
}

TEST_F(JoinBundleTest, OfASiteAlreadyListedHoldsTheChangeTheNodeListsItBy) {
  ASSERT_EQ(RunTrusting(AddSiteArguments()), kExitOk) << err_.str();  // Listed, no bundle.
  ASSERT_EQ(
      RunTrusting({"admin", "site", "bundle", absl::StrCat("--network_key=", network_key_file_),
                   absl::StrCat("--join_bundle=", bundle_file_), "--seed",
                   "rome=rome.example.org:7202", "milan"}),
      kExitOk)
      << err_.str();
  EXPECT_THAT(methods_, ElementsAre("add", "list", "list"));  // Nothing sent again.
  const std::optional<config::v1::JoinBundle> bundle = ReadBundle();
  ASSERT_TRUE(bundle.has_value()) << ReadAll(bundle_file_);
  ASSERT_EQ(directory_.signed_changes_size(), 2);
  EXPECT_EQ(bundle->listing().SerializeAsString(),
            directory_.signed_changes(1).SerializeAsString());
  EXPECT_EQ(bundle->directory_size(), 2);
  ASSERT_EQ(bundle->seeds_size(), 1);
  EXPECT_EQ(bundle->seeds(0).site_id(), "rome");
  EXPECT_EQ(bundle->ca_pem(), kCertificatePem);

  // A site the node does not list gets no bundle.
  const std::string other = absl::StrCat(folder_, "/venice.bundle");
  EXPECT_EQ(
      RunTrusting({"admin", "site", "bundle", absl::StrCat("--network_key=", network_key_file_),
                   absl::StrCat("--join_bundle=", other), "--seed", "rome=rome.example.org:7202",
                   "venice"}),
      kExitRefused);
  EXPECT_THAT(err_.str(), ContainsAll({"NOT_FOUND", "lists no site 'venice'"}));
  EXPECT_FALSE(std::filesystem::exists(other));
}

TEST_F(JoinBundleTest, OfANodeReachedInPlaintextHoldsNoCa) {
  ASSERT_EQ(RunTrusting(BundleArguments({"rome=rome.example.org:7202"}), /*insecure=*/true),
            kExitOk)
      << err_.str();
  const std::optional<config::v1::JoinBundle> bundle = ReadBundle();
  ASSERT_TRUE(bundle.has_value());
  EXPECT_EQ(bundle->ca_pem(), "");
  EXPECT_EQ(bundle->seeds_size(), 1);
  EXPECT_FALSE(bundle->admin_public_key_pem().empty());
}

TEST_F(JoinBundleTest, AnExistingBundleFileIsKeptAndTheSiteNotAdded) {
  EXPECT_CALL(admin_stub_, AddSite).Times(0);
  WriteAll(bundle_file_, "another site's bundle\n", 0644);
  EXPECT_EQ(RunTrusting(BundleArguments()), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"cantinectl: ALREADY_EXISTS: ", bundle_file_, "exists",
                                       "--join_bundle"}));
  EXPECT_EQ(ReadAll(bundle_file_), "another site's bundle\n");

  // A symbolic link is a file there too, even one that leads nowhere.
  ASSERT_EQ(::unlink(bundle_file_.c_str()), 0);
  ASSERT_EQ(::symlink(absl::StrCat(folder_, "/nowhere").c_str(), bundle_file_.c_str()), 0);
  EXPECT_EQ(RunTrusting(BundleArguments()), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("ALREADY_EXISTS"));
  EXPECT_THAT(methods_, IsEmpty());
}

TEST_F(JoinBundleTest, AnUnreadableCaFileIsRefusedBeforeTheSiteIsAdded) {
  EXPECT_CALL(admin_stub_, AddSite).Times(0);
  ca_file_ = absl::StrCat(folder_, "/no-ca.pem");
  EXPECT_EQ(RunTrusting(BundleArguments()), kExitUsage);
  EXPECT_THAT(err_.str(), ContainsAll({"CA file", ca_file_}));
  EXPECT_EQ(Mode(bundle_file_), -1);
}

TEST_F(JoinBundleTest, ADirectoryThatCannotBeReadLeavesNoBundleAndSaysTheSiteIsListed) {
  list_error_ = absl::UnavailableError("down");
  EXPECT_EQ(RunTrusting(BundleArguments()), kExitUnreachable);
  EXPECT_THAT(methods_, ElementsAre("add", "list"));
  EXPECT_THAT(err_.str(), ContainsAll({"site 'milan' is listed", "join bundle was not written"}));
  EXPECT_EQ(Mode(bundle_file_), -1);
}

TEST_F(JoinBundleTest, SeedAndJoinBundleGoTogether) {
  std::vector<std::string> args = AddSiteArguments();
  args.push_back("--seed=rome=rome.example.org:7202");
  absl::StatusOr<Invocation> parsed = ParseArguments(args, {});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_THAT(std::string(parsed.status().message()),
              ContainsAll({"--seed applies only with --join_bundle"}));

  parsed = ParseArguments(BundleArguments({}), {});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_THAT(std::string(parsed.status().message()),
              ContainsAll({"--join_bundle needs --seed", "two or more are advised"}));

  parsed = ParseArguments(BundleArguments({"rome=rome.example.org:7202"}), {});
  EXPECT_TRUE(parsed.ok()) << parsed.status();
}

TEST_F(JoinBundleTest, AMalformedSeedIsAUsageErrorNamingIt) {
  for (const auto& [seed, message] : std::vector<std::pair<std::string, std::string>>{
           {"rome", "no '='"},
           {"=rome.example.org:7202", "the site id is required"},
           {"Rome=rome.example.org:7202", "may hold only lower-case"},
           {"rome=rome.example.org", "no port"},
           {"rome=rome.example.org:0", "the port is not a number"},
           {"rome=rome.example.org:http", "the port is not a number"},
           {"rome=:7202", "no host"},
           {"rome=", "the address is required"},
           {"milan=milan.example.org:7203", "names the site being added"}}) {
    SCOPED_TRACE(seed);
    absl::StatusOr<Invocation> parsed = ParseArguments(BundleArguments({seed}), {});
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
    EXPECT_THAT(std::string(parsed.status().message()), ContainsAll({"--seed", message}));
  }
  absl::StatusOr<Invocation> parsed = ParseArguments(
      BundleArguments({"rome=rome.example.org:7202", "rome=rome2.example.org:7202"}), {});
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("--seed names site 'rome' twice"));
  EXPECT_THAT(methods_, IsEmpty());
}

TEST_F(JoinBundleTest, HelpOfSiteAddTellsOfTheBundleAndItsSeeds) {
  EXPECT_THAT(UsageText(), ContainsAll({"[--join_bundle BUNDLE --seed SITE=HOST:PORT ...]",
                                        "two or more are advised"}));
}

// ---- admin site suspend|reinstate|remove ----

TEST_F(AdminCommandTest, StatusChangesSignTheNextVersionOfTheListedChange) {
  struct Case {
    std::string verb;
    v1::SiteStatus listed;
    v1::DirectoryAction action;
    v1::SiteStatus status;
  };
  for (const Case& c : {Case{"suspend", v1::SITE_STATUS_ACTIVE, v1::DIRECTORY_ACTION_SUSPEND_SITE,
                             v1::SITE_STATUS_SUSPENDED},
                        Case{"reinstate", v1::SITE_STATUS_SUSPENDED,
                             v1::DIRECTORY_ACTION_REINSTATE_SITE, v1::SITE_STATUS_ACTIVE},
                        Case{"remove", v1::SITE_STATUS_ACTIVE, v1::DIRECTORY_ACTION_REMOVE_SITE,
                             v1::SITE_STATUS_REMOVED}}) {
    SCOPED_TRACE(c.verb);
    methods_.clear();
    sent_.clear();
    directory_.Clear();
    *directory_.add_signed_changes() = ListedMilan(3, v1::DIRECTORY_ACTION_ROTATE_KEYS, c.listed);
    v1::DirectoryChange listed;
    ASSERT_TRUE(listed.ParseFromString(directory_.signed_changes(0).change()));

    ASSERT_EQ(Run({"admin", "site", c.verb, "--network_key", network_key_file_, "milan"}), kExitOk)
        << err_.str();
    EXPECT_THAT(methods_, ElementsAre(c.verb));
    absl::StatusOr<v1::DirectoryChange> change = OpenSent();
    ASSERT_TRUE(change.ok()) << change.status();
    EXPECT_EQ(change->action(), c.action);
    EXPECT_EQ(change->site_id(), "milan");
    EXPECT_EQ(change->version(), 4u);
    EXPECT_EQ(rpc::TimeFromProto("sign_time", change->sign_time()).value_or(absl::InfinitePast()),
              now_);
    v1::SiteListing expected = listed.listing();
    expected.set_status(c.status);
    EXPECT_EQ(change->listing().SerializeAsString(), expected.SerializeAsString());
    EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("4 (", c.verb, " site, signed")));
  }
}

TEST_F(AdminCommandTest, SuspendOfASiteTheDirectoryDoesNotListSendsNothing) {
  *directory_.add_signed_changes() =
      ListedMilan(1, v1::DIRECTORY_ACTION_ADD_SITE, v1::SITE_STATUS_ACTIVE);
  EXPECT_EQ(Run({"admin", "site", "suspend", "--network_key", network_key_file_, "rome"}),
            kExitRefused);
  EXPECT_THAT(err_.str(), ContainsAll({"cantinectl: NOT_FOUND: ", "lists no site 'rome'"}));
  EXPECT_THAT(methods_, IsEmpty());
}

TEST_F(AdminCommandTest, AListedChangeTheNetworkKeyDidNotSignIsRefused) {
  const auth::Ed25519PrivateKey stranger = auth::Ed25519PrivateKey::Generate();
  *directory_.add_signed_changes() =
      ListedMilan(2, v1::DIRECTORY_ACTION_ADD_SITE, v1::SITE_STATUS_ACTIVE, &stranger);
  EXPECT_EQ(Run({"admin", "site", "suspend", "--network_key", network_key_file_, "milan"}),
            kExitFailure);
  EXPECT_THAT(err_.str(),
              ContainsAll({"site 'milan'", "did not sign", auth::KeyId(admin_key_.PublicKey())}));
  EXPECT_THAT(methods_, IsEmpty());
}

// ---- admin site rotate-keys ----

TEST_F(AdminCommandTest, RotateKeysListsTheNewKeysAndRetiresTheOldTokenKeyForADay) {
  *directory_.add_signed_changes() =
      ListedMilan(2, v1::DIRECTORY_ACTION_SUSPEND_SITE, v1::SITE_STATUS_SUSPENDED);
  ASSERT_EQ(Run({"admin", "site", "rotate-keys", "--network_key", network_key_file_, "--entry_key",
                 entry_key_file_, "--token_key", token_key_file_, "--certificate",
                 certificate_file_, "milan"}),
            kExitOk)
      << err_.str();
  EXPECT_THAT(methods_, ElementsAre("rotate-keys"));
  absl::StatusOr<v1::DirectoryChange> change = OpenSent();
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->action(), v1::DIRECTORY_ACTION_ROTATE_KEYS);
  EXPECT_EQ(change->version(), 3u);
  const v1::SiteListing& listing = change->listing();
  EXPECT_EQ(listing.status(), v1::SITE_STATUS_SUSPENDED);  // Rotation keeps the status.
  EXPECT_EQ(listing.entry_public_key(), entry_key_.PublicKey().Raw());
  EXPECT_EQ(listing.token_public_key(), token_key_.PublicKey().Raw());
  EXPECT_EQ(absl::BytesToHexString(listing.certificate_sha256()), kCertificateSha256Hex);
  ASSERT_EQ(listing.retired_token_keys_size(), 1);
  EXPECT_EQ(listing.retired_token_keys(0).public_key(), old_token_key_.PublicKey().Raw());
  EXPECT_EQ(rpc::TimeFromProto("expire_time", listing.retired_token_keys(0).expire_time())
                .value_or(absl::InfinitePast()),
            now_ + absl::Hours(24));
  EXPECT_THAT(out_.str(), HasSubstr(auth::KeyId(old_token_key_.PublicKey())));
}

// ---- admin directory ----

TEST_F(AdminCommandTest, DirectoryListsEachSiteAsTheAdminSignedIt) {
  *directory_.add_signed_changes() =
      ListedMilan(4, v1::DIRECTORY_ACTION_SUSPEND_SITE, v1::SITE_STATUS_SUSPENDED);
  v1::SignedDirectoryChange garbled;
  garbled.set_change("\xff\xff not a change");
  *directory_.add_signed_changes() = garbled;
  ASSERT_EQ(Run({"admin", "directory"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              MatchesRegex(R"(SITE +NAME +CITY +STATUS +VERSION +ACTION +SIGNED +PUBLIC ENDPOINT
milan +Cantiere Milano +Milan +suspended +4 +suspend site +2027-01-09 23:30 UTC +milan.example.org:7103
\? +\(a change that does not parse\)
)"));

  ASSERT_EQ(Run({"--json", "admin", "directory"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), ContainsAll({"\"signedChanges\"", "\"adminSignature\""}));
}

// ---- admin backup, admin backups ----

v1::BackupInfo MadeBackup(uint32_t id, absl::Time when, uint64_t bytes) {
  v1::BackupInfo backup;
  backup.set_backup_id(id);
  *backup.mutable_create_time() = rpc::TimeToProto(when);
  backup.set_size_bytes(bytes);
  backup.set_file_count(12);
  backup.set_site_id("paris");
  backup.set_backup_dir("/var/backups/cantine/paris");
  return backup;
}

TEST_F(RunCommandTest, BackupIsAManagerCallAnsweringTheBackupAndHowToRestoreIt) {
  const absl::Time when =
      absl::FromCivil(absl::CivilSecond(2027, 1, 11, 22, 15, 0), absl::UTCTimeZone());
  std::optional<std::string> credential;
  EXPECT_CALL(admin_stub_, Backup)
      .WillOnce(
          [&](grpc::ClientContext* context, const v1::BackupRequest&, v1::BackupInfo* response) {
            credential = BearerToken(context);
            *response = MadeBackup(3, when, 3 * 1024 * 1024 + 512 * 1024);
            return grpc::Status::OK;
          });
  ASSERT_EQ(Run({"admin", "backup"}), kExitOk) << err_.str();
  EXPECT_EQ(credential, "s3cret-credential-0123456789");
  EXPECT_THAT(out_.str(), MatchesRegex(R"(Backup +3
Site +paris
Taken +2027-01-11 22:15 UTC
Size +3.5 MiB in 12 files
Folder +/var/backups/cantine/paris \(on the node's machine\)
Restore it with the node stopped, into an empty data folder:
  cantined --config <the site's config> --restore_from /var/backups/cantine/paris --backup_id 3
)"));
}

TEST_F(RunCommandTest, BackupOfANodeWithoutABackupFolderSaysSo) {
  EXPECT_CALL(admin_stub_, Backup)
      .WillOnce([](grpc::ClientContext*, const v1::BackupRequest&, v1::BackupInfo*) {
        return rpc::ToGrpcStatus(absl::FailedPreconditionError(
            "site 'paris' has no backup folder: set backup_dir in its node config"));
      });
  EXPECT_EQ(Run({"admin", "backup"}), kExitRefused);
  EXPECT_EQ(err_.str(),
            "cantinectl: FAILED_PRECONDITION: site 'paris' has no backup folder: set backup_dir in "
            "its node config\n");
}

TEST_F(RunCommandTest, BackupsListsTheBackupsKeptOldestFirst) {
  const absl::Time when =
      absl::FromCivil(absl::CivilSecond(2027, 1, 11, 22, 15, 0), absl::UTCTimeZone());
  v1::ListBackupsResponse listed;
  *listed.add_backups() = MadeBackup(2, when - absl::Hours(24), 900);
  *listed.add_backups() = MadeBackup(3, when, 20 * 1024 * 1024);
  listed.set_backup_dir("/var/backups/cantine/paris");
  listed.set_backups_kept(7);
  EXPECT_CALL(admin_stub_, ListBackups)
      .Times(2)
      .WillRepeatedly([&](grpc::ClientContext*, const v1::ListBackupsRequest&,
                          v1::ListBackupsResponse* response) {
        *response = listed;
        return grpc::Status::OK;
      });
  ASSERT_EQ(Run({"admin", "backups"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), R"(BACKUP  TAKEN                   SIZE  FILES
     2  2027-01-10 22:15 UTC   900 B     12
     3  2027-01-11 22:15 UTC  20 MiB     12
Folder /var/backups/cantine/paris (on the node's machine), the latest 7 kept
)");
  ASSERT_EQ(Run({"--json", "admin", "backups"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), ContainsAll({"\"backupId\": 3", "\"backupsKept\": 7"}));
}

// ---- network events ----

TEST_F(AdminCommandTest, NetworkEventsListTheLatestChangesNewestFirstWithTheirSignerAnonymously) {
  *directory_.add_signed_changes() =
      ListedMilan(4, v1::DIRECTORY_ACTION_SUSPEND_SITE, v1::SITE_STATUS_SUSPENDED);
  directory_.set_admin_key_id(auth::KeyId(admin_key_.PublicKey()));
  std::optional<std::string> credential;
  EXPECT_CALL(admin_stub_, ListDirectoryChanges)
      .WillOnce([&](grpc::ClientContext* context, const v1::ListDirectoryChangesRequest&,
                    v1::ListDirectoryChangesResponse* response) {
        credential = BearerToken(context);
        *response = directory_;
        return grpc::Status::OK;
      });
  ASSERT_EQ(Run({"network", "events"}), kExitOk) << err_.str();
  EXPECT_EQ(credential, "");  // The directory is public.
  EXPECT_EQ(out_.str(),
            absl::StrCat("SIGNED                SITE   CITY   ACTION        VERSION  STATUS AFTER\n"
                         "2027-01-09 23:30 UTC  milan  Milan  suspend site        4  suspended\n"
                         "Signed by network admin key ",
                         auth::KeyId(admin_key_.PublicKey()), "\n"));
}

TEST(CertificateSha256Test, IsTheDigestOfTheCertificatesDer) {
  absl::StatusOr<std::string> digest = tls::CertificateSha256(kCertificatePem);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(absl::BytesToHexString(*digest), kCertificateSha256Hex);
  EXPECT_TRUE(absl::IsInvalidArgument(tls::CertificateSha256("no certificate").status()));
}

}  // namespace
}  // namespace cantine::cantinectl
