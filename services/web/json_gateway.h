#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "services/web/route_table.h"

namespace cantine::web {

// An HTTP call of the JSON API, as the server read it.
struct HttpCall {
  std::string verb;
  std::string path;  // Decoded, without the query.
  std::vector<std::pair<std::string, std::string>> query;
  std::string content_type;   // The Content-Type header; empty when absent.
  std::string authorization;  // The Authorization header, passed on as gRPC metadata.
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string body;
  // JSON, unless the RPC answers a document (cantine.v1.HttpBody): then its type.
  std::string content_type = "application/json";
};

// The JSON API: each call translated to the RPC its route names and sent over `channel`
// to the node's own gRPC server (an in-process channel), with its Authorization header as
// the call's metadata. Every rule, check and limit of the RPC applies unchanged, and its
// status comes back mapped to HTTP: the gateway holds no rule of its own. Thread-safe.
class JsonGateway {
 public:
  JsonGateway(RouteTable routes, std::shared_ptr<grpc::ChannelInterface> channel,
              absl::Duration deadline);

  // 404 for a path no route has, 405 for a verb the path's routes lack, 415 for a body that
  // is not application/json, 400 for what the translation refuses; otherwise the RPC's
  // response as JSON (a cantine.v1.HttpBody as its data, with its content type), or its
  // status as an HTTP error with a JSON body (ErrorJson).
  HttpReply Handle(const HttpCall& call) const;

 private:
  const RouteTable routes_;
  const std::shared_ptr<grpc::ChannelInterface> channel_;
  const absl::Duration deadline_;
};

}  // namespace cantine::web
