#include "tools/cantinectl/exit_codes.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"

namespace cantine::cantinectl {
namespace {

constexpr char kExitCodePayload[] = "cantine.cantinectl/exit_code";

absl::Status WithExitCode(absl::Status status, char exit_code) {
  status.SetPayload(kExitCodePayload, absl::Cord(std::string(1, exit_code)));
  return status;
}

}  // namespace

int ExitCodeForCallStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kExitRefused;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitFailure;
  }
}

absl::Status UsageError(absl::Status status) { return WithExitCode(std::move(status), '2'); }

absl::Status LocalFailure(absl::Status status) { return WithExitCode(std::move(status), '1'); }

int ExitCode(const absl::Status& status) {
  const auto mark = status.GetPayload(kExitCodePayload);
  if (mark.has_value()) return *mark == "2" ? kExitUsage : kExitFailure;
  return ExitCodeForCallStatus(status.code());
}

}  // namespace cantine::cantinectl
