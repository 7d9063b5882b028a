#include "tools/cantinectl/console.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/rpc/status_conversion.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {

absl::StatusOr<std::string> ReadCaFile(const std::string& ca_file) {
  std::ifstream in(ca_file);
  std::stringstream pem;
  if (!in || !(pem << in.rdbuf()) ||
      pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read a PEM certificate from the CA file '", ca_file, "' (--ca or $CANTINE_CA)"));
  }
  return pem.str();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file) {
  if (insecure) return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions options;
  if (!ca_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadCaFile(ca_file));
  }
  return grpc::CreateChannel(target, grpc::SslCredentials(options));
}

std::string ErrorText(const absl::Status& status) {
  return absl::StrCat("cantinectl: ", absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

int RunInvocation(const Invocation& invocation, const NodeStubs& node, std::ostream& out,
                  std::ostream& err) {
  Console console(invocation.options, node, out, err);
  const absl::Status status = invocation.run(console);
  if (status.ok()) return kExitOk;
  const int exit_code = ExitCode(status);
  err << ErrorText(status);
  if (exit_code == kExitUnreachable) err << " (node " << invocation.options.node << ")";
  err << "\n";
  return exit_code;
}

void Console::PrepareCall(grpc::ClientContext& context, const std::string* bearer_token) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  if (bearer_token != nullptr) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", *bearer_token));
  }
}

absl::Status Console::FromCallStatus(const grpc::Status& status) {
  absl::Status converted = rpc::FromGrpcStatus(status);
  const absl::string_view message = converted.message();
  absl::string_view hint;
  if (absl::StrContains(message, "andshake failed")) {
    hint =
        " (TLS: the node's certificate is not signed by a CA this client trusts; give the "
        "network CA with --ca FILE or $CANTINE_CA)";
  } else if (absl::StrContains(message, "Socket closed")) {
    hint = " (if you gave --insecure: the node may serve TLS only; drop --insecure)";
  }
  if (hint.empty()) return converted;
  return absl::Status(converted.code(), absl::StrCat(message, hint));
}

absl::StatusOr<v1::Site> Console::GetSite() {
  return Call(&v1::SiteService::StubInterface::GetSite, v1::GetSiteRequest());
}

absl::Status Console::PrintJson(const google::protobuf::Message& message) {
  ASSIGN_OR_RETURN(const std::string json, FormatJson(message));
  out_ << json;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Site>> Console::SiteForTable() {
  if (options_.json) return std::nullopt;
  return GetSite();
}

absl::StatusOr<std::string> Console::AdminCredential() const {
  if (options_.admin_credential_file.empty()) {
    return UsageError(absl::FailedPreconditionError(
        "this command needs the admin credential: give --admin_credential_file FILE or set "
        "CANTINE_ADMIN_CREDENTIAL_FILE"));
  }
  return ReadAdminCredential(options_.admin_credential_file);
}

absl::StatusOr<Console::Credential> Console::MemberCredential(Caller caller) const {
  if (options_.as_desk) {
    ASSIGN_OR_RETURN(std::string admin, AdminCredential());
    return Credential{std::move(admin), true};
  }
  if (!options_.token_file.empty()) {
    ASSIGN_OR_RETURN(std::optional<StoredTokens> stored,
                     UsageError(ReadTokenFile(options_.token_file)));
    if (stored.has_value()) {
      return Credential{caller == Caller::kAccount ? stored->account : stored->booking, false};
    }
  }
  if (!options_.admin_credential_file.empty()) {
    ASSIGN_OR_RETURN(std::string admin, ReadAdminCredential(options_.admin_credential_file));
    return Credential{std::move(admin), true};
  }
  return UsageError(absl::FailedPreconditionError(
      "run 'cantinectl login --member ID' first (or give --admin_credential_file)"));
}

absl::StatusOr<std::string> Console::CredentialOf(Caller caller) const {
  if (caller == Caller::kAnyone) return "";
  if (caller == Caller::kManager) return AdminCredential();
  ASSIGN_OR_RETURN(Credential credential, MemberCredential(caller));
  return std::move(credential.value);
}

absl::StatusOr<std::string> ReadAdminCredential(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return UsageError(absl::FailedPreconditionError(
        absl::StrCat("cannot read the admin credential file '", path, "'")));
  }
  absl::string_view credential = absl::StripAsciiWhitespace(line);
  if (credential.empty()) {
    return UsageError(absl::FailedPreconditionError(
        absl::StrCat("the admin credential file '", path, "' starts with an empty line")));
  }
  return std::string(credential);
}

}  // namespace cantine::cantinectl
