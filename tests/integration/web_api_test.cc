// The web port of a node: the JSON API answers every call as the gRPC API does (the same
// spoiled requests as the gRPC sweep, sent both ways, get the same status), bad HTTP input
// gets a clear 4xx and writes nothing, /metrics counts the calls and shows the tables, and
// the web app's files are served without a way out of their folder.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "services/node/node.h"
#include "services/rpc/proto_time.h"
#include "services/web/json_transcoding.h"
#include "services/web/route_table.h"
#include "storage/clock.h"
#include "tests/support/desk_calls.h"
#include "tests/support/rpc_client.h"
#include "tests/support/spoiled_request.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/weekdays.h"

namespace cantine::node {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::testing::HasSubstr;

constexpr char kAdminSecret[] = "web-admin-credential-0123456789";

const char* const kPublicServices[] = {"cantine.v1.AdminService",    "cantine.v1.BookingService",
                                       "cantine.v1.CalendarService", "cantine.v1.EventService",
                                       "cantine.v1.MemberService",   "cantine.v1.SiteService"};

// Percent-encodes every byte but the unreserved ones (RFC 3986).
std::string PercentEncoded(const std::string& text) {
  std::string encoded;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char escape[4];
      std::snprintf(escape, sizeof(escape), "%%%02X", c);
      encoded += escape;
    }
  }
  return encoded;
}

// The query parameters that carry the set fields of `message`, named by field path.
void AppendQuery(const Message& message, const std::string& prefix,
                 const std::vector<std::string>& bound, std::vector<std::string>& query) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = prefix + field->name();
    if (std::find(bound.begin(), bound.end(), name) != bound.end()) continue;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      ASSERT_FALSE(field->is_repeated()) << name << ": not sent as query parameters";
      AppendQuery(message.GetReflection()->GetMessage(message, field), name + ".", bound, query);
      continue;
    }
    const int count = field->is_repeated() ? message.GetReflection()->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      std::string value;
      google::protobuf::TextFormat::PrintFieldValueToString(message, field,
                                                            field->is_repeated() ? i : -1, &value);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        value = field->is_repeated() ? message.GetReflection()->GetRepeatedString(message, field, i)
                                     : message.GetReflection()->GetString(message, field);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        const int number = field->is_repeated()
                               ? message.GetReflection()->GetRepeatedEnumValue(message, field, i)
                               : message.GetReflection()->GetEnumValue(message, field);
        const auto* named = field->enum_type()->FindValueByNumber(number);
        value = named == nullptr ? absl::StrCat(number) : named->name();
      }
      query.push_back(absl::StrCat(name, "=", PercentEncoded(value)));
    }
  }
}

struct HttpRequest {
  std::string target;  // Path and query.
  std::string body;
};

// The HTTP call that carries `request` to `route`, or nullopt when JSON cannot express it
// (a Timestamp out of its range). A field the path binds gets a value a path can hold first
// (in `request` too, so that both APIs are sent the same).
std::optional<HttpRequest> ToHttp(const web::HttpRoute& route, Message& request) {
  std::vector<std::string> segments;
  std::vector<std::string> bound;
  for (const std::string& segment : route.segments) {
    if (segment.front() != '{') {
      segments.push_back(segment);
      continue;
    }
    const std::string field_name = segment.substr(1, segment.size() - 2);
    const FieldDescriptor* field = request.GetDescriptor()->FindFieldByName(field_name);
    std::string value = request.GetReflection()->GetString(request, field);
    if (value.empty() || value.find('/') != std::string::npos) {
      value = "no-such-thing";
      request.GetReflection()->SetString(&request, field, value);
    }
    segments.push_back(PercentEncoded(value));
    bound.push_back(field_name);
  }
  HttpRequest http{.target = absl::StrCat("/", absl::StrJoin(segments, "/")), .body = ""};
  if (!route.custom_verb.empty()) absl::StrAppend(&http.target, ":", route.custom_verb);
  if (route.has_body) {
    if (!google::protobuf::util::MessageToJsonString(request, &http.body).ok()) return std::nullopt;
  } else {
    std::vector<std::string> query;
    AppendQuery(request, "", bound, query);
    if (!query.empty()) absl::StrAppend(&http.target, "?", absl::StrJoin(query, "&"));
  }
  return http;
}

class WebApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(static_dir_.path() + "/index.html") << "<!doctype html><title>Cantine</title>";
    NodeOptions options = testing::ParisNodeOptions(dir_, kAdminSecret);
    options.web_listen_address = "127.0.0.1:0";
    options.web_static_dir = static_dir_.path();
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(options, &clock_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    channel_ = testing::LoopbackChannel(node_->port());
    http_ = std::make_unique<httplib::Client>("127.0.0.1", node_->web_port());
    http_->set_url_encode(false);
    http_->set_read_timeout(30);

    auto members = v1::MemberService::NewStub(channel_);
    absl::StatusOr<v1::Member> ada =
        testing::RegisterByDesk(*members, kAdminSecret, "Ada Lovelace", "ada@example.org");
    ASSERT_TRUE(ada.ok()) << ada.status();
    ada_ = *ada;
    v1::IssueTokenRequest issue;
    issue.set_member_id(ada_.member_id());
    v1::IssueTokenResponse token;
    ASSERT_TRUE(members->IssueToken(testing::Context(kAdminSecret).get(), issue, &token).ok());
    token_ = token.token();
  }

  httplib::Result Send(const std::string& verb, const std::string& target, const std::string& body,
                       const std::string& bearer,
                       const std::string& content_type = "application/json") {
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", absl::StrCat("Bearer ", bearer));
    if (verb == "GET") return http_->Get(target.c_str(), headers);
    if (verb == "DELETE") return http_->Delete(target.c_str(), headers, body, content_type.c_str());
    if (verb == "PATCH") return http_->Patch(target.c_str(), headers, body, content_type.c_str());
    if (verb == "PUT") return http_->Put(target.c_str(), headers, body, content_type.c_str());
    return http_->Post(target.c_str(), headers, body, content_type.c_str());
  }

  grpc::Status CallGrpc(const std::string& grpc_path, const Message& request,
                        const std::string& bearer) {
    grpc::GenericStub stub(channel_);
    std::unique_ptr<grpc::ClientContext> context = testing::Context(bearer);
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request_buffer(&slice, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status status;
    stub.UnaryCall(context.get(), grpc_path, grpc::StubOptions(), &request_buffer, &response,
                   [&](grpc::Status answered) {
                     status = std::move(answered);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status;
  }

  // The "status" of a JSON error body ("NOT_FOUND"), or "OK" for any other body.
  static std::string ErrorStatusOf(const std::string& body) {
    google::protobuf::Struct json;
    if (!google::protobuf::util::JsonStringToMessage(body, &json).ok()) return "not JSON";
    const auto error = json.fields().find("error");
    if (error == json.fields().end()) return "OK";
    return error->second.struct_value().fields().at("status").string_value();
  }

  std::string Digest() {
    absl::StatusOr<std::string> digest = node_->StateDigest();
    EXPECT_TRUE(digest.ok()) << digest.status();
    return digest.value_or("");
  }

  testing::TempDir dir_;
  testing::TempDir static_dir_;
  storage::SystemClock clock_;
  std::unique_ptr<Node> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<httplib::Client> http_;
  v1::Member ada_;
  std::string token_;
};

TEST_F(WebApiTest, TheJsonApiAnswersEveryRouteAsTheGrpcApiDoes) {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const char* name : kPublicServices) {
    services.push_back(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name));
  }
  absl::StatusOr<web::RouteTable> routes = web::RouteTable::FromServices(services);
  ASSERT_TRUE(routes.ok()) << routes.status();
  const std::string before = Digest();
  int compared = 0;
  int inexpressible = 0;
  for (const web::HttpRoute& route : routes->routes()) {
    const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
        route.method->input_type());
    for (const testing::Spoil spoil :
         {testing::Spoil::kNegative, testing::Spoil::kHuge, testing::Spoil::kUnknownEnums}) {
      std::unique_ptr<Message> request(prototype->New());
      testing::SpoilFields(*request, spoil);
      const std::optional<HttpRequest> http = ToHttp(route, *request);
      if (!http.has_value()) {
        ++inexpressible;
        continue;
      }
      for (const std::string& bearer : {std::string(), std::string(kAdminSecret), token_}) {
        const grpc::Status grpc_status = CallGrpc(route.grpc_path, *request, bearer);
        const httplib::Result answer = Send(route.verb, http->target, http->body, bearer);
        ASSERT_TRUE(answer) << route.verb << " " << http->target;
        const auto code = static_cast<absl::StatusCode>(grpc_status.error_code());
        const std::string call = absl::StrCat(route.verb, " ", http->target, " ", http->body,
                                              bearer.empty() ? "" : " with a credential");
        // A body too large for the port is 413 (both refuse it, RESOURCE_EXHAUSTED).
        const bool too_large = http->body.size() > 64 * 1024;
        EXPECT_EQ(answer->status, too_large ? 413 : web::HttpStatusOf(code))
            << call << ": gRPC " << grpc_status.error_message() << "; HTTP " << answer->body;
        EXPECT_EQ(ErrorStatusOf(answer->body), absl::StatusCodeToString(code))
            << call << ": gRPC " << grpc_status.error_message() << "; HTTP " << answer->body;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 250);
  EXPECT_LT(inexpressible, compared / 4);
  EXPECT_EQ(Digest(), before) << "a spoiled request changed the node's state";
}

TEST_F(WebApiTest, ABookingMadeOverJsonIsTheGrpcBookingAndARetryMakesNoOther) {
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
  v1::CreateBookingRequest booking;
  booking.set_space_id("coworking");
  *booking.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *booking.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  booking.set_seats(1);
  booking.set_idempotency_key("web-retry");
  std::string body;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(booking, &body).ok());

  const httplib::Result first = Send("POST", "/v1/bookings", body, token_);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  v1::Booking made;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(first->body, &made).ok()) << first->body;
  EXPECT_EQ(made.member_id(), ada_.member_id());
  const httplib::Result retry = Send("POST", "/v1/bookings", body, token_);
  ASSERT_TRUE(retry);
  ASSERT_EQ(retry->status, 200) << retry->body;
  v1::Booking again;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(retry->body, &again).ok());
  EXPECT_EQ(again.booking_id(), made.booking_id());

  v1::GetBookingRequest get;
  get.set_booking_id(made.booking_id());
  v1::Booking stored;
  ASSERT_TRUE(v1::BookingService::NewStub(channel_)
                  ->GetBooking(testing::Context(token_).get(), get, &stored)
                  .ok());
  EXPECT_EQ(stored.booking_id(), made.booking_id());
  EXPECT_EQ(stored.state(), v1::BOOKING_STATE_CONFIRMED);

  // Another member's token, or none, does not read it.
  const httplib::Result anonymous =
      Send("GET", absl::StrCat("/v1/bookings/", made.booking_id()), "", "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;

  const httplib::Result cancelled =
      Send("POST", absl::StrCat("/v1/bookings/", made.booking_id(), ":cancel"), "{}", token_);
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_THAT(cancelled->body, HasSubstr("BOOKING_STATE_CANCELLED"));
}

TEST_F(WebApiTest, AMemberSignsInWithThePasswordTheDeskSetAndTheTokenBooks) {
  const std::string set_password = absl::StrCat("/v1/members/", ada_.member_id(), ":setPassword");
  const httplib::Result by_nobody =
      Send("POST", set_password, R"({"password": "lovelace-1815"})", "");
  ASSERT_TRUE(by_nobody);
  EXPECT_EQ(by_nobody->status, 401) << by_nobody->body;
  const httplib::Result too_short = Send("POST", set_password, R"({"password": "ada"})", token_);
  ASSERT_TRUE(too_short);
  EXPECT_EQ(too_short->status, 400) << too_short->body;
  EXPECT_THAT(too_short->body, HasSubstr("password"));
  const httplib::Result set =
      Send("POST", set_password, R"({"password": "lovelace-1815"})", kAdminSecret);
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;

  const auto sign_in = [&](const std::string& email, const std::string& password) {
    return Send("POST", "/v1/signIn",
                absl::StrCat(R"({"email": ")", email, R"(", "password": ")", password, R"("})"),
                "");
  };
  const httplib::Result wrong = sign_in("ada@example.org", "lovelace-1816");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  const httplib::Result unknown = sign_in("nobody@example.org", "lovelace-1815");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  // Nothing tells an unknown email from a wrong password.
  EXPECT_EQ(unknown->body, wrong->body);

  const httplib::Result signed_in = sign_in("ADA@example.org", "lovelace-1815");
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 200) << signed_in->body;
  v1::SignInResponse session;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(signed_in->body, &session).ok());
  EXPECT_EQ(session.member_id(), ada_.member_id());
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(1);
  v1::CreateBookingRequest booking;
  booking.set_space_id("coworking");
  *booking.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *booking.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  booking.set_seats(1);
  booking.set_idempotency_key("signed-in");
  std::string body;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(booking, &body).ok());
  const httplib::Result booked = Send("POST", "/v1/bookings", body, session.token());
  ASSERT_TRUE(booked);
  EXPECT_EQ(booked->status, 200) << booked->body;

  // Five attempts a minute for one email: the sixth is refused before any hashing.
  int attempts = 2;
  httplib::Result refused = sign_in("ada@example.org", "guess-guess-guess");
  for (++attempts; refused && refused->status == 401 && attempts < 10; ++attempts) {
    refused = sign_in("ada@example.org", "guess-guess-guess");
  }
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_EQ(attempts, 6);
  EXPECT_THAT(refused->body, HasSubstr("sign-in attempts"));
}

TEST_F(WebApiTest, BadHttpInputGetsAClear4xxAndWritesNothing) {
  const std::string before = Digest();
  struct Case {
    std::string what, verb, target, body, content_type;
    int status;
    std::string names;  // What the answer must name.
  };
  const std::vector<Case> cases = {
      {"malformed JSON", "POST", "/v1/bookings", "{\"spaceId\": ", "application/json", 400, "body"},
      {"an unknown field", "POST", "/v1/bookings", "{\"spaceId\": \"coworking\", \"price\": 1}",
       "application/json", 400, "price"},
      {"a value of the wrong type", "POST", "/v1/bookings", "{\"seats\": \"many\"}",
       "application/json", 400, "seats"},
      {"a body not JSON", "POST", "/v1/bookings", "space_id=coworking",
       "application/x-www-form-urlencoded", 415, "application/json"},
      {"an oversized body", "POST", "/v1/bookings",
       absl::StrCat("{\"spaceId\": \"", std::string(100'000, 'x'), "\"}"), "application/json", 413,
       ""},
      {"an unknown query parameter", "GET", "/v1/events?colour=red", "", "", 400, "colour"},
      {"a query parameter of the wrong type", "GET", "/v1/events?page_size=ten", "", "", 400,
       "page_size"},
      {"a body on a route that takes none", "DELETE",
       absl::StrCat("/v1/members/", ada_.member_id()), "{}", "application/json", 400,
       "takes no body"},
      {"an unknown route", "GET", "/v1/nothing-here", "", "", 404, "/v1/nothing-here"},
      {"a verb the route lacks", "DELETE", "/v1/bookings", "", "", 405, "DELETE"},
      {"a path out of the web folder", "GET", "/../../etc/passwd", "", "", 400, ".."},
      {"an encoded path out of the web folder", "GET", "/%2e%2e/%2e%2e/etc/passwd", "", "", 400,
       ".."},
      {"a missing file", "GET", "/no-such-page.html", "", "", 404, ""},
  };
  for (const Case& c : cases) {
    const httplib::Result answer = Send(c.verb, c.target, c.body, token_, c.content_type);
    ASSERT_TRUE(answer) << c.what;
    EXPECT_EQ(answer->status, c.status) << c.what << ": " << answer->body;
    EXPECT_THAT(answer->body, HasSubstr(c.names)) << c.what;
  }
  EXPECT_EQ(Digest(), before) << "bad HTTP input changed the node's state";
}

TEST_F(WebApiTest, MetricsCountCallsByMethodAndShowEveryTable) {
  v1::Site site;
  ASSERT_TRUE(v1::SiteService::NewStub(channel_)
                  ->GetSite(testing::Context().get(), v1::GetSiteRequest(), &site)
                  .ok());
  const httplib::Result over_json = Send("GET", "/v1/site", "", "");
  ASSERT_TRUE(over_json);
  EXPECT_EQ(over_json->status, 200);

  const httplib::Result metrics = Send("GET", "/metrics", "", "");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  // Both calls, the one over gRPC and the one the JSON API made.
  EXPECT_THAT(metrics->body,
              HasSubstr("cantine_rpc_requests_total{code=\"OK\",method=\"/cantine.v1.SiteService/"
                        "GetSite\"} 2"));
  EXPECT_THAT(metrics->body, HasSubstr("cantine_rpc_duration_seconds_count{method=\"/"
                                       "cantine.v1.SiteService/GetSite\"} 2"));
  EXPECT_THAT(metrics->body, HasSubstr("cantine_rocksdb_estimated_keys{table=\"members\"}"));
  EXPECT_THAT(metrics->body, HasSubstr("cantine_rocksdb_table_reader_bytes{table=\"members\"}"));
  EXPECT_THAT(metrics->body, HasSubstr("cantine_http_requests_total{kind=\"api\",status=\"200\"}"));
}

TEST_F(WebApiTest, TheWebAppIsServedFromItsFolder) {
  const httplib::Result index = Send("GET", "/", "", "");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("<title>Cantine</title>"));
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(index->get_header_value("Content-Security-Policy"), HasSubstr("default-src 'self'"));
}

}  // namespace
}  // namespace cantine::node
