#include "services/node/node_options.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace cantine::node {
namespace {

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
  for (const char* site : {"paris", "san-francisco", "milan"}) {
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

TEST_F(NodeOptionsTest, UnknownTimeZoneNamed) {
  std::string text = kParisConfig;
  text.replace(text.find("Europe/Paris"), 12, "Mars/Olympus");
  ExpectInvalid(text, "Mars/Olympus");
}

TEST_F(NodeOptionsTest, BadCurrencyNamed) {
  std::string text = kParisConfig;
  text.replace(text.find("\"EUR\""), 5, "\"EURO\"");
  ExpectInvalid(text, "currency_code");
}

TEST_F(NodeOptionsTest, BadListenAddressNamed) {
  std::string text = kParisConfig;
  text.replace(text.find("127.0.0.1:0"), 11, "127.0.0.1:99999");
  ExpectInvalid(text, "listen_address");
  text = kParisConfig;
  text.replace(text.find("127.0.0.1:0"), 11, "localhost");
  ExpectInvalid(text, "listen_address");
}

TEST_F(NodeOptionsTest, MissingDataDirAndCredentialNamed) {
  std::string text = kParisConfig;
  text.replace(text.find("data_dir: \"/tmp/x\""), 18, "");
  ExpectInvalid(text, "data_dir");
  text = kParisConfig;
  text.replace(text.find("admin_credential_file: \"/tmp/admin\""), 35, "");
  ExpectInvalid(text, "admin_credential_file");
}

TEST_F(NodeOptionsTest, BadSeedSpaceAndPolicyNamed) {
  std::string text = kParisConfig;
  text.replace(text.find("seats: 24"), 9, "seats: -1");
  ExpectInvalid(text, "initial_spaces");
  ExpectInvalid(std::string(kParisConfig) + "initial_policy { opens_at { hours: 31 } }",
                "initial_policy.opens_at");
  text = kParisConfig;
  text.replace(text.find("SPACE_KIND_DESK_POOL"), 20, "SPACE_KIND_UNSPECIFIED");
  ExpectInvalid(text, "space.kind");
}

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

TEST_F(NodeOptionsTest, SyntaxErrorGivesLineAndColumn) {
  ExpectInvalid("site_id: \"paris\"\nbogus_field: 3\n", "line 2");
}

TEST_F(NodeOptionsTest, MissingFileIsFailedPrecondition) {
  EXPECT_EQ(ReadNodeConfigFile(dir_.Sub("missing.textproto")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cantine::node
