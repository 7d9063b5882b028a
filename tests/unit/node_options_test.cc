#include "services/node/node_options.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/files/private_files.h"
#include "tests/support/temp_dir.h"

namespace cantine::node {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kParisConfig[] = R"pb(
  site_id: "paris"
  display_name: "La Cantine"
  street_address: "151 rue Montmartre"
  city: "Paris"
  country_code: "FR"
  time_zone: "Europe/Paris"
  currency_code: "EUR"
  listen_address: "127.0.0.1:0"
  data_dir: "/tmp/x"
  admin_credential_file: "/tmp/admin"
  insecure: true
  initial_spaces {
    space_id: "coworking"
    display_name: "Desks"
    kind: SPACE_KIND_DESK_POOL
    seats: 24
    price_per_slot { amount_minor: 1500 }
  }
)pb";

class NodeOptionsTest : public ::testing::Test {
 protected:
  absl::StatusOr<NodeOptions> Parse(const std::string& text) {
    const std::string path = dir_.Sub("node.textproto");
    std::ofstream(path) << text;
    absl::StatusOr<config::v1::NodeConfig> config = ReadNodeConfigFile(path);
    if (!config.ok()) return config.status();
    return NodeOptionsFromConfig(*config);
  }
  void ExpectInvalid(const std::string& text, const std::string& needle) {
    absl::StatusOr<NodeOptions> options = Parse(text);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << options.status();
    EXPECT_THAT(std::string(options.status().message()), HasSubstr(needle));
  }

  testing::TempDir dir_;
};

TEST_F(NodeOptionsTest, ValidConfigGivesTypedOptions) {
  absl::StatusOr<NodeOptions> options = Parse(kParisConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->site.site_id, "paris");
  EXPECT_EQ(options->site.time_zone, "Europe/Paris");
  EXPECT_EQ(options->drain_timeout, absl::Seconds(10));
  ASSERT_EQ(options->initial_spaces.size(), 1u);
  EXPECT_EQ(options->initial_spaces[0].seats, 24);
  EXPECT_EQ(options->initial_policy.max_booking_days, 21);  // Default policy.
}

TEST_F(NodeOptionsTest, TheShippedSiteConfigsAreValid) {
  for (const char* site : {"paris", "san-francisco", "milan", "lyon"}) {
    absl::StatusOr<config::v1::NodeConfig> config = ReadNodeConfigFile(
        std::string(CANTINE_SOURCE_DIR) + "/deploy/sites/" + site + ".textproto");
    ASSERT_TRUE(config.ok()) << config.status();
    config->set_data_dir("/tmp/unused");
    config->set_admin_credential_file("/tmp/unused");
    config->set_insecure(true);
    absl::StatusOr<NodeOptions> options = NodeOptionsFromConfig(*config);
    EXPECT_TRUE(options.ok()) << site << ": " << options.status();
  }
}

// What a site's local and production configs share: its identity, policy and spaces.
config::v1::NodeConfig VenueOf(const config::v1::NodeConfig& config) {
  config::v1::NodeConfig venue;
  venue.set_site_id(config.site_id());
  venue.set_display_name(config.display_name());
  venue.set_street_address(config.street_address());
  venue.set_city(config.city());
  venue.set_country_code(config.country_code());
  venue.set_time_zone(config.time_zone());
  venue.set_currency_code(config.currency_code());
  *venue.mutable_initial_policy() = config.initial_policy();
  *venue.mutable_initial_spaces() = config.initial_spaces();
  return venue;
}

// deploy/production: each founding site's config, and a joining city's, is valid as it
// stands (but for its TLS files, made at install time), keeps its data and files where
// deploy/systemd/cantined@.service lets it, and describes the same venue as its local config.
TEST_F(NodeOptionsTest, TheProductionConfigsAreValidAndDescribeTheLocalVenues) {
  for (const std::string site : {"paris", "san-francisco", "milan", "lyon"}) {
    SCOPED_TRACE(site);
    absl::StatusOr<config::v1::NodeConfig> production = ReadNodeConfigFile(
        absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/production/", site, ".textproto"));
    ASSERT_TRUE(production.ok()) << production.status();
    EXPECT_EQ(production->data_dir(), "/var/lib/cantine/" + site);
    for (const std::string& file : {production->admin_credential_file(),
                                    production->signing_key_file(), production->tls().ca_file(),
                                    production->tls().cert_file(), production->tls().key_file()}) {
      EXPECT_THAT(file, ::testing::StartsWith("/etc/cantine/"));
    }
    EXPECT_FALSE(production->insecure());
    config::v1::NodeConfig checked = *production;
    checked.set_insecure(true);  // Its TLS files do not exist here.
    absl::StatusOr<NodeOptions> options = NodeOptionsFromConfig(checked);
    EXPECT_TRUE(options.ok()) << options.status();

    absl::StatusOr<config::v1::NodeConfig> local =
        ReadNodeConfigFile(absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/", site, ".textproto"));
    ASSERT_TRUE(local.ok()) << local.status();
    EXPECT_EQ(VenueOf(*production).DebugString(), VenueOf(*local).DebugString())
        << "deploy/production/" << site << ".textproto describes another venue than "
        << "deploy/sites/" << site << ".textproto";
  }
}

// One edit of the valid config that makes it invalid: `find` (its first occurrence) replaced
// by `replacement`, or `replacement` appended when `find` is empty. The refusal is
// INVALID_ARGUMENT and names `needle`.
struct InvalidConfig {
  const char* name;
  const char* find;
  const char* replacement;
  const char* needle;
};

void PrintTo(const InvalidConfig& edit, std::ostream* os) { *os << edit.name; }

class InvalidConfigTest : public NodeOptionsTest,
                          public ::testing::WithParamInterface<InvalidConfig> {};

TEST_P(InvalidConfigTest, IsRefusedNamingTheField) {
  const InvalidConfig& edit = GetParam();
  std::string text = kParisConfig;
  if (std::string(edit.find).empty()) {
    text += edit.replacement;
  } else {
    const size_t at = text.find(edit.find);
    ASSERT_NE(at, std::string::npos) << edit.find;
    text.replace(at, std::string(edit.find).size(), edit.replacement);
  }
  ExpectInvalid(text, edit.needle);
}

INSTANTIATE_TEST_SUITE_P(
    NodeOptionsTest, InvalidConfigTest,
    ::testing::Values(
        InvalidConfig{"UnknownTimeZone", "Europe/Paris", "Mars/Olympus", "Mars/Olympus"},
        InvalidConfig{"BadCurrency", "\"EUR\"", "\"EURO\"", "currency_code"},
        InvalidConfig{"ListenPortOutOfRange", "127.0.0.1:0", "127.0.0.1:99999", "listen_address"},
        InvalidConfig{"ListenAddressWithoutPort", "127.0.0.1:0", "localhost", "listen_address"},
        InvalidConfig{"MissingDataDir", "data_dir: \"/tmp/x\"", "", "data_dir"},
        InvalidConfig{"MissingAdminCredential", "admin_credential_file: \"/tmp/admin\"", "",
                      "admin_credential_file"},
        InvalidConfig{"NegativeSeedSeats", "seats: 24", "seats: -1", "initial_spaces"},
        InvalidConfig{"SeedPolicyOpensAtHour31", "", "initial_policy { opens_at { hours: 31 } }",
                      "initial_policy.opens_at"},
        InvalidConfig{"UnspecifiedSeedSpaceKind", "SPACE_KIND_DESK_POOL", "SPACE_KIND_UNSPECIFIED",
                      "space.kind"},
        InvalidConfig{"RouteWithoutPort", "",
                      "federation_routes { site_id: \"milan\" address: \"10.8.0.3\" }",
                      "federation_routes.address"},
        InvalidConfig{"RouteToABadSiteId", "",
                      "federation_routes { site_id: \"Milan!\" address: \"10.8.0.3:7200\" }",
                      "federation_routes.site_id"},
        InvalidConfig{"TwoRoutesToOneSite", "",
                      "federation_routes { site_id: \"milan\" address: \"10.8.0.3:7200\" } "
                      "federation_routes { site_id: \"milan\" address: \"10.8.0.4:7200\" }",
                      "federation_routes"}),
    [](const ::testing::TestParamInfo<InvalidConfig>& info) { return info.param.name; });

TEST_F(NodeOptionsTest, TlsFilesRequiredUnlessInsecure) {
  std::string secure = kParisConfig;
  secure.replace(secure.find("insecure: true"), 14, "");
  ExpectInvalid(secure, "tls.ca_file is required");

  for (const char* name : {"ca.pem", "site.pem", "site.key"}) std::ofstream(dir_.Sub(name)) << "x";
  const std::string tls =
      absl::StrCat("tls { ca_file: '", dir_.Sub("ca.pem"), "' cert_file: '", dir_.Sub("site.pem"),
                   "' key_file: '", dir_.Sub("site.key"), "' }\n");
  absl::StatusOr<NodeOptions> options = Parse(secure + tls);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->insecure);
  EXPECT_EQ(options->tls.cert_file, dir_.Sub("site.pem"));
  EXPECT_EQ(options->tls.key_file, dir_.Sub("site.key"));

  absl::StatusOr<NodeOptions> unreadable =
      Parse(absl::StrCat(secure, "tls { ca_file: '", dir_.Sub("ca.pem"), "' cert_file: '",
                         dir_.Sub("site.pem"), "' key_file: '", dir_.Sub("missing.key"), "' }"));
  EXPECT_EQ(unreadable.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(unreadable.status().message()), HasSubstr("tls.key_file"));
  ExpectInvalid(absl::StrCat(secure, "tls { ca_file: '", dir_.Sub("ca.pem"), "' cert_file: '",
                             dir_.Sub("site.pem"), "' }"),
                "tls.key_file is required");

  // Insecure ignores the files.
  EXPECT_TRUE(Parse(std::string(kParisConfig) + "tls { ca_file: '/nowhere' }").ok());
}

TEST_F(NodeOptionsTest, ThreadAndStreamLimitsDefaultAndAreBounded) {
  absl::StatusOr<NodeOptions> options = Parse(kParisConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->max_threads, kDefaultMaxThreads);
  EXPECT_EQ(options->max_federation_threads, kDefaultMaxThreads);
  EXPECT_EQ(options->max_streams_per_connection, kDefaultMaxStreamsPerConnection);
  options = Parse(std::string(kParisConfig) +
                  "max_threads: 16 max_federation_threads: 8 max_streams_per_connection: 4");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->max_threads, 16);
  EXPECT_EQ(options->max_federation_threads, 8);
  EXPECT_EQ(options->max_streams_per_connection, 4);

  ExpectInvalid(std::string(kParisConfig) + "max_threads: 2", "max_threads");
  ExpectInvalid(std::string(kParisConfig) + "max_threads: 4294967295", "max_threads");
  ExpectInvalid(std::string(kParisConfig) + "max_streams_per_connection: 5000",
                "max_streams_per_connection");
  // Each peer's Pull stream holds a thread of the federation port.
  std::string peers;
  for (const char* site : {"milan", "lyon", "nantes"}) {
    absl::StrAppend(&peers, "peers { site_id: '", site,
                    "' address: '127.0.0.1:7201' public_key_file: '/k' }\n");
  }
  ExpectInvalid(std::string(kParisConfig) + peers + "max_federation_threads: 6",
                "max_federation_threads must be between 7");
  EXPECT_TRUE(Parse(std::string(kParisConfig) + peers + "max_federation_threads: 7").ok());
}

TEST_F(NodeOptionsTest, AnonymousRegistrationLimitsDefaultAndAreBounded) {
  absl::StatusOr<NodeOptions> options = Parse(kParisConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->anonymous_registrations_per_address_per_minute, 5);
  EXPECT_EQ(options->anonymous_registrations_per_site_per_minute, 120);
  options = Parse(std::string(kParisConfig) +
                  "anonymous_registrations_per_address_per_minute: 2 "
                  "anonymous_registrations_per_site_per_minute: 30");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->anonymous_registrations_per_address_per_minute, 2);
  EXPECT_EQ(options->anonymous_registrations_per_site_per_minute, 30);

  ExpectInvalid(
      std::string(kParisConfig) + "anonymous_registrations_per_address_per_minute: 100001",
      "anonymous_registrations_per_address_per_minute must be between 1 and 100000");
  ExpectInvalid(
      std::string(kParisConfig) + "anonymous_registrations_per_site_per_minute: 4294967295",
      "anonymous_registrations_per_site_per_minute");
  NodeOptions built = *Parse(kParisConfig);
  built.anonymous_registrations_per_site_per_minute = 0;  // Tests build options directly.
  EXPECT_EQ(ValidateNodeOptions(built).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NodeOptionsTest, BackupFolderIsOptionalApartFromTheDataFolderAndKeepsABoundedNumber) {
  absl::StatusOr<NodeOptions> options = Parse(kParisConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->backup_dir, "");
  EXPECT_EQ(options->backups_kept, kDefaultBackupsKept);
  options =
      Parse(std::string(kParisConfig) + "backup_dir: '/var/backups/cantine/paris' backups_kept: 3");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->backup_dir, "/var/backups/cantine/paris");
  EXPECT_EQ(options->backups_kept, 3);

  const std::string data_dir = options->data_dir;
  ExpectInvalid(absl::StrCat(kParisConfig, "backup_dir: '", data_dir, "/backups'"),
                "backup_dir '" + data_dir + "/backups' must be apart from data_dir");
  ExpectInvalid(absl::StrCat(kParisConfig, "backup_dir: '", data_dir, "/'"), "backup_dir");
  ExpectInvalid(absl::StrCat(kParisConfig, "backup_dir: '", data_dir, "/../",
                             std::filesystem::path(data_dir).filename().string(), "'"),
                "backup_dir");
  ExpectInvalid(std::string(kParisConfig) + "backup_dir: '/' ", "backup_dir");
  ExpectInvalid(std::string(kParisConfig) + "backups_kept: 1001",
                "backups_kept must be between 1 and 1000");
}

TEST_F(NodeOptionsTest, SyntaxErrorGivesLineAndColumn) {
  ExpectInvalid("site_id: \"paris\"\nbogus_field: 3\n", "line 2");
}

TEST_F(NodeOptionsTest, MissingFileIsFailedPrecondition) {
  EXPECT_EQ(ReadNodeConfigFile(dir_.Sub("missing.textproto")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(NodeOptionsTest, OverrideIsMergedOverTheFilesInOrder) {
  const std::string site = dir_.Sub("site.textproto");
  const std::string network = dir_.Sub("network.textproto");
  std::ofstream(site) << kParisConfig;
  std::ofstream(network) << R"pb(peers { site_id: "milan" })pb";
  absl::StatusOr<config::v1::NodeConfig> config =
      ReadNodeConfig({site, network}, R"pb(data_dir: "/srv/paris"
                                           peers { site_id: "lyon" })pb");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir(), "/srv/paris");     // A scalar is replaced,
  EXPECT_EQ(config->time_zone(), "Europe/Paris");  // what is not named is kept,
  ASSERT_EQ(config->peers_size(), 2);              // and a repeated field appends.
  EXPECT_EQ(config->peers(0).site_id(), "milan");
  EXPECT_EQ(config->peers(1).site_id(), "lyon");
}

TEST_F(NodeOptionsTest, OverrideSyntaxErrorNamesTheFlag) {
  const std::string site = dir_.Sub("site.textproto");
  std::ofstream(site) << kParisConfig;
  absl::StatusOr<config::v1::NodeConfig> config = ReadNodeConfig({site}, "data_dir /srv");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()),
              AllOf(HasSubstr("--config_override"), HasSubstr("line 1")));
}

// The files of PrepareNodeFiles: each secret file private, the data folder made 0700.
class NodeFilesTest : public ::testing::Test {
 protected:
  NodeFilesTest() {
    options_.data_dir = dir_.Sub("data");
    options_.admin_credential_file = dir_.Sub("admin");
    options_.tls.key_file = dir_.Sub("site.key");
    testing::WritePrivateFile(options_.admin_credential_file, "admin-credential-0123456789\n");
    testing::WritePrivateFile(options_.tls.key_file, "key\n");
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat info;
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }
  // Gives `path` mode `mode` and expects PrepareNodeFiles to refuse it, naming `what`, the
  // file, its mode and the chmod that fixes it.
  void ExpectRefused(const std::string& path, mode_t mode, const std::string& what,
                     const std::string& chmod) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const absl::Status status = PrepareNodeFiles(options_);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(absl::StrCat(what, " ", path)));
    char octal[8];
    std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode));
    EXPECT_THAT(std::string(status.message()), HasSubstr(absl::StrCat("(mode ", octal, ")")));
    EXPECT_THAT(std::string(status.message()), HasSubstr(absl::StrCat("run: ", chmod, " ", path)));
  }

  testing::TempDir dir_;
  NodeOptions options_;
};

TEST_F(NodeFilesTest, PrivateFilesPassAndTheDataFolderIsMade0700) {
  options_.data_dir = dir_.Sub("state/paris");  // Its parent is missing too.
  ASSERT_TRUE(PrepareNodeFiles(options_).ok()) << PrepareNodeFiles(options_);
  EXPECT_EQ(ModeOf(options_.data_dir), 0700);
  // Whatever the umask: it can take permissions away, never add them.
  const mode_t old_umask = ::umask(0);
  options_.data_dir = dir_.Sub("data-with-umask-0");
  const absl::Status status = PrepareNodeFiles(options_);
  ::umask(old_umask);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ModeOf(options_.data_dir), 0700);
}

TEST_F(NodeFilesTest, TheBackupFolderIsMade0700AndOneOpenToOthersRefused) {
  options_.backup_dir = dir_.Sub("backups/paris");
  ASSERT_TRUE(PrepareNodeFiles(options_).ok()) << PrepareNodeFiles(options_);
  EXPECT_EQ(ModeOf(options_.backup_dir), 0700);
  ExpectRefused(options_.backup_dir, 0755, "backup folder", "chmod 700");
}

TEST_F(NodeFilesTest, AdminCredentialReadableByOthersRefused) {
  ExpectRefused(options_.admin_credential_file, 0644, "admin credential file", "chmod 600");
  EXPECT_THAT(std::string(PrepareNodeFiles(options_).message()),
              HasSubstr("readable by group or others"));
  ExpectRefused(options_.admin_credential_file, 0640, "admin credential file", "chmod 600");
  ExpectRefused(options_.admin_credential_file, 0620, "admin credential file", "chmod 600");
  ASSERT_EQ(::chmod(options_.admin_credential_file.c_str(), 0400), 0);
  EXPECT_TRUE(PrepareNodeFiles(options_).ok());
}

TEST_F(NodeFilesTest, SigningKeyReadableByOthersRefused) {
  // The default, in the data folder.
  ASSERT_TRUE(PrepareNodeFiles(options_).ok());
  std::ofstream(options_.data_dir + "/node.key") << "key\n";
  ExpectRefused(options_.data_dir + "/node.key", 0644, "signing key file", "chmod 600");
  // One named by signing_key_file.
  options_.signing_key_file = dir_.Sub("paris.key");
  std::ofstream(options_.signing_key_file) << "key\n";
  ExpectRefused(options_.signing_key_file, 0604, "signing key file", "chmod 600");
  ASSERT_EQ(::chmod(options_.signing_key_file.c_str(), 0600), 0);
  EXPECT_TRUE(PrepareNodeFiles(options_).ok());
}

TEST_F(NodeFilesTest, TlsKeyReadableByOthersRefusedUnlessInsecure) {
  ExpectRefused(options_.tls.key_file, 0644, "TLS key file", "chmod 600");
  options_.insecure = true;  // The TLS files are then ignored.
  EXPECT_TRUE(PrepareNodeFiles(options_).ok());
}

TEST_F(NodeFilesTest, ExistingDataFolderOpenToOthersRefusedNotChanged) {
  ASSERT_EQ(::mkdir(options_.data_dir.c_str(), 0700), 0);
  ExpectRefused(options_.data_dir, 0755, "data folder", "chmod 700");
  EXPECT_EQ(ModeOf(options_.data_dir), 0755);  // Left as it was: the operator decides.
  ExpectRefused(options_.data_dir, 0710, "data folder", "chmod 700");
  ASSERT_EQ(::chmod(options_.data_dir.c_str(), 0700), 0);
  EXPECT_TRUE(PrepareNodeFiles(options_).ok());

  const std::string file = dir_.Sub("a-file");
  std::ofstream(file) << "x";
  options_.data_dir = file;
  EXPECT_THAT(std::string(PrepareNodeFiles(options_).message()), HasSubstr("is not a folder"));
}

TEST_F(NodeFilesTest, MissingSecretFilesAreLeftToTheirLoaders) {
  options_.admin_credential_file = dir_.Sub("no-such-credential");
  options_.tls.key_file = dir_.Sub("no-such-key");
  EXPECT_TRUE(PrepareNodeFiles(options_).ok());
}

}  // namespace
}  // namespace cantine::node
