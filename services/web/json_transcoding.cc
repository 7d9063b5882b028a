#include "services/web/json_transcoding.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cantine/v1/http.pb.h"
#include "google/protobuf/util/json_util.h"
#include "storage/status_macros.h"

namespace cantine::web {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status BadValue(absl::string_view name, absl::string_view value, absl::string_view type) {
  return absl::InvalidArgumentError(absl::StrCat("'", name, "': '", value, "' is not ", type));
}

// Sets (or, when repeated, adds to) the scalar field `field` of `message` from its text.
absl::Status SetScalar(absl::string_view name, absl::string_view value,
                       const FieldDescriptor& field, Message* message) {
  const Reflection& reflection = *message->GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", name, "' is bytes: give it in a JSON body"));
      }
      repeated ? reflection.AddString(message, &field, std::string(value))
               : reflection.SetString(message, &field, std::string(value));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t number;
      if (!absl::SimpleAtoi(value, &number)) return BadValue(name, value, "a 32-bit integer");
      repeated ? reflection.AddInt32(message, &field, number)
               : reflection.SetInt32(message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t number;
      if (!absl::SimpleAtoi(value, &number)) return BadValue(name, value, "a 64-bit integer");
      repeated ? reflection.AddInt64(message, &field, number)
               : reflection.SetInt64(message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t number;
      if (!absl::SimpleAtoi(value, &number)) return BadValue(name, value, "an unsigned integer");
      repeated ? reflection.AddUInt32(message, &field, number)
               : reflection.SetUInt32(message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t number;
      if (!absl::SimpleAtoi(value, &number)) return BadValue(name, value, "an unsigned integer");
      repeated ? reflection.AddUInt64(message, &field, number)
               : reflection.SetUInt64(message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool flag;
      if (!absl::SimpleAtob(value, &flag)) return BadValue(name, value, "true or false");
      repeated ? reflection.AddBool(message, &field, flag)
               : reflection.SetBool(message, &field, flag);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // By name, or by number as protobuf's JSON mapping takes it too.
      const google::protobuf::EnumValueDescriptor* named =
          field.enum_type()->FindValueByName(std::string(value));
      int number;
      if (named != nullptr) {
        number = named->number();
      } else if (!absl::SimpleAtoi(value, &number)) {
        return BadValue(name, value, absl::StrCat("a value of ", field.enum_type()->name()));
      }
      repeated ? reflection.AddEnumValue(message, &field, number)
               : reflection.SetEnumValue(message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", name, "' cannot be given as a parameter: give it in a JSON body"));
}

// Sets the field `path` ("first_day.year") names in `message` from `value`.
absl::Status SetByPath(absl::string_view path, absl::string_view value, Message* message) {
  const std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  Message* at = message;
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = at->GetDescriptor()->FindFieldByName(std::string(names[i]));
    // The JSON name (lowerCamelCase) is accepted too, as in a body.
    for (int f = 0; field == nullptr && f < at->GetDescriptor()->field_count(); ++f) {
      if (at->GetDescriptor()->field(f)->json_name() == names[i]) {
        field = at->GetDescriptor()->field(f);
      }
    }
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("'", path, "': ", at->GetDescriptor()->name(),
                                                     " has no field '", names[i], "'"));
    }
    if (i + 1 == names.size()) return SetScalar(path, value, *field, at);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", path, "': '", names[i], "' has no fields"));
    }
    at = at->GetReflection()->MutableMessage(at, field);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillRequest(const RouteMatch& match,
                         const std::vector<std::pair<std::string, std::string>>& query,
                         absl::string_view body, Message* request) {
  const HttpRoute& route = *match.route;
  if (route.has_body) {
    if (!body.empty()) {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      const auto parsed = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(body.data(), body.size()), request, options);
      if (!parsed.ok()) {
        const auto message = parsed.message();
        return absl::InvalidArgumentError(
            absl::StrCat("body: not a JSON ", request->GetDescriptor()->name(), ": ",
                         absl::string_view(message.data(), message.size())));
      }
    }
  } else if (!body.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(route.verb, " ", route.grpc_path,
                                                   " takes no body: give its fields as query "
                                                   "parameters"));
  }
  for (const auto& [field, value] : match.bindings)
    RETURN_IF_ERROR(SetByPath(field, value, request));
  if (route.has_body && !query.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("query parameter '", query.front().first,
                                                   "': this route takes its fields in the body"));
  }
  for (const auto& [name, value] : query) RETURN_IF_ERROR(SetByPath(name, value, request));
  return absl::OkStatus();
}

std::string ToJson(const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  // Zero counts and false flags are shown: a page reads "seatsFree": 0, not nothing.
  options.always_print_primitive_fields = true;
  // Cannot fail for a message of a generated type.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    default:
      return 500;
  }
}

std::string ErrorJson(const absl::Status& status, int http_status) {
  v1::HttpErrorBody body;
  body.mutable_error()->set_code(http_status);
  body.mutable_error()->set_status(absl::StatusCodeToString(status.code()));
  body.mutable_error()->set_message(std::string(status.message()));
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(body, &json);
  return json;
}

}  // namespace cantine::web
