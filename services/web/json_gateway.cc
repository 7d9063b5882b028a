#include "services/web/json_gateway.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "cantine/v1/http.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"  // Protobuf messages on the generic stub.
#include "services/rpc/status_conversion.h"
#include "services/web/json_transcoding.h"

namespace cantine::web {
namespace {

using google::protobuf::Message;

HttpReply Error(int http_status, const absl::Status& status) {
  return {.status = http_status, .body = ErrorJson(status, http_status)};
}

HttpReply Error(const absl::Status& status) { return Error(HttpStatusOf(status.code()), status); }

// Whether `content_type` is JSON ("application/json", parameters such as charset allowed).
bool IsJson(absl::string_view content_type) {
  const absl::string_view media_type = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media_type), "application/json");
}

// A new, empty message of `type`, of its generated class.
std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

}  // namespace

JsonGateway::JsonGateway(RouteTable routes, std::shared_ptr<grpc::ChannelInterface> channel,
                         absl::Duration deadline)
    : routes_(std::move(routes)), channel_(std::move(channel)), deadline_(deadline) {}

HttpReply JsonGateway::Handle(const HttpCall& call) const {
  absl::StatusOr<RouteMatch> match = routes_.Match(call.verb, call.path);
  if (!match.ok()) {
    return Error(match.status().code() == absl::StatusCode::kFailedPrecondition ? 405 : 404,
                 match.status());
  }
  const HttpRoute& route = *match->route;
  if (!call.body.empty() && !IsJson(call.content_type)) {
    return Error(415, absl::InvalidArgumentError(
                          absl::StrCat("Content-Type: '", call.content_type,
                                       "' is not application/json, the only body this API reads")));
  }
  std::unique_ptr<Message> request = NewMessage(route.method->input_type());
  if (const absl::Status filled = FillRequest(*match, call.query, call.body, request.get());
      !filled.ok()) {
    return Error(filled);
  }

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!call.authorization.empty()) context.AddMetadata("authorization", call.authorization);
  std::unique_ptr<Message> response = NewMessage(route.method->output_type());
  grpc::TemplatedGenericStub<Message, Message> stub(channel_);
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, route.grpc_path, grpc::StubOptions(), request.get(), response.get(),
                 [&](grpc::Status result) {
                   status = std::move(result);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return Error(rpc::FromGrpcStatus(status));
  if (const auto* document = dynamic_cast<const v1::HttpBody*>(response.get())) {
    return {.status = 200, .body = document->data(), .content_type = document->content_type()};
  }
  return {.status = 200, .body = ToJson(*response)};
}

}  // namespace cantine::web
