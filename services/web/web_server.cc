#include "services/web/web_server.h"

#include <sys/socket.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "httplib.h"
#include "services/web/json_transcoding.h"

namespace cantine::web {
namespace {

constexpr char kJson[] = "application/json";

// What /metrics, the API and the files each count as (NodeMetrics::RecordHttp).
absl::string_view KindOf(absl::string_view path) {
  if (absl::StartsWith(path, "/v1/")) return "api";
  if (path == "/metrics") return "metrics";
  return "static";
}

bool HasDotDotSegment(absl::string_view path) {
  for (absl::string_view segment : absl::StrSplit(path, absl::ByAnyChar("/\\"))) {
    if (segment == "..") return true;
  }
  return false;
}

HttpCall CallOf(const httplib::Request& request) {
  HttpCall call{.verb = request.method,
                .path = request.path,
                .query = {},
                .content_type = request.get_header_value("Content-Type"),
                .authorization = request.get_header_value("Authorization"),
                .body = request.body};
  for (const auto& [name, value] : request.params) call.query.emplace_back(name, value);
  return call;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const WebServerOptions& options,
                                                            const JsonGateway* gateway,
                                                            metrics::NodeMetrics* metrics) {
  std::unique_ptr<httplib::Server> server;
  if (options.cert_file.empty()) {
    server = std::make_unique<httplib::Server>();
  } else {
    server =
        std::make_unique<httplib::SSLServer>(options.cert_file.c_str(), options.key_file.c_str());
    if (!server->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the web port cannot serve HTTPS with certificate '", options.cert_file,
                       "' and key '", options.key_file, "': they do not load or do not match"));
    }
  }
  const int threads = options.threads;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib's default sets SO_REUSEPORT, which would let a second node share a busy port.
  server->set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->set_payload_max_length(options.max_body_bytes);
  server->set_read_timeout(absl::ToChronoSeconds(options.read_timeout));
  server->set_write_timeout(absl::ToChronoSeconds(options.read_timeout));
  server->set_default_headers(
      {{"X-Content-Type-Options", "nosniff"},
       {"X-Frame-Options", "DENY"},
       {"Referrer-Policy", "no-referrer"},
       // Pages read other venues' spaces from those venues' web ports (connect-src).
       {"Content-Security-Policy",
        "default-src 'self'; connect-src 'self' https: http:; frame-ancestors 'none'; "
        "base-uri 'none'"}});

  server->set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!HasDotDotSegment(request.path)) return httplib::Server::HandlerResponse::Unhandled;
    response.status = 400;
    response.set_content("a path may not hold a '..' segment\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  server->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics->Render(), "text/plain; version=0.0.4");
  });
  const auto api = [gateway](const httplib::Request& request, httplib::Response& response) {
    const HttpReply reply = gateway->Handle(CallOf(request));
    response.status = reply.status;
    response.set_header("Cache-Control", "no-store");
    // Another site's page may read what anyone may (a venue's spaces): no cookie or ambient
    // credential exists to misuse, and a call with an Authorization header from another
    // origin needs a preflight this port never allows.
    if (request.method == "GET") response.set_header("Access-Control-Allow-Origin", "*");
    response.set_content(reply.body, reply.content_type);
  };
  const std::string api_paths = "/v1/.*";
  server->Get(api_paths, api);
  server->Post(api_paths, api);
  server->Patch(api_paths, api);
  server->Put(api_paths, api);
  server->Delete(api_paths, api);
  if (!options.static_dir.empty()) {
    if (!server->set_mount_point("/", options.static_dir)) {
      return absl::InvalidArgumentError(
          absl::StrCat("web_static_dir '", options.static_dir, "' is not a folder"));
    }
    server->set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  }
  server->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    const std::string what = response.status == 404   ? "no such page"
                             : response.status == 413 ? "the body is larger than this port takes"
                                                      : "the request was refused";
    if (absl::StartsWith(request.path, "/v1/")) {
      const absl::Status status = response.status == 413 ? absl::ResourceExhaustedError(what)
                                                         : absl::InvalidArgumentError(what);
      response.set_content(ErrorJson(status, response.status), kJson);
    } else {
      response.set_content(absl::StrCat(what, "\n"), "text/plain");
    }
  });
  // Counted as the response is about to be written (the logger runs after it is sent), so a
  // client that has its answer finds it counted in the next /metrics.
  server->set_post_routing_handler(
      [metrics](const httplib::Request& request, httplib::Response& response) {
        metrics->RecordHttp(KindOf(request.path), response.status);
      });

  const size_t colon = options.listen_address.rfind(':');
  const std::string host = options.listen_address.substr(0, colon);
  int port = 0;
  int wanted = -1;
  if (!absl::SimpleAtoi(options.listen_address.substr(colon + 1), &wanted)) {
    return absl::InvalidArgumentError(
        absl::StrCat("web_listen_address '", options.listen_address, "' is not host:port"));
  }
  if (wanted == 0) {
    port = server->bind_to_any_port(host);
  } else if (server->bind_to_port(host, wanted)) {
    port = wanted;
  }
  if (port <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (web_listen_address): the port is in use or the address is not local"));
  }
  auto web = std::unique_ptr<WebServer>(new WebServer(std::move(server), port));
  web->listener_ = std::thread([raw = web->server_.get()] { raw->listen_after_bind(); });
  return web;
}

WebServer::WebServer(std::unique_ptr<httplib::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

WebServer::~WebServer() { Stop(); }

void WebServer::Stop() {
  if (!listener_.joinable()) return;
  server_->stop();
  listener_.join();
}

}  // namespace cantine::web
