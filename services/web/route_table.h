#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/descriptor.h"

namespace cantine::web {

// One RPC as HTTP reaches it: its (cantine.v1.http) rule, parsed.
struct HttpRoute {
  std::string verb;  // "GET", "POST", "PATCH", "PUT" or "DELETE".
  // The template's segments after "/": a literal, or "{field.path}" binding a field of the
  // request.
  std::vector<std::string> segments;
  std::string custom_verb;  // What follows ':' at the end ("cancel" in "/v1/x/{id}:cancel").
  bool has_body = false;    // body: "*".
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;  // "/cantine.v1.BookingService/CreateBooking".
};

// What a request path reaches.
struct RouteMatch {
  const HttpRoute* route = nullptr;
  // Each {field} of the template with the path's segment at its place, in order.
  std::vector<std::pair<std::string, std::string>> bindings;
};

// The routes of the public API, read from the services' descriptors: the proto is the one
// place a route is written. Immutable once built; thread-safe.
class RouteTable {
 public:
  // The routes of every method of `services` with a (cantine.v1.http) rule. INVALID_ARGUMENT
  // naming the method when a template is malformed, binds a field the request lacks or one
  // that is not a singular string, or is reached by another route too.
  static absl::StatusOr<RouteTable> FromServices(
      absl::Span<const google::protobuf::ServiceDescriptor* const> services);

  // The route `verb` `path` reaches. NOT_FOUND when no route has the path;
  // FAILED_PRECONDITION when routes have it but none with this verb (HTTP 405).
  absl::StatusOr<RouteMatch> Match(absl::string_view verb, absl::string_view path) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  explicit RouteTable(std::vector<HttpRoute> routes) : routes_(std::move(routes)) {}

  std::vector<HttpRoute> routes_;
};

}  // namespace cantine::web
