#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/config/v1/join_bundle.pb.h"
#include "cantine/config/v1/node_config.pb.h"
#include "services/node/node_options.h"

namespace cantine::node {

// `cantined --join BUNDLE`: a new site's node joins the network with the bundle the network
// admin made when listing it (`cantinectl admin site add --join_bundle`).

// The bundle at `path`, in protobuf text format; FAILED_PRECONDITION when it cannot be
// read, INVALID_ARGUMENT naming the file, line and column when it does not parse.
absl::StatusOr<config::v1::JoinBundle> ReadJoinBundle(const std::string& path);

// `config` joined to the network of `bundle`, whose listing must be signed by the admin key
// it holds: the site's identity and its public and federation listen addresses, where the
// config leaves them empty, from the listing (INVALID_ARGUMENT when the config names
// another site); the seeds as peers, after the config's own (a site the config names
// already is not added twice). The config's other fields are kept as they are.
absl::StatusOr<config::v1::NodeConfig> JoinConfig(const config::v1::JoinBundle& bundle,
                                                  config::v1::NodeConfig config);

// Gives `options` (built from JoinConfig's config, by NodeOptionsFromConfig, which calls
// this before it validates them) what the bundle holds beyond a config:
// the admin public key, unless the config names one (which must then be the same key), and
// the directory, merged before the node pulls anything so that it knows every site's keys.
// INVALID_ARGUMENT when the admin keys differ or the config's CA file is not the bundle's
// network CA.
absl::Status ApplyJoinBundle(const config::v1::JoinBundle& bundle, NodeOptions& options);

}  // namespace cantine::node
