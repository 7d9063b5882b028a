// The network's administration: a node's replication state, and the site directory, each
// change of which the network admin signs with its key (--network_key). A directory change
// needs no credential: the node takes it on the signature alone. 'admin site add' can also
// write the join bundle the new site's node starts from. A node's backups, with the site's
// admin credential.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cantine/config/v1/join_bundle.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/domain/directory_rules.h"
#include "services/domain/field_checks.h"
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

// ---- Files this tool writes, never over another ----

// Why init-network refuses a key file that exists.
constexpr absl::string_view kKeyExists =
    "init-network never overwrites a network admin key, the network's root of trust: move it "
    "away, or give another --key_file";
// Why 'admin site add' refuses a join bundle that exists.
constexpr absl::string_view kBundleExists =
    "admin site add never overwrites a join bundle: move it away, or give another --join_bundle";

// A usage error: `path` exists, and `why` it is kept.
absl::Status ExistsError(const std::string& path, absl::string_view why) {
  return UsageError(absl::AlreadyExistsError(absl::StrCat("'", path, "' exists; ", why)));
}

// OK when nothing is at `path`, not even a symbolic link; else ExistsError.
absl::Status CheckAbsent(const std::string& path, absl::string_view why) {
  struct stat status;
  if (::lstat(path.c_str(), &status) == 0) return ExistsError(path, why);
  return absl::OkStatus();
}

// Creates `path`, empty, with `mode`: ExistsError(path, why) when something is there already
// (even a symbolic link), so that the name is this command's alone; WriteFileAtomically then
// replaces the empty file.
absl::Status CreateNewFile(const std::string& path, mode_t mode, absl::string_view why) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return ExistsError(path, why);
    return LocalFailure(absl::FailedPreconditionError(
        absl::StrCat("cannot create '", path, "': ", std::strerror(errno))));
  }
  ::close(fd);
  return absl::OkStatus();
}

// ---- admin init-network ----

// Makes a network admin key: its private key at `key_file` (0600), its public key at
// `key_file`.pub (0644), neither replacing a file that is there; then says where they are.
absl::Status InitNetwork(Console& console, const std::string& key_file) {
  const std::string public_file = absl::StrCat(key_file, ".pub");
  for (const std::string& path : {key_file, public_file}) {
    RETURN_IF_ERROR(CheckAbsent(path, kKeyExists));
  }
  const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  RETURN_IF_ERROR(CreateNewFile(key_file, 0600, kKeyExists));
  if (absl::Status created = CreateNewFile(public_file, 0644, kKeyExists); !created.ok()) {
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

// Sends `signed_change` with `method`; prints the change the node now lists.
template <typename Request>
absl::Status SendSigned(Console& console,
                        grpc::Status (AdminStub::*method)(grpc::ClientContext*, const Request&,
                                                          v1::DirectoryChange*),
                        const v1::SignedDirectoryChange& signed_change) {
  Request request;
  *request.mutable_signed_change() = signed_change;
  return console.Print(console.Call(method, request), FormatDirectoryChange);
}

// Signs `change` with `key` and sends it with `method`, as SendSigned.
template <typename Request>
absl::Status SendChange(Console& console,
                        grpc::Status (AdminStub::*method)(grpc::ClientContext*, const Request&,
                                                          v1::DirectoryChange*),
                        const v1::DirectoryChange& change, const auth::Ed25519PrivateKey& key) {
  return SendSigned(console, method, site::SignDirectoryChange(change, key));
}

// A change the node lists a site by: as the admin signed it, and opened.
struct ListedChange {
  v1::SignedDirectoryChange signed_change;
  v1::DirectoryChange change;
};

// The change the node lists `site_id` by, the next change's base. NOT_FOUND when the node's
// directory does not list the site; a local failure when the change it holds is not signed by
// `admin`: the node is another network's, or --network_key another network's key.
absl::StatusOr<ListedChange> CurrentChange(Console& console, const std::string& site_id,
                                           const auth::Ed25519PublicKey& admin) {
  ASSIGN_OR_RETURN(
      const v1::ListDirectoryChangesResponse listed,
      console.Call(&AdminStub::ListDirectoryChanges, v1::ListDirectoryChangesRequest()));
  std::optional<ListedChange> current;
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
    if (!current.has_value() || opened->version() > current->change.version()) {
      current = ListedChange{signed_change, *opened};
    }
  }
  if (!current.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("the node's directory lists no site '", site_id,
                     "'; 'cantinectl admin directory' lists the sites it does"));
  }
  return *std::move(current);
}

// ---- admin site add, and its join bundle ----

// A seed of the join bundle, from --seed SITE=HOST:PORT: a site id (a slug) and the host:port
// of its federation port. INVALID_ARGUMENT naming --seed.
absl::StatusOr<config::v1::Peer> ParseSeed(absl::string_view seed) {
  const auto invalid = [seed](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--seed '", seed, "': ", why,
                     "; write SITE=HOST:PORT, such as rome=rome.example.org:7202"));
  };
  const size_t equals = seed.find('=');
  if (equals == absl::string_view::npos) return invalid("no '=' after the site id");
  config::v1::Peer peer;
  peer.set_site_id(std::string(seed.substr(0, equals)));
  peer.set_address(std::string(seed.substr(equals + 1)));
  if (absl::Status slug = domain::CheckSlug("the site id", peer.site_id()); !slug.ok()) {
    return invalid(slug.message());
  }
  if (absl::Status endpoint = domain::CheckEndpoint("the address", peer.address());
      !endpoint.ok()) {
    return invalid(endpoint.message());
  }
  return peer;
}

// What --join_bundle asks of 'admin site add': the file to write the bundle to, and the
// sites (--seed) the new node first pulls from.
struct JoinBundleTarget {
  std::string path;
  std::vector<config::v1::Peer> seeds;
};

// The join bundle `line` asks for, nullopt when it asks for none. INVALID_ARGUMENT naming the
// flag at fault: --seed without --join_bundle, --join_bundle without a --seed, a malformed
// --seed, two seeds of one site, or a seed that is `site_id`, the site being added.
absl::StatusOr<std::optional<JoinBundleTarget>> TakeJoinBundle(CommandLine& line,
                                                               absl::string_view site_id) {
  ASSIGN_OR_RETURN(
      const std::optional<std::string> path,
      line.TakeNonEmpty("join_bundle", "; give the file to write the new site's join bundle to"));
  const std::vector<std::string> seeds = line.TakeAll("seed");
  if (!path.has_value()) {
    if (seeds.empty()) return std::nullopt;
    return absl::InvalidArgumentError(
        "--seed applies only with --join_bundle FILE: the seeds are written in the join bundle");
  }
  if (seeds.empty()) {
    return absl::InvalidArgumentError(
        "--join_bundle needs --seed SITE=HOST:PORT, the federation endpoint of a site already "
        "in the network that the new node first pulls from; two or more are advised");
  }
  JoinBundleTarget target{.path = *path, .seeds = {}};
  for (const std::string& seed : seeds) {
    ASSIGN_OR_RETURN(config::v1::Peer peer, ParseSeed(seed));
    if (peer.site_id() == site_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--seed '", seed, "' names the site being added; give sites already in the network"));
    }
    for (const config::v1::Peer& earlier : target.seeds) {
      if (earlier.site_id() == peer.site_id()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--seed names site '", peer.site_id(), "' twice"));
      }
    }
    target.seeds.push_back(std::move(peer));
  }
  return target;
}

// The join bundle as far as it can be made before the node is called: the admin's public key
// (of `key`), the network CA this command trusts the node by (none with --insecure or the
// system's roots), and the seeds of `target`. A usage error when the bundle file exists or
// the CA file cannot be read.
absl::StatusOr<config::v1::JoinBundle> StartJoinBundle(const GlobalOptions& options,
                                                       const JoinBundleTarget& target,
                                                       const auth::Ed25519PrivateKey& key) {
  RETURN_IF_ERROR(CheckAbsent(target.path, kBundleExists));
  config::v1::JoinBundle bundle;
  bundle.set_admin_public_key_pem(key.PublicKey().ToPem());
  if (!options.insecure && !options.ca_file.empty()) {
    ASSIGN_OR_RETURN(*bundle.mutable_ca_pem(), UsageError(ReadCaFile(options.ca_file)));
  }
  for (const config::v1::Peer& seed : target.seeds) *bundle.add_seeds() = seed;
  return bundle;
}

// `status` of a step after the node listed `site_id`: said so, its exit code kept.
absl::Status AfterListing(absl::string_view site_id, const absl::Status& status) {
  absl::Status after(
      status.code(),
      absl::StrCat("site '", site_id,
                   "' is listed, but its join bundle was not written: ", status.message()));
  status.ForEachPayload([&after](absl::string_view url, const absl::Cord& payload) {
    after.SetPayload(url, payload);
  });
  return after;
}

// Completes `bundle` with `listing`, the change the node took, and the node's directory as it
// lists it now, and writes it to `path` (mode 0644: it holds no secret), never over a file.
// The step that failed, said by AfterListing; nothing left at `path` then.
absl::Status WriteJoinBundle(Console& console, const std::string& path,
                             const v1::SignedDirectoryChange& listing,
                             config::v1::JoinBundle bundle, absl::string_view site_id) {
  *bundle.mutable_listing() = listing;
  absl::StatusOr<v1::ListDirectoryChangesResponse> directory =
      console.Call(&AdminStub::ListDirectoryChanges, v1::ListDirectoryChangesRequest());
  if (!directory.ok()) return AfterListing(site_id, directory.status());
  *bundle.mutable_directory() = directory->signed_changes();
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(bundle, &text)) {
    return AfterListing(site_id, LocalFailure(absl::InternalError("cannot print the join bundle")));
  }
  if (absl::Status created = CreateNewFile(path, 0644, kBundleExists); !created.ok()) {
    return AfterListing(site_id, created);
  }
  if (absl::Status written = files::WriteFileAtomically(path, text, 0644); !written.ok()) {
    ::unlink(path.c_str());
    return AfterListing(site_id, LocalFailure(written));
  }
  if (!console.options().json) {
    console.out() << "Join bundle of site '" << site_id << "' written to " << path
                  << " (no secret in it: hand it to the site).\n";
  }
  return absl::OkStatus();
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
  ASSIGN_OR_RETURN(const std::optional<JoinBundleTarget> join,
                   TakeJoinBundle(line, *line.Take("site_id")));
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
  return [network_key, key_files, join, listing, now](Console& console) mutable -> absl::Status {
    ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey key, LoadNetworkKey(network_key));
    ASSIGN_OR_RETURN(const site::SiteKeys keys, key_files.Load());
    listing.set_entry_public_key(keys.entry_public_key);
    listing.set_token_public_key(keys.token_public_key);
    listing.set_certificate_sha256(keys.certificate_sha256);
    // What the bundle needs before the call is checked before it, so that nothing is half done.
    std::optional<config::v1::JoinBundle> bundle;
    if (join.has_value()) {
      ASSIGN_OR_RETURN(bundle, StartJoinBundle(console.options(), *join, key));
    }
    const v1::SignedDirectoryChange signed_change =
        site::SignDirectoryChange(site::AddSiteChange(listing, now), key);
    RETURN_IF_ERROR(SendSigned(console, &AdminStub::AddSite, signed_change));
    if (!join.has_value()) return absl::OkStatus();
    return WriteJoinBundle(console, join->path, signed_change, *std::move(bundle),
                           listing.site().site_id());
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
      ASSIGN_OR_RETURN(const ListedChange current,
                       CurrentChange(console, site_id, key.PublicKey()));
      ASSIGN_OR_RETURN(const v1::DirectoryChange next,
                       site::StatusChange(current.change, action, now));
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
    ASSIGN_OR_RETURN(const ListedChange current, CurrentChange(console, site_id, key.PublicKey()));
    // The token key replaced stays listed until the last token it signed has expired.
    return SendChange(console, &AdminStub::RotateSiteKeys,
                      site::RotateKeysChange(current.change, keys, now, auth::kMaxTokenTtl), key);
  };
}

// 'admin site bundle ID': the join bundle of a site already listed (its listing the change
// the node lists it by), for a bundle lost or never written by 'admin site add'.
absl::StatusOr<Action> ReadSiteBundle(CommandLine& line) {
  constexpr absl::string_view kCommand = "admin site bundle";
  RETURN_IF_ERROR(RequireFlags(line, {"network_key", "join_bundle"}, kCommand));
  ASSIGN_OR_RETURN(const std::string network_key, TakeRequired(line, "network_key", kCommand));
  const std::string site_id = line.arguments()[0];
  ASSIGN_OR_RETURN(const std::optional<JoinBundleTarget> join, TakeJoinBundle(line, site_id));
  return [=](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey key, LoadNetworkKey(network_key));
    ASSIGN_OR_RETURN(config::v1::JoinBundle bundle, StartJoinBundle(console.options(), *join, key));
    ASSIGN_OR_RETURN(const ListedChange current, CurrentChange(console, site_id, key.PublicKey()));
    if (current.change.listing().status() == v1::SITE_STATUS_REMOVED) {
      return absl::FailedPreconditionError(
          absl::StrCat("site '", site_id, "' was removed from the network: it cannot join"));
    }
    return WriteJoinBundle(console, join->path, current.signed_change, std::move(bundle), site_id);
  };
}

}  // namespace

void AddAdminCommands(CommandTable& table) {
  table.AddGroup("network", "network status | network events");
  table.Add(
      {.words = "network status",
       .help =
           R"(  network status    The network's health as this node sees it (manager): every site
                    of the directory with its city, status, whether this node pulls
                    from it and is connected, last contact, entries behind and held of
                    those known (a joining node's progress); then what it holds of each
                    origin, and its links to its peers.
)",
       .read = Runs(Send(Caller::kManager, &v1::AdminService::StubInterface::GetNetworkStatus,
                         v1::GetNetworkStatusRequest(), FormatNetworkStatus))});
  table.Add(
      {.words = "network events",
       .help =
           R"(  network events    Recent changes of the site directory, newest first: the latest of
                    each site, with its action, version, the status it left and the
                    network admin key that signed it. 'admin directory' shows the same
                    changes by site, with their endpoints.
)",
       .read = Runs(Send(Caller::kAnyone, &AdminStub::ListDirectoryChanges,
                         v1::ListDirectoryChangesRequest(), FormatDirectoryEvents))});
  table.AddGroup("admin",
                 "admin init-network --key_file FILE | admin site "
                 "add|bundle|suspend|reinstate|remove|rotate-keys ... | admin directory | "
                 "admin backup | admin backups");
  table.AddGroup(
      "admin site",
      "admin site add|bundle|suspend|reinstate|remove|rotate-keys --network_key FILE ...");
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
                      "--entry_key PEM --token_key PEM --certificate PEM "
                      "[--join_bundle BUNDLE --seed SITE=HOST:PORT ...]",
             .help = R"(  admin site add --network_key FILE --site_id ID --name NAME --city CITY
                  --country CC --address TEXT --time_zone ZONE --currency CODE
                  --public_endpoint HOST:PORT --federation_endpoint HOST:PORT
                  --entry_key PEM --token_key PEM --certificate PEM
                  [--join_bundle BUNDLE --seed SITE=HOST:PORT ...]
                    Lists a new site in the directory, active, signed with the network
                    admin key in FILE; the node replicates it to every other. --entry_key
                    and --token_key: the public keys (PEM) the site signs its entries and
                    its member tokens with; --certificate: its TLS certificate (PEM).
                    --join_bundle: once the node took the listing, writes to BUNDLE (never
                    over a file) what the new site's node joins with, no secret in it: the
                    listing, the node's directory, the admin's public key, the CA of --ca
                    or $CANTINE_CA (none with --insecure or the system's roots) and the
                    seeds. --seed, required with --join_bundle (two or more are advised):
                    a site already in the network and its federation endpoint, which the
                    new node first pulls from.
)",
             .flags = {"network_key",
                       "site_id",
                       "name",
                       "city",
                       "country",
                       "address",
                       "time_zone",
                       "currency",
                       "public_endpoint",
                       "federation_endpoint",
                       "entry_key",
                       "token_key",
                       "certificate",
                       "join_bundle",
                       {"seed", FlagKind::kRepeated}},
             .read = ReadAddSite});
  table.Add(
      {.words = "admin site bundle",
       .arguments = 1,
       .usage = "admin site bundle --network_key FILE --join_bundle BUNDLE "
                "--seed SITE=HOST:PORT... ID",
       .help =
           R"(  admin site bundle --network_key FILE --join_bundle BUNDLE --seed SITE=HOST:PORT...
                  ID
                    Writes the join bundle of a site already listed, as 'admin site add
                    --join_bundle' does (never over a file): for a bundle lost, or never
                    written.
)",
       .flags = {"network_key", "join_bundle", {"seed", FlagKind::kRepeated}},
       .read = ReadSiteBundle});
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
  table.Add(
      {.words = "admin backup",
       .help = R"(  admin backup      Backs the node's database up while it keeps serving, into the
                    backup folder of its config (backup_dir), keeping the latest
                    backups_kept; answers the backup's id, size and time (manager). A
                    large database needs a longer --timeout; a backup cantinectl stopped
                    waiting for still completes ('admin backups' lists it). Restore one
                    offline: cantined --config F --restore_from DIR [--backup_id ID].
)",
       .read =
           Runs(Send(Caller::kManager, &AdminStub::Backup, v1::BackupRequest(), FormatBackup))});
  table.Add({.words = "admin backups",
             .help = R"(  admin backups     The backups the node's backup folder keeps, oldest first
                    (manager).
)",
             .read = Runs(Send(Caller::kManager, &AdminStub::ListBackups, v1::ListBackupsRequest(),
                               FormatBackups))});
}

}  // namespace cantine::cantinectl
