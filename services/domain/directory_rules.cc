#include "services/domain/directory_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cantine::domain {
namespace {

constexpr size_t kMaxEndpointLength = 255;

// The status an action leaves, where it fixes one.
bool LeavesStatus(DirectoryAction action, ListingStatus* status) {
  switch (action) {
    case DirectoryAction::kAddSite:
    case DirectoryAction::kReinstateSite:
      *status = ListingStatus::kActive;
      return true;
    case DirectoryAction::kSuspendSite:
      *status = ListingStatus::kSuspended;
      return true;
    case DirectoryAction::kRemoveSite:
      *status = ListingStatus::kRemoved;
      return true;
    case DirectoryAction::kRotateKeys:
      return false;
  }
  return false;
}

bool IsHostCharacter(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_'; }

}  // namespace

bool Supersedes(const ListingChange& candidate, const ListingChange& kept) {
  const bool candidate_removes = candidate.status == ListingStatus::kRemoved;
  const bool kept_removes = kept.status == ListingStatus::kRemoved;
  if (candidate_removes != kept_removes) return candidate_removes;
  if (candidate.version != kept.version) return candidate.version > kept.version;
  return candidate.signed_bytes > kept.signed_bytes;
}

absl::Status CheckChangeShape(const ListingChange& change) {
  if (change.version == 0) {
    return absl::InvalidArgumentError("change.version must be at least 1");
  }
  if (change.action == DirectoryAction::kAddSite && change.version != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("change.version is ", change.version, "; a site is added at version 1"));
  }
  ListingStatus expected;
  if (LeavesStatus(change.action, &expected) ? change.status != expected
                                             : change.status == ListingStatus::kRemoved) {
    return absl::InvalidArgumentError(
        "change.listing.status does not match change.action (active after an addition or a "
        "reinstatement, suspended after a suspension, removed after a removal)");
  }
  return absl::OkStatus();
}

absl::Status CheckFollows(const ListingChange* current, const ListingChange& change) {
  if (current == nullptr) {
    if (change.action == DirectoryAction::kAddSite) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("the directory lists no site '", change.site_id, "'"));
  }
  if (current->status == ListingStatus::kRemoved) {
    return absl::FailedPreconditionError(absl::StrCat(
        "site '", change.site_id, "' was removed from the directory; a removal is final"));
  }
  if (change.action == DirectoryAction::kAddSite) {
    return absl::FailedPreconditionError(
        absl::StrCat("the directory already lists site '", change.site_id, "'"));
  }
  if (change.version != current->version + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("change.version is ", change.version, " but the directory holds version ",
                     current->version, " of site '", change.site_id, "': sign version ",
                     current->version + 1, " over the listing it holds"));
  }
  switch (change.action) {
    case DirectoryAction::kSuspendSite:
      if (current->status != ListingStatus::kActive) {
        return absl::FailedPreconditionError(
            absl::StrCat("site '", change.site_id, "' is not active"));
      }
      break;
    case DirectoryAction::kReinstateSite:
      if (current->status != ListingStatus::kSuspended) {
        return absl::FailedPreconditionError(
            absl::StrCat("site '", change.site_id, "' is not suspended"));
      }
      break;
    case DirectoryAction::kRotateKeys:
      if (change.token_public_key == current->token_public_key &&
          change.entry_public_key == current->entry_public_key) {
        return absl::FailedPreconditionError(
            absl::StrCat("the keys of site '", change.site_id, "' are already these"));
      }
      if (change.status != current->status) {
        return absl::FailedPreconditionError("a key rotation keeps the site's status");
      }
      break;
    case DirectoryAction::kAddSite:
    case DirectoryAction::kRemoveSite:
      break;
  }
  return absl::OkStatus();
}

absl::Status CheckEndpoint(absl::string_view field, absl::string_view endpoint) {
  const auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", endpoint, "' is not host:port: ", why));
  };
  if (endpoint.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (endpoint.size() > kMaxEndpointLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", kMaxEndpointLength, " bytes"));
  }
  const size_t colon = endpoint.rfind(':');
  if (colon == absl::string_view::npos) return invalid("no port");
  absl::string_view host = endpoint.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(endpoint.substr(colon + 1), &port) || port < 1 || port > 65535) {
    return invalid("the port is not a number from 1 to 65535");
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    for (char c : host.substr(1, host.size() - 2)) {
      if (!absl::ascii_isxdigit(c) && c != ':' && c != '.') return invalid("a bad IPv6 address");
    }
    return absl::OkStatus();
  }
  if (host.empty()) return invalid("no host");
  for (char c : host) {
    if (!IsHostCharacter(c)) return invalid("a character not allowed in a host name");
  }
  return absl::OkStatus();
}

}  // namespace cantine::domain
