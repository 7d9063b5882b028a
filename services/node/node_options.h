#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cantine/config/v1/node_config.pb.h"
#include "services/domain/site_policy.h"
#include "services/domain/site_profile.h"
#include "services/domain/space.h"

namespace cantine::node {

// Everything a cantined node is started with, built and validated once at start-up.
// Tests build it directly.
struct NodeOptions {
  domain::SiteProfile site;
  // host:port of the public API; port 0 picks a free port.
  std::string listen_address;
  std::string data_dir;
  std::string admin_credential_file;
  // Optional: where to write the listening port once the node serves.
  std::string port_file;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration no_show_sweep_interval = absl::Seconds(30);
  // Written when the node starts on an empty data folder.
  domain::SitePolicy initial_policy = domain::DefaultSitePolicy();
  std::vector<domain::Space> initial_spaces;
};

// Parses a NodeConfig in protobuf text format. FAILED_PRECONDITION when the file cannot be
// read, INVALID_ARGUMENT with the line and column of a syntax error.
absl::StatusOr<config::v1::NodeConfig> ReadNodeConfigFile(const std::string& path);

// Builds validated options from a config (file and flags already merged). The first
// invalid field is named in an INVALID_ARGUMENT a person can act on.
absl::StatusOr<NodeOptions> NodeOptionsFromConfig(const config::v1::NodeConfig& config);

// Checks what the fields alone can show: the site profile (ids, time zone, currency),
// a host:port listen address, a data folder, a credential file, the initial policy.
absl::Status ValidateNodeOptions(const NodeOptions& options);

}  // namespace cantine::node
