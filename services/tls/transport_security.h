#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace cantine::tls {

// The node's transport security, built once at start-up: the credentials of its two ports
// and of its connections to peers, from the network CA and the site's certificate and key
// (PEM, as tools/make-certs makes them), or plaintext everywhere when insecure.
//
//   public port      TLS with the site certificate; clients show no certificate.
//   federation port  mutual TLS: a caller must show a certificate the network CA signed,
//                    whose CN is its site id (PeerSiteId).
//   to peers         the site certificate as client certificate; the peer's server
//                    certificate must be signed by the network CA and name the host dialled.
//
// Immutable and thread-safe; the credentials returned may be shared by any number of
// servers and channels.
class TransportSecurity {
 public:
  // Plaintext everywhere: for local development and tests only.
  static TransportSecurity Insecure();

  // Reads and checks the three PEM files: FAILED_PRECONDITION naming the file that cannot
  // be read or does not parse, a key that is not the certificate's, or a certificate the CA
  // did not sign (or expired, or not yet valid).
  static absl::StatusOr<TransportSecurity> LoadPemFiles(const std::string& ca_file,
                                                        const std::string& cert_file,
                                                        const std::string& key_file);

  bool insecure() const { return insecure_; }
  // The subject CN of the site certificate ("" when insecure): the site id it proves.
  const std::string& certificate_common_name() const { return common_name_; }
  // OK when insecure or when the site certificate is `site_id`'s (its CN); otherwise
  // FAILED_PRECONDITION naming the certificate, the site it is for, and how to make the
  // right one: peers know a site by its certificate.
  absl::Status CheckCertifies(absl::string_view site_id) const;

  std::shared_ptr<grpc::ServerCredentials> PublicServerCredentials() const;
  std::shared_ptr<grpc::ServerCredentials> FederationServerCredentials() const;
  std::shared_ptr<grpc::ChannelCredentials> PeerChannelCredentials() const;

 private:
  TransportSecurity() = default;

  bool insecure_ = true;
  std::string cert_file_;
  std::string ca_pem_;
  std::string cert_pem_;
  std::string key_pem_;
  std::string common_name_;
};

// A channel to the federation port of `site_id` at `address`, with `credentials` (from
// PeerChannelCredentials). Over TLS the server's certificate must name the site itself
// (subjectAltName DNS:<site_id>, which tools/make-certs gives every site certificate), so
// another site of the network cannot answer in its place, even at its address.
std::shared_ptr<grpc::Channel> DialSite(
    const std::string& address, const std::string& site_id,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials);

// Whether the call came over TLS.
bool IsTlsConnection(const grpc::ServerContextBase& context);

// The site id the caller's verified client certificate names (its subject CN); "" when the
// connection is not TLS or the caller showed no certificate.
std::string PeerSiteId(const grpc::ServerContextBase& context);

// The SHA-256 of the DER of the first certificate in `pem` (the site's own, in a chain): 32
// raw bytes, as the site directory lists a site's certificate (SiteListing.certificate_sha256).
// INVALID_ARGUMENT when `pem` holds no PEM certificate. Thread-safe.
absl::StatusOr<std::string> CertificateSha256(absl::string_view pem);

}  // namespace cantine::tls
