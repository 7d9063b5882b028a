#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/calendar.grpc.pb.h"
#include "cantine/v1/event.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"

namespace cantine::cantinectl {

// The network CA's certificates (PEM) in `ca_file` (--ca or $CANTINE_CA). FAILED_PRECONDITION
// naming the file when it cannot be read or holds no PEM certificate.
absl::StatusOr<std::string> ReadCaFile(const std::string& ca_file);

// The channel to the node at `target` (host:port). The one place that picks the transport
// security: plaintext when `insecure`; else TLS trusting the CA certificates in `ca_file`
// (PEM), or the system's trusted roots when `ca_file` is empty. FAILED_PRECONDITION naming
// the file when it cannot be read. Connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeNodeChannel(const std::string& target,
                                                               bool insecure,
                                                               const std::string& ca_file);

// The node's services: gRPC's generated stubs over one channel, or its generated mocks
// (MockSiteServiceStub...) in tests. Not owned; they outlive the command.
struct NodeStubs {
  v1::SiteService::StubInterface& site;
  v1::MemberService::StubInterface& members;
  v1::BookingService::StubInterface& bookings;
  v1::EventService::StubInterface& events;
  v1::CalendarService::StubInterface& calendars;
  v1::AdminService::StubInterface& admin;
};

// "cantinectl: CODE: message", as every error is written; CODE a gRPC status code name.
std::string ErrorText(const absl::Status& status);

// Runs `invocation` against `node`. The answer goes to `out` (a table, or JSON with --json);
// an error goes to `err` as one line, "cantinectl: CODE: message". Returns the exit code
// (exit_codes.h).
int RunInvocation(const Invocation& invocation, const NodeStubs& node, std::ostream& out,
                  std::ostream& err);

// Who a command calls the node as.
enum class Caller {
  kAnyone,   // No credential.
  kManager,  // The admin credential (AdminCredential).
  kMember,   // The member's booking token, else the desk's admin credential (MemberCredential).
  kAccount,  // The member's account token, else the desk's admin credential.
};

// What a running command has at hand: the global options, the node, and the ways to print
// an answer. Errors found here, before or without a call, are marked UsageError or
// LocalFailure (exit_codes.h); a call's error is the node's or the transport's.
// Not thread-safe.
class Console {
 public:
  Console(const GlobalOptions& options, const NodeStubs& node, std::ostream& out, std::ostream& err)
      : options_(options), node_(node), out_(out), err_(err) {}

  const GlobalOptions& options() const { return options_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // One call of `method` on the node's stub of its service, with the deadline of --timeout;
  // `bearer_token`, when not null, presented as the call's bearer token.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request, const std::string* bearer_token = nullptr) {
    Stub& stub = std::get<Stub&>(std::tie(node_.site, node_.members, node_.bookings, node_.events,
                                          node_.calendars, node_.admin));
    grpc::ClientContext context;
    PrepareCall(context, bearer_token);
    Response response;
    if (const grpc::Status status = (stub.*method)(&context, request, &response); !status.ok()) {
      return FromCallStatus(status);
    }
    return response;
  }
  // One page of the listing `method`, as Call; with `all_pages`, every page, the next asked
  // with the previous one's next_page_token, gathered into one answer, which then has no
  // next_page_token. The first failed call's status; INTERNAL when the node hands out the
  // same token twice.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> CallPages(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                                     Request request, bool all_pages,
                                     const std::string* bearer_token = nullptr) {
    Response listed;
    while (true) {
      ASSIGN_OR_RETURN(const Response page, Call(method, request, bearer_token));
      listed.MergeFrom(page);  // Appends the page's items.
      listed.set_next_page_token(page.next_page_token());
      if (!all_pages || page.next_page_token().empty()) return listed;
      if (page.next_page_token() == request.page_token()) {
        return absl::InternalError("the node returned the same next_page_token twice");
      }
      request.set_page_token(page.next_page_token());
    }
  }
  absl::StatusOr<v1::Site> GetSite();

  // Prints `answer` as JSON, or the table `format` makes of it; or returns `answer`'s error.
  // A table `format(answer, site)` that needs the site (room block, time zone) gets `site`,
  // fetched when that is nullopt, and only for a table.
  template <typename Message, typename Format>
  absl::Status Print(const absl::StatusOr<Message>& answer, Format format,
                     std::optional<v1::Site> site = std::nullopt) {
    RETURN_IF_ERROR(answer.status());
    if (options_.json) return PrintJson(*answer);
    if constexpr (std::is_invocable_v<Format, const Message&, const v1::Site&>) {
      if (!site.has_value()) {
        ASSIGN_OR_RETURN(site, GetSite());
      }
      out_ << format(*answer, *site);
    } else {
      out_ << format(*answer);
    }
    return absl::OkStatus();
  }
  absl::Status PrintJson(const google::protobuf::Message& message);

  // The site, for a table that needs it (room block, time zone); nullopt with --json.
  // Fetched before a write, so that a write that succeeds is never reported as failed.
  absl::StatusOr<std::optional<v1::Site>> SiteForTable();

  // The admin credential; a usage error when none is configured or it cannot be read.
  absl::StatusOr<std::string> AdminCredential() const;

  // The bearer token of a member or booking command.
  struct Credential {
    std::string value;
    // The admin credential (the site's desk), not a member token.
    bool desk = false;
  };
  // The member token `caller` (kMember: the booking token; kAccount: the account token) in
  // the token file, if there is one and --as_desk is not given; else the admin credential,
  // if one is configured. A usage error when there is neither, or when the one to present
  // cannot be read.
  absl::StatusOr<Credential> MemberCredential(Caller caller = Caller::kMember) const;
  // What `caller` presents: nothing (empty) for kAnyone, else as above.
  absl::StatusOr<std::string> CredentialOf(Caller caller) const;

 private:
  // Gives `context` its deadline and, when not null, `bearer_token`.
  void PrepareCall(grpc::ClientContext& context, const std::string* bearer_token) const;
  // A failed call's status in absl terms, with a hint on what to change when the connection
  // failed on transport security (an untrusted node certificate, or a plaintext client
  // refused by a TLS node).
  static absl::Status FromCallStatus(const grpc::Status& status);

  const GlobalOptions& options_;
  const NodeStubs& node_;
  std::ostream& out_;
  std::ostream& err_;
};

// The admin credential: the first line of `path`, without surrounding whitespace. A usage
// error, FAILED_PRECONDITION naming the file, when it cannot be read or that line is empty.
absl::StatusOr<std::string> ReadAdminCredential(const std::string& path);

// `credential` as a call's bearer token; none when it is empty (an anonymous call).
inline const std::string* BearerOrNone(const std::string& credential) {
  return credential.empty() ? nullptr : &credential;
}

// The Action of a command that makes one call, of `method` with `request` as `caller`, and
// prints its answer with `format` (Console::Print); a listing gives every page with
// `all_pages` (Console::CallPages). A call that presents a credential may write: the site a
// table needs is then fetched before it, so that a write that succeeds is never reported as
// failed.
template <typename Method, typename Request, typename Format>
Action Send(Caller caller, Method method, Request request, Format format, bool all_pages = false) {
  return [=](Console& console) -> absl::Status {
    ASSIGN_OR_RETURN(const std::string credential, console.CredentialOf(caller));
    using Response = typename decltype(console.Call(method, request))::value_type;
    std::optional<v1::Site> site;
    if constexpr (std::is_invocable_v<Format, const Response&, const v1::Site&>) {
      if (caller != Caller::kAnyone) {
        ASSIGN_OR_RETURN(site, console.SiteForTable());
      }
    }
    if constexpr (requires { request.page_token(); }) {
      return console.Print(console.CallPages(method, request, all_pages, BearerOrNone(credential)),
                           format, site);
    } else {
      return console.Print(console.Call(method, request, BearerOrNone(credential)), format, site);
    }
  };
}

// The `read` of a command whose one argument is an id: a `Request` with that id in the field
// `id` points to, sent as Send does.
template <typename Request, typename Method, typename Format>
Reader SendWithId(std::string* (Request::*id)(), Caller caller, Method method, Format format) {
  return ReadIdArgument(
      id, [=](Request request) { return Send(caller, method, std::move(request), format); });
}

}  // namespace cantine::cantinectl
