#include "services/web/route_table.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cantine/v1/http.pb.h"
#include "storage/status_macros.h"

namespace cantine::web {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

bool IsBinding(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

absl::string_view BoundField(absl::string_view segment) {
  return segment.substr(1, segment.size() - 2);
}

// The field of `method`'s request that `field_path` names; it must be a singular string.
absl::Status CheckBindable(const MethodDescriptor& method, absl::string_view field_path) {
  const google::protobuf::Descriptor* message = method.input_type();
  const std::vector<absl::string_view> names = absl::StrSplit(field_path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = message->FindFieldByName(std::string(names[i]));
    const bool last = i + 1 == names.size();
    if (field == nullptr || field->is_repeated() ||
        (last ? field->type() != FieldDescriptor::TYPE_STRING
              : field->type() != FieldDescriptor::TYPE_MESSAGE)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the http rule of ", method.full_name(), " binds '", field_path,
                       "', which is not a singular string field of ", method.input_type()->name()));
    }
    if (!last) message = field->message_type();
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpRoute> ParseRule(const MethodDescriptor& method, const v1::HttpRule& rule) {
  HttpRoute route;
  route.method = &method;
  route.grpc_path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::string path;
  switch (rule.pattern_case()) {
    case v1::HttpRule::kGet:
      route.verb = "GET", path = rule.get();
      break;
    case v1::HttpRule::kPost:
      route.verb = "POST", path = rule.post();
      break;
    case v1::HttpRule::kPatch:
      route.verb = "PATCH", path = rule.patch();
      break;
    case v1::HttpRule::kPut:
      route.verb = "PUT", path = rule.put();
      break;
    case v1::HttpRule::kDelete:
      route.verb = "DELETE", path = rule.delete_();
      break;
    case v1::HttpRule::PATTERN_NOT_SET:
      return absl::InvalidArgumentError(
          absl::StrCat("the http rule of ", method.full_name(), " has no verb"));
  }
  if (rule.body() != "" && rule.body() != "*") {
    return absl::InvalidArgumentError(absl::StrCat("the http rule of ", method.full_name(),
                                                   " has body '", rule.body(), "': only \"*\""));
  }
  route.has_body = rule.body() == "*";
  if (!absl::StartsWith(path, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("the http path of ", method.full_name(), " does not start with '/'"));
  }
  // A ':' after the last '/' and outside braces begins the custom verb.
  const size_t last_slash = path.rfind('/');
  const size_t colon = path.find(':', last_slash);
  if (colon != std::string::npos && path.find('}', colon) == std::string::npos) {
    route.custom_verb = path.substr(colon + 1);
    path.resize(colon);
  }
  route.segments = absl::StrSplit(absl::string_view(path).substr(1), '/');
  for (const std::string& segment : route.segments) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the http path of ", method.full_name(), " has an empty segment"));
    }
    if (IsBinding(segment)) RETURN_IF_ERROR(CheckBindable(method, BoundField(segment)));
  }
  return route;
}

// `path`'s segments bound to `route`'s template, or nullopt when they do not fit it.
std::optional<std::vector<std::pair<std::string, std::string>>> Bind(
    const HttpRoute& route, const std::vector<absl::string_view>& segments,
    absl::string_view custom_verb) {
  if (segments.size() != route.segments.size() || custom_verb != route.custom_verb) {
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> bindings;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& pattern = route.segments[i];
    if (IsBinding(pattern)) {
      if (segments[i].empty()) return std::nullopt;
      bindings.emplace_back(std::string(BoundField(pattern)), std::string(segments[i]));
    } else if (segments[i] != pattern) {
      return std::nullopt;
    }
  }
  return bindings;
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::FromServices(
    absl::Span<const google::protobuf::ServiceDescriptor* const> services) {
  std::vector<HttpRoute> routes;
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor& method = *service->method(i);
      if (!method.options().HasExtension(v1::http)) continue;
      ASSIGN_OR_RETURN(HttpRoute route, ParseRule(method, method.options().GetExtension(v1::http)));
      for (const HttpRoute& other : routes) {
        // Two routes collide when a path fits both templates: same shape, literals equal
        // wherever both have one.
        bool collide = other.verb == route.verb && other.custom_verb == route.custom_verb &&
                       other.segments.size() == route.segments.size();
        for (size_t s = 0; collide && s < route.segments.size(); ++s) {
          collide = IsBinding(route.segments[s]) || IsBinding(other.segments[s]) ||
                    route.segments[s] == other.segments[s];
        }
        if (collide) {
          return absl::InvalidArgumentError(absl::StrCat("the http rules of ", method.full_name(),
                                                         " and ", other.method->full_name(),
                                                         " reach the same paths"));
        }
      }
      routes.push_back(std::move(route));
    }
  }
  return RouteTable(std::move(routes));
}

absl::StatusOr<RouteMatch> RouteTable::Match(absl::string_view verb, absl::string_view path) const {
  if (!absl::StartsWith(path, "/")) {
    return absl::NotFoundError(absl::StrCat("no route for '", path, "'"));
  }
  absl::string_view rest = path.substr(1);
  absl::string_view custom_verb;
  const size_t last_slash = rest.rfind('/');
  const size_t colon = rest.find(':', last_slash == absl::string_view::npos ? 0 : last_slash);
  if (colon != absl::string_view::npos) {
    custom_verb = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  const std::vector<absl::string_view> segments = absl::StrSplit(rest, '/');
  bool other_verb = false;
  for (const HttpRoute& route : routes_) {
    std::optional<std::vector<std::pair<std::string, std::string>>> bindings =
        Bind(route, segments, custom_verb);
    if (!bindings.has_value()) continue;
    if (route.verb != verb) {
      other_verb = true;
      continue;
    }
    return RouteMatch{.route = &route, .bindings = *std::move(bindings)};
  }
  if (other_verb) {
    return absl::FailedPreconditionError(absl::StrCat(verb, " is not a method of '", path, "'"));
  }
  return absl::NotFoundError(absl::StrCat("no route for '", path, "'"));
}

}  // namespace cantine::web
