#include "tools/cantinectl/grpc_call.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace cantine::cantinectl {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file) {
  if (insecure) return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions options;
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    std::stringstream pem;
    if (!in || !(pem << in.rdbuf()) ||
        pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read a PEM certificate from the CA file '", ca_file, "' (--ca or $CANTINE_CA)"));
    }
    options.pem_root_certs = pem.str();
  }
  return grpc::CreateChannel(target, grpc::SslCredentials(options));
}

void PrepareCallContext(grpc::ClientContext& context, absl::Duration timeout,
                        const std::string* bearer_token) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (bearer_token != nullptr) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", *bearer_token));
  }
}

absl::Status FromCallStatus(const grpc::Status& status) {
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

}  // namespace cantine::cantinectl
