#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/node_metrics.h"
#include "services/web/json_gateway.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace cantine::web {

struct WebServerOptions {
  std::string listen_address;  // host:port; port 0 picks a free one.
  // The site's certificate and key (PEM): the port serves HTTPS. Both empty: plaintext,
  // for a node started insecure (local development).
  std::string cert_file;
  std::string key_file;
  // The web app's files, served at "/" ("/" is index.html); empty serves none.
  std::string static_dir;
  int threads = 8;                    // Requests answered at once.
  size_t max_body_bytes = 64 * 1024;  // A larger body is refused, 413.
  absl::Duration read_timeout = absl::Seconds(10);
};

// The node's web port (cpp-httplib over OpenSSL): the JSON API under /v1/ (JsonGateway),
// /metrics for operators (NodeMetrics), and the web app's static files. A path with a ".."
// segment is refused (400) before any route sees it. Every answer carries headers that keep
// a browser from sniffing types or framing the pages.
class WebServer {
 public:
  // Listens and serves on its own threads. FAILED_PRECONDITION naming the address when the
  // port is taken; INVALID_ARGUMENT naming the file when the certificate or key do not load.
  // `gateway` and `metrics` outlive the server.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const WebServerOptions& options,
                                                          const JsonGateway* gateway,
                                                          metrics::NodeMetrics* metrics);

  ~WebServer();  // Stop.

  int port() const { return port_; }

  // Stops accepting, ends the requests in flight, joins the threads. Idempotent.
  void Stop();

 private:
  WebServer(std::unique_ptr<httplib::Server> server, int port);

  std::unique_ptr<httplib::Server> server_;
  const int port_;
  std::thread listener_;
};

}  // namespace cantine::web
