#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "services/web/route_table.h"

namespace cantine::web {

// Protobuf's JSON mapping between an HTTP call and a request or response message: the
// translation, and nothing else (the RPC behind checks every field as it does for gRPC).

// Fills `request` (of the route's input type, empty) from what the HTTP call carries: the
// JSON body when the route takes one, then the path's bindings, then, for a route without
// a body, the query parameters (named by field path: "first_day.year=2026"; a repeated
// field takes one parameter per value). INVALID_ARGUMENT naming the field or parameter for
// malformed JSON, an unknown field or parameter, or a value that is not of its field's
// type; a body given to a route that takes none.
absl::Status FillRequest(const RouteMatch& match,
                         const std::vector<std::pair<std::string, std::string>>& query,
                         absl::string_view body, google::protobuf::Message* request);

// `message` in protobuf's JSON mapping (lowerCamelCase names, enums by name, 64-bit
// integers as strings).
std::string ToJson(const google::protobuf::Message& message);

// The HTTP status of an RPC's status code, as google.api.http gateways map them.
int HttpStatusOf(absl::StatusCode code);

// The JSON error body of `status` answered with `http_status`: {"error": {"code": 404,
// "status": "NOT_FOUND", "message": "..."}}, as Google's JSON APIs write it.
std::string ErrorJson(const absl::Status& status, int http_status);

}  // namespace cantine::web
