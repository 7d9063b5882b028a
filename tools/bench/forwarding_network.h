#pragma once

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/cantined_launcher.h"

namespace cantine::bench {

// Two real cantined processes on 127.0.0.1, a venue ("paris") and a forwarder ("milan"),
// each pulling from the other, both ports TLS with a network CA of the run's own
// (tools/make-certs): the public ports TLS, the federation ports mutual TLS. Every port is
// chosen at run time (port 0, read back from the node's port files).
//
// Start order, since a node's peers are fixed when it starts: milan without peers; paris
// pulling from milan; milan restarted on the federation port it had, now pulling from
// paris. The signing keys are the ones each node makes in its data folder on first start.
//
// The configs are the bench's own, not deploy/sites: both sites open on weekdays with the
// usual two half-day slots and a 90-day horizon, no seeded spaces, and no visit allowance
// for milan's members (the bench measures forwarding, not allowances).
//
// Not thread-safe; the accessors may be called from any thread once Start returned.
class TwoSiteNetwork {
 public:
  static constexpr char kVenue[] = "paris";
  static constexpr char kForwarder[] = "milan";

  struct Options {
    std::string cantined_path;    // The cantined binary.
    std::string make_certs_path;  // tools/make-certs.
    std::string work_dir;         // Certificates, configs, data folders and logs go here.
    absl::Duration startup_timeout = absl::Seconds(30);  // Per node start.
  };

  // FAILED_PRECONDITION when make-certs fails or a node exits or does not listen in time
  // (with the end of its log); UNAVAILABLE when a process cannot be started.
  static absl::StatusOr<std::unique_ptr<TwoSiteNetwork>> Start(const Options& options);
  // Stops both nodes if Stop was not called.
  ~TwoSiteNetwork();

  // The network CA (PEM): clients of the public ports trust it.
  const std::string& ca_pem() const { return ca_pem_; }
  const std::string& admin_credential() const { return admin_credential_; }
  // host:port of the public ports.
  std::string venue_address() const;
  std::string forwarder_address() const;
  int venue_pid() const { return venue_.process->pid(); }
  int forwarder_pid() const { return forwarder_.process->pid(); }
  std::string venue_log() const { return venue_.log_path; }
  std::string forwarder_log() const { return forwarder_.log_path; }

  // Whether both processes are still running.
  bool Running();

  // SIGTERM to both, then waits for them. INTERNAL naming the node that did not exit with
  // code 0. Idempotent.
  absl::Status Stop();

 private:
  explicit TwoSiteNetwork(Options options) : options_(std::move(options)) {}

  absl::Status MakeCertificates();
  // Writes the site's config and starts it (StartCantined); `peer` may be empty.
  absl::StatusOr<testing::CantinedProcess> StartNode(const std::string& site_id,
                                                     int federation_port, const std::string& peer,
                                                     int peer_federation_port);
  std::string Path(const std::string& name) const;

  const Options options_;
  std::string admin_credential_;
  std::string ca_pem_;
  testing::CantinedProcess venue_;
  testing::CantinedProcess forwarder_;
  bool stopped_ = false;
};

}  // namespace cantine::bench
