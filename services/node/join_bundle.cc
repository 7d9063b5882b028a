#include "services/node/join_bundle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/auth/ed25519.h"
#include "services/node/text_proto.h"
#include "services/site/directory_change.h"
#include "storage/status_macros.h"

namespace cantine::node {
namespace {

absl::StatusOr<auth::Ed25519PublicKey> BundleAdminKey(const config::v1::JoinBundle& bundle) {
  absl::StatusOr<auth::Ed25519PublicKey> key =
      auth::Ed25519PublicKey::FromPem(bundle.admin_public_key_pem());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the join bundle's admin_public_key_pem is not an Ed25519 public key: ",
                     key.status().message()));
  }
  return key;
}

}  // namespace

absl::StatusOr<config::v1::JoinBundle> ReadJoinBundle(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadTextFile("join bundle", path));
  config::v1::JoinBundle bundle;
  RETURN_IF_ERROR(ParseTextProto(text, absl::StrCat("join bundle '", path, "'"), bundle));
  return bundle;
}

absl::StatusOr<config::v1::NodeConfig> JoinConfig(const config::v1::JoinBundle& bundle,
                                                  config::v1::NodeConfig config) {
  ASSIGN_OR_RETURN(const auth::Ed25519PublicKey admin_key, BundleAdminKey(bundle));
  absl::StatusOr<v1::DirectoryChange> listed =
      site::OpenDirectoryChange(bundle.listing(), admin_key);
  if (!listed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the join bundle's listing: ", listed.status().message()));
  }
  const v1::SiteListing& listing = listed->listing();
  const v1::Site& site = listing.site();
  if (!config.site_id().empty() && config.site_id() != site.site_id()) {
    return absl::InvalidArgumentError(absl::StrCat("the join bundle lists site '", site.site_id(),
                                                   "' but site_id is '", config.site_id(), "'"));
  }
  const auto fill = [](std::string* field, const std::string& value) {
    if (field->empty()) *field = value;
  };
  fill(config.mutable_site_id(), site.site_id());
  fill(config.mutable_display_name(), site.display_name());
  fill(config.mutable_street_address(), site.street_address());
  fill(config.mutable_city(), site.city());
  fill(config.mutable_country_code(), site.country_code());
  fill(config.mutable_time_zone(), site.time_zone());
  fill(config.mutable_currency_code(), site.currency_code());
  fill(config.mutable_listen_address(), listing.public_endpoint());
  fill(config.mutable_federation_listen_address(), listing.federation_endpoint());
  for (const config::v1::Peer& seed : bundle.seeds()) {
    bool named = seed.site_id() == config.site_id();
    for (const config::v1::Peer& peer : config.peers()) named |= peer.site_id() == seed.site_id();
    if (!named) *config.add_peers() = seed;
  }
  return config;
}

absl::Status ApplyJoinBundle(const config::v1::JoinBundle& bundle, NodeOptions& options) {
  ASSIGN_OR_RETURN(const auth::Ed25519PublicKey admin_key, BundleAdminKey(bundle));
  if (!options.admin_public_key_file.empty()) {
    ASSIGN_OR_RETURN(const auth::Ed25519PublicKey configured,
                     auth::Ed25519PublicKey::LoadPemFile(options.admin_public_key_file));
    if (configured.Raw() != admin_key.Raw()) {
      return absl::InvalidArgumentError(
          "admin_public_key_file is not the admin key the join bundle was made with");
    }
  }
  if (!bundle.ca_pem().empty() && !options.insecure && !options.tls.ca_file.empty()) {
    ASSIGN_OR_RETURN(const std::string ca, ReadTextFile("CA file", options.tls.ca_file));
    if (absl::StripAsciiWhitespace(ca) != absl::StripAsciiWhitespace(bundle.ca_pem())) {
      return absl::InvalidArgumentError(absl::StrCat("tls.ca_file '", options.tls.ca_file,
                                                     "' is not the network CA of the join bundle"));
    }
  }
  options.admin_public_key_pem = admin_key.ToPem();
  options.initial_directory.clear();
  options.initial_directory.push_back(bundle.listing());
  options.initial_directory.insert(options.initial_directory.end(), bundle.directory().begin(),
                                   bundle.directory().end());
  return absl::OkStatus();
}

}  // namespace cantine::node
