// The member commands: registration, profiles, erasure.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"
#include "tools/cantinectl/output.h"
#include "tools/cantinectl/token_file.h"

namespace cantine::cantinectl {
namespace {

using MemberStub = v1::MemberService::StubInterface;

// --show "bio,city": the profile fields a member shows network-wide; "" is none.
absl::StatusOr<std::vector<v1::ProfileField>> ParseShown(absl::string_view text) {
  std::vector<v1::ProfileField> fields;
  for (const std::string& name : ParseList(text)) {
    // The field's name in its enum, as FormatMember prints it.
    v1::ProfileField field = v1::PROFILE_FIELD_UNSPECIFIED;
    if (!v1::ProfileField_Parse(absl::StrCat("PROFILE_FIELD_", absl::AsciiStrToUpper(name)),
                                &field) ||
        field == v1::PROFILE_FIELD_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("--show '", name,
                       "' is not a field a member may show: list some of bio, skills, city, links, "
                       "attendance (the name "
                       "is always shown, the email never)"));
    }
    fields.push_back(field);
  }
  return fields;
}

// Without the admin credential, a registration request: the node answers it pending, the
// same whether or not the email is taken, and the site's desk completes it. With it, the
// desk registers the member; given --email alone, it completes the request made with it.
absl::StatusOr<Action> ReadRegister(CommandLine& line) {
  const std::optional<std::string> name = line.Take("name");
  const std::optional<std::string> email = line.Take("email");
  if (!email.has_value()) {
    return absl::InvalidArgumentError(
        name.has_value() ? "member register needs --email"
                         : "member register needs --name, --email (the desk completing a "
                           "registration request gives --email alone)");
  }
  v1::RegisterMemberRequest request;
  request.set_display_name(name.value_or(""));
  request.set_email(*email);
  request.set_bio(line.Take("bio").value_or(""));
  for (std::string& skill : line.TakeAll("skill")) request.add_skills(std::move(skill));
  request.set_city(line.Take("city").value_or(""));
  for (std::string& link : line.TakeAll("link")) request.add_links(std::move(link));
  if (std::optional<std::string> show = line.Take("show"); show.has_value()) {
    ASSIGN_OR_RETURN(std::vector<v1::ProfileField> shown, ParseShown(*show));
    for (v1::ProfileField field : shown) request.add_network_visible_fields(field);
  }
  return [request](Console& console) -> absl::Status {
    std::string credential;
    if (!console.options().admin_credential_file.empty()) {
      ASSIGN_OR_RETURN(credential, ReadAdminCredential(console.options().admin_credential_file));
    } else if (request.display_name().empty()) {
      return UsageError(absl::InvalidArgumentError(
          "member register needs --name: only the desk (--admin_credential_file) completes a "
          "registration request with --email alone"));
    }
    ASSIGN_OR_RETURN(const std::optional<v1::Site> site, console.SiteForTable());
    return console.Print(
        console.Call(&MemberStub::RegisterMember, request, BearerOrNone(credential)), FormatMember,
        site);
  };
}

// Logged in (or as the desk), at the home site, the whole profile; else what it shows.
Action GetMember(v1::GetMemberRequest request) {
  return [request](Console& console) -> absl::Status {
    const GlobalOptions& options = console.options();
    std::string credential;
    const bool logged_in = !options.token_file.empty() &&
                           ReadTokenFile(options.token_file).value_or(std::nullopt).has_value();
    if (options.as_desk || logged_in || !options.admin_credential_file.empty()) {
      ASSIGN_OR_RETURN(credential, console.CredentialOf(Caller::kAccount));
    }
    return console.Print(console.Call(&MemberStub::GetMember, request, BearerOrNone(credential)),
                         FormatMember);
  };
}

// A member changes or erases its own profile, or revokes its tokens, with its account
// token; the desk any of its members'.
absl::StatusOr<Action> ReadUpdate(CommandLine& line) {
  v1::UpdateMemberRequest request;
  request.set_member_id(line.arguments()[0]);
  bool any = false;
  // Sets the string field `flag` when given.
  const auto set = [&](absl::string_view flag,
                       void (v1::UpdateMemberRequest::*setter)(const std::string&)) {
    if (std::optional<std::string> value = line.Take(flag); value.has_value()) {
      (request.*setter)(*value);
      any = true;
    }
  };
  set("name", &v1::UpdateMemberRequest::set_display_name);
  set("email", &v1::UpdateMemberRequest::set_email);
  set("bio", &v1::UpdateMemberRequest::set_bio);
  set("city", &v1::UpdateMemberRequest::set_city);
  request.set_revoke_tokens(line.TakeBool("revoke-tokens"));
  // Replaces the list `flag` when given; an empty list clears it.
  const auto set_list = [&](absl::string_view flag, auto mutable_list) {
    if (std::optional<std::string> values = line.Take(flag); values.has_value()) {
      auto* list = (request.*mutable_list)();
      for (std::string& value : ParseList(*values)) list->add_values(std::move(value));
      any = true;
    }
  };
  set_list("skills", &v1::UpdateMemberRequest::mutable_skills);
  set_list("links", &v1::UpdateMemberRequest::mutable_links);
  if (std::optional<std::string> show = line.Take("show"); show.has_value()) {
    ASSIGN_OR_RETURN(std::vector<v1::ProfileField> shown, ParseShown(*show));
    v1::ProfileFieldList* fields = request.mutable_network_visible_fields();
    for (v1::ProfileField field : shown) fields->add_fields(field);
    any = true;
  }
  RETURN_IF_ERROR(
      RequireAnyOf(any || request.revoke_tokens(), "member update",
                   "--name, --email, --bio, --skills, --city, --links, --show, --revoke-tokens"));
  return Send(Caller::kAccount, &MemberStub::UpdateMember, std::move(request), FormatMember);
}

}  // namespace

void AddMemberCommands(CommandTable& table) {
  table.Add(
      {.words = "member register",
       .help =
           R"(  member register --name NAME --email EMAIL [--bio TEXT] [--skill SKILL]... [--city CITY]
                  [--link URL]... [--show FIELD,FIELD]
                    With the admin credential, the desk registers a member at this site
                    and prints it, with its new id. Without it, asks to register: the
                    node answers "pending" (the same whether or not the email is taken),
                    and the site's desk completes the request and gives the member its
                    id and token. --show lists the fields shown at every site, among
                    bio, skills, city, links and attendance (event hosts may list the
                    member among those going); the others stay at the home site, as
                    does the email. The name is always shown. --skill and --link may be
                    repeated (links are http:// or https:// URLs).
  member register --email EMAIL
                    The desk (admin credential) completes the registration request made
                    with EMAIL, and prints the member with its new id.
)",
       .flags = {"name",
                 "email",
                 "bio",
                 {"skill", FlagKind::kRepeated},
                 "city",
                 {"link", FlagKind::kRepeated},
                 "show"},
       .read = ReadRegister});
  table.Add(
      {.words = "member",
       .arguments = 1,
       .name = "member ID",
       .usage = "member ID | member register --name NAME --email EMAIL [--bio TEXT] "
                "[--skill SKILL]... [--city CITY] [--link URL]... [--show FIELD,FIELD] | "
                "member update|erase ID ...",
       .help =
           R"(  member ID         One member, whatever its home site: what it shows network-wide. At
                    its home site, logged in as the member or with the admin credential,
                    its whole profile: email, every field, what it shows.
)",
       .read = ReadIdArgument(&v1::GetMemberRequest::mutable_member_id, GetMember)});
  table.Add(
      {.words = "member update",
       .arguments = 1,
       .help =
           R"(  member update ID [--name NAME] [--email EMAIL] [--bio TEXT] [--skills SKILL,SKILL]
                  [--city CITY] [--links URL,URL] [--show FIELD,FIELD] [--revoke-tokens]
                    Changes the given fields of a member, at its home site: the member
                    itself (logged in) or the desk (admin credential). --skills and
                    --links replace the lists ("" clears them); --show replaces the
                    fields shown network-wide (--show "" hides them all: other sites
                    then clear them). --revoke-tokens: every token of the member issued
                    so far is refused, at every node within seconds (a lost laptop;
                    'logout' does it for the member).
)",
       .flags = {"name",
                 "email",
                 "bio",
                 "skills",
                 "city",
                 "links",
                 "show",
                 {"revoke-tokens", FlagKind::kSwitch}},
       .read = ReadUpdate});
  table.Add(
      {.words = "member erase",
       .arguments = 1,
       .help =
           R"(  member erase ID   Drops a member's personal data everywhere; its id stays. At its
                    home site, by the member itself (logged in) or the desk.
)",
       .read = SendWithId(&v1::EraseMemberRequest::mutable_member_id, Caller::kAccount,
                          &MemberStub::EraseMember, FormatMember)});
}

}  // namespace cantine::cantinectl
