// The network's administration: a node's replication state, and the site directory, each
// change of which the network admin signs with its key (--network_key). A directory change
// needs no credential: the node takes it on the signature alone.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/files/atomic_file.h"
#include "services/files/private_files.h"
#include "services/site/directory_change.h"
#include "services/tls/transport_security.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {
namespace {

using AdminStub = v1::AdminService::StubInterface;

// `status` with "FLAG: " before its message, so that it names the flag that gave the file.
absl::Status ForFlag(absl::string_view flag, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("--", flag, ": ", status.message()));
}

// The value of the required flag `flag` of `command`: INVALID_ARGUMENT "COMMAND needs
// --FLAG" when it is absent, "--FLAG is empty" when it is given empty.
absl::StatusOr<std::string> TakeRequired(CommandLine& line, absl::string_view flag,
                                         absl::string_view command) {
  ASSIGN_OR_RETURN(const std::optional<std::string> value, line.TakeNonEmpty(flag));
  if (!value.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(command, " needs --", flag));
  }
  return value.value_or("");
}

// ---- admin init-network ----

// A usage error: `path` exists, and init-network never replaces a network admin key.
absl::Status ExistsError(const std::string& path) {
  return UsageError(absl::AlreadyExistsError(
      absl::StrCat("'", path,
                   "' exists; init-network never overwrites a network admin key, the "
                   "network's root of trust: move it away, or give another --key_file")));
}

// Creates `path`, empty, with `mode`: a usage error when something is there already (even a
// symbolic link), so that the name is this command's alone; WriteFileAtomically then
// replaces the empty file.
absl::Status CreateNewFile(const std::string& path, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return ExistsError(path);
    return LocalFailure(absl::FailedPreconditionError(
        absl::StrCat("cannot create '", path, "': ", std::strerror(errno))));
  }
  ::close(fd);
  return absl::OkStatus();
}

// Makes a network admin key: its private key at `key_file` (0600), its public key at
// `key_file`.pub (0644), neither replacing a file that is there; then says where they are.
absl::Status InitNetwork(Console& console, const std::string& key_file) {
  const std::string public_file = absl::StrCat(key_file, ".pub");
  for (const std::string& path : {key_file, public_file}) {
    struct stat status;
    if (::lstat(path.c_str(), &status) == 0) return ExistsError(path);
  }
  const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  RETURN_IF_ERROR(CreateNewFile(key_file, 0600));
  if (absl::Status created = CreateNewFile(public_file, 0644); !created.ok()) {
    ::unlink(key_file.c_str());
    return created;
  }
  absl::Status written = files::WriteFileAtomically(key_file, key.ToPem(), 0600);
  if (written.ok())
    written = files::WriteFileAtomically(public_file, key.PublicKey().ToPem(), 0644);
  if (!written.ok()) {
    // Both names are this command's: a key without its public half is of no use.
    ::unlink(key_file.c_str());
    ::unlink(public_file.c_str());
    return LocalFailure(written);
  }
  const std::string key_id = auth::KeyId(key.PublicKey());
  if (console.options().json) {
    google::protobuf::Struct made;
    (*made.mutable_fields())["keyFile"].set_string_value(key_file);
    (*made.mutable_fields())["publicKeyFile"].set_string_value(public_file);
    (*made.mutable_fields())["keyId"].set_string_value(key_id);
    return console.PrintJson(made);
  }
  console.out() << "Network admin key " << key_id << ":\n"
                << "  private key  " << key_file << " (mode 0600)\n"
                << "  public key   " << public_file << " (mode 0644)\n"
                << "Keep the private key offline: it signs every change of the site directory.\n"
                << "Give every node the public key as admin_public_key_file: \"" << public_file
                << "\" in its config.\n";
  return absl::OkStatus();
}

absl::StatusOr<Action> ReadInitNetwork(CommandLine& line) {
  ASSIGN_OR_RETURN(const std::string key_file,
                   TakeRequired(line, "key_file", "admin init-network"));
  return [key_file](Console& console) { return InitNetwork(console, key_file); };
}

// ---- The directory's changes ----

// The network admin key at `path` (--network_key). A usage error naming the file when it
// cannot be read, is not an Ed25519 private key, or is readable by group or others.
absl::StatusOr<auth::Ed25519PrivateKey> LoadNetworkKey(const std::string& path) {
  if (absl::Status kept = files::CheckPrivateFile("network admin key", path); !kept.ok()) {
    return UsageError(ForFlag("network_key", kept));
  }
  absl::StatusOr<auth::Ed25519PrivateKey> key = auth::Ed25519PrivateKey::LoadPemFile(path);
  if (!key.ok()) return UsageError(ForFlag("network_key", key.status()));
  return key;
}

// The contents of the file `path`, given as --`flag`; a usage error naming both when it
// cannot be read.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  if (!in || !(contents << in.rdbuf())) {
    return UsageError(
        absl::FailedPreconditionError(absl::StrCat("--", flag, ": cannot read '", path, "'")));
  }
  return contents.str();
}

// The files of a site's keys: its entry and token public keys (PEM, listed raw) and its TLS
// certificate (PEM, listed by the SHA-256 of its DER).
struct KeyFiles {
  std::string entry_key;
  std::string token_key;
  std::string certificate;

  static absl::StatusOr<KeyFiles> Take(CommandLine& line, absl::string_view command) {
    RETURN_IF_ERROR(RequireFlags(line, {"entry_key", "token_key", "certificate"}, command));
    KeyFiles files;
    ASSIGN_OR_RETURN(files.entry_key, TakeRequired(line, "entry_key", command));
    ASSIGN_OR_RETURN(files.token_key, TakeRequired(line, "token_key", command));
    ASSIGN_OR_RETURN(files.certificate, TakeRequired(line, "certificate", command));
    return files;
  }

  // The keys the files hold; a usage error naming the flag of a file that cannot be read or
  // does not hold what it should.
  absl::StatusOr<site::SiteKeys> Load() const {
    site::SiteKeys keys;
    ASSIGN_OR_RETURN(keys.entry_public_key, LoadPublicKey("entry_key", entry_key));
    ASSIGN_OR_RETURN(keys.token_public_key, LoadPublicKey("token_key", token_key));
    ASSIGN_OR_RETURN(const std::string pem, ReadFlagFile("certificate", certificate));
    absl::StatusOr<std::string> digest = tls::CertificateSha256(pem);
    if (!digest.ok()) {
      return UsageError(absl::FailedPreconditionError(
          absl::StrCat("--certificate: '", certificate, "': ", digest.status().message())));
    }
    keys.certificate_sha256 = *std::move(digest);
    return keys;
  }

  // The raw public key in the PEM file `path`, given as --`flag`.
  static absl::StatusOr<std::string> LoadPublicKey(absl::string_view flag,
                                                   const std::string& path) {
    absl::StatusOr<auth::Ed25519PublicKey> key = auth::Ed25519PublicKey::LoadPemFile(path);
    if (!key.ok()) return UsageError(ForFlag(flag, key.status()));
    return key->Raw();
  }
};

// Signs `change` with `key` and sends it with `method`; prints the change the node now lists.
template <typename Request>
absl::Status SendChange(Console& console,
                        grpc::Status (AdminStub::*method)(grpc::ClientContext*, const Request&,
                                                          v1::DirectoryChange*),
                        const v1::DirectoryChange& change, const auth::Ed25519PrivateKey& key) {
  Request request;
  *request.mutable_signed_change() = site::SignDirectoryChange(change, key);
  return console.Print(console.Call(method, request), FormatDirectoryChange);
}

// The change the node lists `site_id` by, the next change's base. NOT_FOUND when the node's
// directory does not list the site; a local failure when the change it holds is not signed by
// `admin`: the node is another network's, or --network_key another network's key.
absl::StatusOr<v1::DirectoryChange> CurrentChange(Console& console, const std::string& site_id,
                                                  const auth::Ed25519PublicKey& admin) {
  ASSIGN_OR_RETURN(
      const v1::ListDirectoryChangesResponse listed,
      console.Call(&AdminStub::ListDirectoryChanges, v1::ListDirectoryChangesRequest()));
  std::optional<v1::DirectoryChange> current;
  for (const v1::SignedDirectoryChange& signed_change : listed.signed_changes()) {
    v1::DirectoryChange change;
    if (!change.ParseFromString(signed_change.change()) || change.site_id() != site_id) continue;
    absl::StatusOr<v1::DirectoryChange> opened = site::OpenDirectoryChange(signed_change, admin);
    if (!opened.ok()) {
      return LocalFailure(absl::FailedPreconditionError(absl::StrCat(
          "the node lists site '", site_id, "' by a change this network admin key (key id ",
          auth::KeyId(admin), ") did not sign: ", opened.status().message(),
          "; is --network_key this network's key, and the node of this network?")));
    }
    if (!current.has_value() || opened->version() > current->version()) current = *opened;
  }
  if (!current.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("the node's directory lists no site '", site_id,
                     "'; 'cantinectl admin directory' lists the sites it does"));
  }
  return *std::move(current);
}

absl::StatusOr<Action> ReadAddSite(CommandLine& line) {
  constexpr absl::string_view kCommand = "admin site add";
  RETURN_IF_ERROR(RequireFlags(
      line,
      {"network_key", "site_id", "name", "city", "country", "address", "time_zone", "currency",
       "public_endpoint", "federation_endpoint", "entry_key", "token_key", "certificate"},
      kCommand));
  ASSIGN_OR_RETURN(const std::string network_key, TakeRequired(line, "network_key", kCommand));
  ASSIGN_OR_RETURN(const KeyFiles key_files, KeyFiles::Take(line, kCommand));
  // The node checks the values, naming the field at fault.
  v1::SiteListing listing;
  v1::Site& site = *listing.mutable_site();
  site.set_site_id(*line.Take("site_id"));
  site.set_display_name(*line.Take("name"));
  site.set_city(*line.Take("city"));
  site.set_country_code(*line.Take("country"));
  site.set_street_address(*line.Take("address"));
  site.set_time_zone(*line.Take("time_zone"));
  site.set_currency_code(*line.Take("currency"));
  listing.set_public_endpoint(*line.Take("public_endpoint"));
  listing.set_federation_endpoint(*line.Take("federation_endpoint"));
  const absl::Time now = line.env().now;
  return [network_key, key_files, listing, now](Console& console) mutable -> absl::Status {
    ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey key, LoadNetworkKey(network_key));
    ASSIGN_OR_RETURN(const site::SiteKeys keys, key_files.Load());
    listing.set_entry_public_key(keys.entry_public_key);
    listing.set_token_public_key(keys.token_public_key);
    listing.set_certificate_sha256(keys.certificate_sha256);
    return SendChange(console, &AdminStub::AddSite, site::AddSiteChange(listing, now), key);
  };
}

// The `read` of 'admin site suspend|reinstate|remove ID': `action` over the site's current
// change, sent with `method`.
template <typename Request>
Reader ReadStatusChange(absl::string_view command, v1::DirectoryAction action,
                        grpc::Status (AdminStub::*method)(grpc::ClientContext*, const Request&,
                                                          v1::DirectoryChange*)) {
  return [command, action, method](CommandLine& line) -> absl::StatusOr<Action> {
    ASSIGN_OR_RETURN(const std::string network_key, TakeRequired(line, "network_key", command));
    const std::string site_id = line.arguments()[0];
    const absl::Time now = line.env().now;
    return [=](Console& console) -> absl::Status {
      ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey key, LoadNetworkKey(network_key));
      ASSIGN_OR_RETURN(const v1::DirectoryChange current,
                       CurrentChange(console, site_id, key.PublicKey()));
      ASSIGN_OR_RETURN(const v1::DirectoryChange next, site::StatusChange(current, action, now));
      return SendChange(console, method, next, key);
    };
  };
}

absl::StatusOr<Action> ReadRotateKeys(CommandLine& line) {
  constexpr absl::string_view kCommand = "admin site rotate-keys";
  RETURN_IF_ERROR(
      RequireFlags(line, {"network_key", "entry_key", "token_key", "certificate"}, kCommand));
  ASSIGN_OR_RETURN(const std::string network_key, TakeRequired(line, "network_key", kCommand));
  ASSIGN_OR_RETURN(const KeyFiles key_files, KeyFiles::Take(line, kCommand));
  const std::string site_id = line.arguments()[0];
  const absl::Time now = line.env().now;
  return [=](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey key, LoadNetworkKey(network_key));
    ASSIGN_OR_RETURN(const site::SiteKeys keys, key_files.Load());
    ASSIGN_OR_RETURN(const v1::DirectoryChange current,
                     CurrentChange(console, site_id, key.PublicKey()));
    // The token key replaced stays listed until the last token it signed has expired.
    return SendChange(console, &AdminStub::RotateSiteKeys,
                      site::RotateKeysChange(current, keys, now, auth::kMaxTokenTtl), key);
  };
}

}  // namespace

void AddAdminCommands(CommandTable& table) {
  table.AddGroup("network", "network status");
  table.Add(
      {.words = "network status",
       .help = R"(  network status    What this node holds of each origin site, and its links to its
                    peers (manager).
)",
       .read = Runs(Send(Caller::kManager, &v1::AdminService::StubInterface::GetNetworkStatus,
                         v1::GetNetworkStatusRequest(), FormatNetworkStatus))});
  table.AddGroup("admin",
                 "admin init-network --key_file FILE | admin site "
                 "add|suspend|reinstate|remove|rotate-keys ... | admin directory");
  table.AddGroup("admin site",
                 "admin site add|suspend|reinstate|remove|rotate-keys --network_key FILE ...");
  table.Add({.words = "admin init-network",
             .help = R"(  admin init-network --key_file FILE
                    Makes the network admin key (Ed25519), which signs every change of
                    the site directory: the private key in FILE (mode 0600), to keep
                    offline, and its public key in FILE.pub, each node's
                    admin_public_key_file. Never overwrites either file; calls no node.
)",
             .flags = {"key_file"},
             .read = ReadInitNetwork,
             .calls_node = false});
  table.Add({.words = "admin site add",
             .usage = "admin site add --network_key FILE --site_id ID --name NAME --city CITY "
                      "--country CC --address TEXT --time_zone ZONE --currency CODE "
                      "--public_endpoint HOST:PORT --federation_endpoint HOST:PORT "
                      "--entry_key PEM --token_key PEM --certificate PEM",
             .help = R"(  admin site add --network_key FILE --site_id ID --name NAME --city CITY
                  --country CC --address TEXT --time_zone ZONE --currency CODE
                  --public_endpoint HOST:PORT --federation_endpoint HOST:PORT
                  --entry_key PEM --token_key PEM --certificate PEM
                    Lists a new site in the directory, active, signed with the network
                    admin key in FILE; the node replicates it to every other. --entry_key
                    and --token_key: the public keys (PEM) the site signs its entries and
                    its member tokens with; --certificate: its TLS certificate (PEM).
)",
             .flags = {"network_key", "site_id", "name", "city", "country", "address", "time_zone",
                       "currency", "public_endpoint", "federation_endpoint", "entry_key",
                       "token_key", "certificate"},
             .read = ReadAddSite});
  table.Add({.words = "admin site suspend",
             .arguments = 1,
             .help = R"(  admin site suspend --network_key FILE ID
                    Suspends a site: every node refuses its federation calls and its
                    members' tokens until it is reinstated.
)",
             .flags = {"network_key"},
             .read = ReadStatusChange("admin site suspend", v1::DIRECTORY_ACTION_SUSPEND_SITE,
                                      &AdminStub::SuspendSite)});
  table.Add({.words = "admin site reinstate",
             .arguments = 1,
             .help = R"(  admin site reinstate --network_key FILE ID
                    Lists a suspended site active again.
)",
             .flags = {"network_key"},
             .read = ReadStatusChange("admin site reinstate", v1::DIRECTORY_ACTION_REINSTATE_SITE,
                                      &AdminStub::ReinstateSite)});
  table.Add({.words = "admin site remove",
             .arguments = 1,
             .help = R"(  admin site remove --network_key FILE ID
                    Removes a site from the network, for good: no later change of it is
                    taken.
)",
             .flags = {"network_key"},
             .read = ReadStatusChange("admin site remove", v1::DIRECTORY_ACTION_REMOVE_SITE,
                                      &AdminStub::RemoveSite)});
  table.Add({.words = "admin site rotate-keys",
             .arguments = 1,
             .usage = "admin site rotate-keys --network_key FILE --entry_key PEM --token_key PEM "
                      "--certificate PEM ID",
             .help = R"(  admin site rotate-keys --network_key FILE --entry_key PEM --token_key PEM
                  --certificate PEM ID
                    Lists a site's new keys and certificate; its token key replaced stays
                    listed until the tokens it signed have expired.
)",
             .flags = {"network_key", "entry_key", "token_key", "certificate"},
             .read = ReadRotateKeys});
  table.Add(
      {.words = "admin directory",
       .help = R"(  admin directory   The site directory as the network admin signed it: each site's
                    status, version, last change and public endpoint.
)",
       .read = Runs(Send(Caller::kAnyone, &AdminStub::ListDirectoryChanges,
                         v1::ListDirectoryChangesRequest(), FormatDirectory))});
}

}  // namespace cantine::cantinectl
