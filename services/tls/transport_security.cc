#include "services/tls/transport_security.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/create_channel.h"
#include "storage/status_macros.h"

namespace cantine::tls {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using Certificate = std::unique_ptr<X509, X509Free>;

absl::StatusOr<std::string> ReadFile(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the ", what, " '", path, "'"));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Every certificate of a PEM text, in order; FAILED_PRECONDITION when there is none.
absl::StatusOr<std::vector<Certificate>> ParseCertificates(const std::string& what,
                                                           const std::string& path,
                                                           const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<Certificate> certificates;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(cert);
  }
  ERR_clear_error();  // The read that ended the loop.
  if (certificates.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", what, " '", path, "' holds no PEM certificate"));
  }
  return certificates;
}

std::string CommonName(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     ASN1_STRING_length(data));
}

// Checks that `chain` (leaf first) is signed by one of `authorities` and valid now.
absl::Status Verify(const std::vector<Certificate>& authorities,
                    const std::vector<Certificate>& chain, const std::string& cert_file,
                    const std::string& ca_file) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const Certificate& authority : authorities) {
    X509_STORE_add_cert(store.get(), authority.get());
  }
  std::unique_ptr<STACK_OF(X509), StackFree> intermediates(sk_X509_new_null());
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(intermediates.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (store == nullptr || intermediates == nullptr || ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), intermediates.get()) != 1) {
    return absl::InternalError("cannot set up the TLS certificate check (out of memory?)");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("the certificate '", cert_file, "' does not verify against the CA '", ca_file,
                     "': ", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())),
                     " (reissue it with tools/make-certs from the network's CA)"));
  }
  return absl::OkStatus();
}

}  // namespace

TransportSecurity TransportSecurity::Insecure() { return TransportSecurity(); }

absl::StatusOr<TransportSecurity> TransportSecurity::LoadPemFiles(const std::string& ca_file,
                                                                  const std::string& cert_file,
                                                                  const std::string& key_file) {
  TransportSecurity security;
  security.insecure_ = false;
  ASSIGN_OR_RETURN(std::string ca, ReadFile("CA file", ca_file));
  ASSIGN_OR_RETURN(std::string cert, ReadFile("certificate file", cert_file));
  ASSIGN_OR_RETURN(std::string key, ReadFile("key file", key_file));

  ASSIGN_OR_RETURN(std::vector<Certificate> authorities, ParseCertificates("CA file", ca_file, ca));
  ASSIGN_OR_RETURN(std::vector<Certificate> chain,
                   ParseCertificates("certificate file", cert_file, cert));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new_mem_buf(key.data(), static_cast<int>(key.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> private_key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (private_key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the key file '", key_file, "' holds no PEM private key (or one with a passphrase)"));
  }
  if (X509_check_private_key(chain[0].get(), private_key.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(
        "the key file '", key_file, "' is not the key of the certificate '", cert_file, "'"));
  }
  RETURN_IF_ERROR(Verify(authorities, chain, cert_file, ca_file));

  security.common_name_ = CommonName(chain[0].get());
  security.cert_file_ = cert_file;
  security.ca_pem_ = std::move(ca);
  security.cert_pem_ = std::move(cert);
  security.key_pem_ = std::move(key);
  return security;
}

absl::Status TransportSecurity::CheckCertifies(absl::string_view site_id) const {
  if (insecure_ || common_name_ == site_id) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the certificate '", cert_file_, "' is for site '", common_name_,
                   "' (its CN), not for this site '", site_id,
                   "': peers know a site by its certificate (tools/make-certs DIR ", site_id, ")"));
}

std::shared_ptr<grpc::ServerCredentials> TransportSecurity::PublicServerCredentials() const {
  if (insecure_) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({key_pem_, cert_pem_});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ServerCredentials> TransportSecurity::FederationServerCredentials() const {
  if (insecure_) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = ca_pem_;
  options.pem_key_cert_pairs.push_back({key_pem_, cert_pem_});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> TransportSecurity::PeerChannelCredentials() const {
  if (insecure_) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_pem_;
  options.pem_private_key = key_pem_;
  options.pem_cert_chain = cert_pem_;
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> DialSite(
    const std::string& address, const std::string& site_id,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::ChannelArguments arguments;
  // Verify the server's certificate against the site id rather than the host dialled.
  arguments.SetSslTargetNameOverride(site_id);
  return grpc::CreateCustomChannel(address, credentials, arguments);
}

bool IsTlsConnection(const grpc::ServerContextBase& context) {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return false;
  for (const grpc::string_ref& type :
       auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME)) {
    if (type == GRPC_SSL_TRANSPORT_SECURITY_TYPE) return true;
  }
  return false;
}

std::string PeerSiteId(const grpc::ServerContextBase& context) {
  if (!IsTlsConnection(context)) return "";
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  const std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (names.empty()) return "";
  return std::string(names.front().data(), names.front().size());
}

absl::StatusOr<std::string> CertificateSha256(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  const Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate.get(), EVP_sha256(), digest, &length) != 1) {
    ERR_clear_error();
    return absl::InternalError("OpenSSL could not compute the certificate's SHA-256");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace cantine::tls
