#include "services/site/directory_change.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/domain/site_profile.h"
#include "services/rpc/proto_enum.h"
#include "services/rpc/proto_time.h"
#include "services/site/site_codec.h"
#include "storage/status_macros.h"

namespace cantine::site {
namespace {

// Signatures over directory changes can be taken for no other signed message of the network.
constexpr absl::string_view kSignatureContext = "cantine.directory.v1";

constexpr size_t kKeyBytes = 32;
constexpr size_t kSha256Bytes = 32;

constexpr rpc::EnumPair<domain::DirectoryAction, v1::DirectoryAction> kActions[] = {
    {domain::DirectoryAction::kAddSite, v1::DIRECTORY_ACTION_ADD_SITE},
    {domain::DirectoryAction::kRotateKeys, v1::DIRECTORY_ACTION_ROTATE_KEYS},
    {domain::DirectoryAction::kSuspendSite, v1::DIRECTORY_ACTION_SUSPEND_SITE},
    {domain::DirectoryAction::kReinstateSite, v1::DIRECTORY_ACTION_REINSTATE_SITE},
    {domain::DirectoryAction::kRemoveSite, v1::DIRECTORY_ACTION_REMOVE_SITE}};

constexpr rpc::EnumPair<domain::ListingStatus, v1::SiteStatus> kStatuses[] = {
    {domain::ListingStatus::kActive, v1::SITE_STATUS_ACTIVE},
    {domain::ListingStatus::kSuspended, v1::SITE_STATUS_SUSPENDED},
    {domain::ListingStatus::kRemoved, v1::SITE_STATUS_REMOVED}};

std::string SigningInput(absl::string_view change_bytes) {
  return absl::StrCat(kSignatureContext, absl::string_view("\0", 1), change_bytes);
}

absl::Status CheckKey(absl::string_view field, absl::string_view raw) {
  if (raw.size() != kKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", raw.size(), " bytes; a raw Ed25519 public key is ", kKeyBytes));
  }
  return auth::Ed25519PublicKey::FromRaw(raw).status();
}

absl::Status CheckListing(const v1::SiteListing& listing) {
  RETURN_IF_ERROR(domain::ValidateSiteProfile(ProfileFromProto(listing.site())));
  if (listing.site().has_policy()) {
    return absl::InvalidArgumentError(
        "change.listing.site.policy must be unset: the policy is the site's own");
  }
  RETURN_IF_ERROR(
      domain::CheckEndpoint("change.listing.public_endpoint", listing.public_endpoint()));
  RETURN_IF_ERROR(
      domain::CheckEndpoint("change.listing.federation_endpoint", listing.federation_endpoint()));
  RETURN_IF_ERROR(CheckKey("change.listing.entry_public_key", listing.entry_public_key()));
  RETURN_IF_ERROR(CheckKey("change.listing.token_public_key", listing.token_public_key()));
  if (listing.certificate_sha256().size() != kSha256Bytes) {
    return absl::InvalidArgumentError(absl::StrCat("change.listing.certificate_sha256 is ",
                                                   listing.certificate_sha256().size(),
                                                   " bytes; a SHA-256 digest is ", kSha256Bytes));
  }
  if (!rpc::EnumFromProto(kStatuses, listing.status()).has_value()) {
    return absl::InvalidArgumentError("change.listing.status is not a site status");
  }
  if (listing.retired_token_keys_size() > kMaxRetiredTokenKeys) {
    return absl::InvalidArgumentError(absl::StrCat("change.listing.retired_token_keys has ",
                                                   listing.retired_token_keys_size(),
                                                   " keys; at most ", kMaxRetiredTokenKeys));
  }
  if (listing.retired_entry_keys_size() > kMaxRetiredEntryKeys) {
    return absl::InvalidArgumentError(absl::StrCat("change.listing.retired_entry_keys has ",
                                                   listing.retired_entry_keys_size(),
                                                   " keys; at most ", kMaxRetiredEntryKeys));
  }
  for (int i = 0; i < listing.retired_entry_keys_size(); ++i) {
    RETURN_IF_ERROR(CheckKey(absl::StrCat("change.listing.retired_entry_keys[", i, "]"),
                             listing.retired_entry_keys(i)));
  }
  for (int i = 0; i < listing.retired_token_keys_size(); ++i) {
    const v1::RetiredKey& retired = listing.retired_token_keys(i);
    const std::string field = absl::StrCat("change.listing.retired_token_keys[", i, "]");
    RETURN_IF_ERROR(CheckKey(absl::StrCat(field, ".public_key"), retired.public_key()));
    RETURN_IF_ERROR(
        rpc::TimeFromProto(absl::StrCat(field, ".expire_time"), retired.expire_time()).status());
  }
  return absl::OkStatus();
}

v1::DirectoryChange NextVersion(const v1::DirectoryChange& current, v1::DirectoryAction action,
                                absl::Time now) {
  v1::DirectoryChange next;
  next.set_action(action);
  next.set_site_id(current.site_id());
  next.set_version(current.version() + 1);
  *next.mutable_sign_time() = rpc::TimeToProto(now);
  *next.mutable_listing() = current.listing();
  return next;
}

}  // namespace

v1::SignedDirectoryChange SignDirectoryChange(const v1::DirectoryChange& change,
                                              const auth::Ed25519PrivateKey& admin_key) {
  v1::SignedDirectoryChange signed_change;
  signed_change.set_change(change.SerializeAsString());
  signed_change.set_admin_signature(admin_key.Sign(SigningInput(signed_change.change())));
  return signed_change;
}

absl::StatusOr<v1::DirectoryChange> OpenDirectoryChange(
    const v1::SignedDirectoryChange& signed_change, const auth::Ed25519PublicKey& admin_key) {
  if (signed_change.change().size() > kMaxDirectoryChangeBytes) {
    return absl::InvalidArgumentError(absl::StrCat("signed_change.change is ",
                                                   signed_change.change().size(),
                                                   " bytes; at most ", kMaxDirectoryChangeBytes));
  }
  if (!admin_key.Verify(SigningInput(signed_change.change()), signed_change.admin_signature())) {
    return absl::UnauthenticatedError(
        "the directory change is not signed by this network's admin key");
  }
  v1::DirectoryChange change;
  if (!change.ParseFromString(signed_change.change())) {
    return absl::InvalidArgumentError("change does not parse as a DirectoryChange");
  }
  if (!rpc::EnumFromProto(kActions, change.action()).has_value()) {
    return absl::InvalidArgumentError("change.action is not a directory action");
  }
  RETURN_IF_ERROR(rpc::TimeFromProto("change.sign_time", change.sign_time()).status());
  if (change.listing().site().site_id() != change.site_id()) {
    return absl::InvalidArgumentError(
        absl::StrCat("change.listing.site.site_id '", change.listing().site().site_id(),
                     "' is not change.site_id '", change.site_id(), "'"));
  }
  RETURN_IF_ERROR(CheckListing(change.listing()));
  RETURN_IF_ERROR(domain::CheckChangeShape(ListingChangeOf(change, signed_change.change())));
  return change;
}

domain::ListingChange ListingChangeOf(const v1::DirectoryChange& change,
                                      absl::string_view signed_bytes) {
  return {
      .action =
          rpc::EnumFromProto(kActions, change.action()).value_or(domain::DirectoryAction::kAddSite),
      .site_id = change.site_id(),
      .version = change.version(),
      .status = rpc::EnumFromProto(kStatuses, change.listing().status())
                    .value_or(domain::ListingStatus::kActive),
      .entry_public_key = change.listing().entry_public_key(),
      .token_public_key = change.listing().token_public_key(),
      .signed_bytes = std::string(signed_bytes)};
}

v1::DirectoryChange AddSiteChange(v1::SiteListing listing, absl::Time now) {
  v1::DirectoryChange change;
  change.set_action(v1::DIRECTORY_ACTION_ADD_SITE);
  change.set_site_id(listing.site().site_id());
  change.set_version(1);
  *change.mutable_sign_time() = rpc::TimeToProto(now);
  listing.set_status(v1::SITE_STATUS_ACTIVE);
  *change.mutable_listing() = std::move(listing);
  return change;
}

absl::StatusOr<v1::DirectoryChange> StatusChange(const v1::DirectoryChange& current,
                                                 v1::DirectoryAction action, absl::Time now) {
  v1::SiteStatus status;
  switch (action) {
    case v1::DIRECTORY_ACTION_SUSPEND_SITE:
      status = v1::SITE_STATUS_SUSPENDED;
      break;
    case v1::DIRECTORY_ACTION_REINSTATE_SITE:
      status = v1::SITE_STATUS_ACTIVE;
      break;
    case v1::DIRECTORY_ACTION_REMOVE_SITE:
      status = v1::SITE_STATUS_REMOVED;
      break;
    default:
      return absl::InvalidArgumentError(
          "action: a status change suspends, reinstates or removes a site");
  }
  v1::DirectoryChange next = NextVersion(current, action, now);
  next.mutable_listing()->set_status(status);
  return next;
}

v1::DirectoryChange RotateKeysChange(const v1::DirectoryChange& current, const SiteKeys& keys,
                                     absl::Time now, absl::Duration token_lifetime) {
  v1::DirectoryChange next = NextVersion(current, v1::DIRECTORY_ACTION_ROTATE_KEYS, now);
  v1::SiteListing& listing = *next.mutable_listing();
  listing.clear_retired_token_keys();
  for (const v1::RetiredKey& retired : current.listing().retired_token_keys()) {
    if (retired.public_key() == keys.token_public_key) continue;  // Back in use.
    absl::StatusOr<absl::Time> expiry = rpc::TimeFromProto("expire_time", retired.expire_time());
    if (expiry.ok() && *expiry > now) *listing.add_retired_token_keys() = retired;
  }
  const std::string& replaced = current.listing().token_public_key();
  if (replaced != keys.token_public_key) {
    v1::RetiredKey* retired = listing.add_retired_token_keys();
    retired->set_public_key(replaced);
    *retired->mutable_expire_time() = rpc::TimeToProto(now + token_lifetime);
  }
  // The oldest go first when there are too many: their tokens expire soonest.
  while (listing.retired_token_keys_size() > kMaxRetiredTokenKeys) {
    listing.mutable_retired_token_keys()->erase(listing.mutable_retired_token_keys()->begin());
  }
  const std::string& replaced_entry_key = current.listing().entry_public_key();
  if (replaced_entry_key != keys.entry_public_key &&
      std::find(listing.retired_entry_keys().begin(), listing.retired_entry_keys().end(),
                replaced_entry_key) == listing.retired_entry_keys().end()) {
    listing.add_retired_entry_keys(replaced_entry_key);
  }
  // A key back in use is no longer retired.
  listing.mutable_retired_entry_keys()->erase(
      std::remove(listing.mutable_retired_entry_keys()->begin(),
                  listing.mutable_retired_entry_keys()->end(), keys.entry_public_key),
      listing.mutable_retired_entry_keys()->end());
  while (listing.retired_entry_keys_size() > kMaxRetiredEntryKeys) {
    listing.mutable_retired_entry_keys()->erase(listing.mutable_retired_entry_keys()->begin());
  }
  listing.set_entry_public_key(keys.entry_public_key);
  listing.set_token_public_key(keys.token_public_key);
  listing.set_certificate_sha256(keys.certificate_sha256);
  return next;
}

}  // namespace cantine::site
