#include "tools/cantinectl/arguments.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <tuple>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/random/distributions.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/rpc/proto_time.h"
#include "tools/cantinectl/money.h"

namespace cantine::cantinectl {
namespace {

enum class FlagScope { kGlobal, kCommand };

struct FlagSpec {
  absl::string_view name;
  bool takes_value;
  FlagScope scope;
  // May be given more than once, each time with a value.
  bool repeatable = false;
};

constexpr FlagSpec kFlagSpecs[] = {
    {"node", true, FlagScope::kGlobal},
    {"json", false, FlagScope::kGlobal},
    {"admin_credential_file", true, FlagScope::kGlobal},
    {"timeout", true, FlagScope::kGlobal},
    {"token_file", true, FlagScope::kGlobal},
    {"as_desk", false, FlagScope::kGlobal},
    {"ca", true, FlagScope::kGlobal},
    {"insecure", false, FlagScope::kGlobal},
    {"help", false, FlagScope::kGlobal},
    {"all", false, FlagScope::kCommand},
    {"name", true, FlagScope::kCommand},
    {"kind", true, FlagScope::kCommand},
    {"seats", true, FlagScope::kCommand},
    {"price", true, FlagScope::kCommand},
    {"visitor-price", true, FlagScope::kCommand},
    {"description", true, FlagScope::kCommand},
    {"email", true, FlagScope::kCommand},
    {"from", true, FlagScope::kCommand},
    {"to", true, FlagScope::kCommand},
    {"member", true, FlagScope::kCommand},
    {"start", true, FlagScope::kCommand},
    {"end", true, FlagScope::kCommand},
    {"key", true, FlagScope::kCommand},
    {"space", true, FlagScope::kCommand},
    {"day", true, FlagScope::kCommand},
    {"bio", true, FlagScope::kCommand},
    {"city", true, FlagScope::kCommand},
    {"site", true, FlagScope::kCommand},
    {"tag", true, FlagScope::kCommand, /*repeatable=*/true},
    {"tags", true, FlagScope::kCommand},
    {"all-states", false, FlagScope::kCommand},
    {"title", true, FlagScope::kCommand},
    {"capacity", true, FlagScope::kCommand},
    {"ttl", true, FlagScope::kCommand},
    {"month", true, FlagScope::kCommand},
    {"revoke-tokens", false, FlagScope::kCommand},
    {"skill", true, FlagScope::kCommand, /*repeatable=*/true},
    {"skills", true, FlagScope::kCommand},
    {"link", true, FlagScope::kCommand, /*repeatable=*/true},
    {"links", true, FlagScope::kCommand},
    {"show", true, FlagScope::kCommand},
};

const FlagSpec* FindFlag(absl::string_view name) {
  for (const FlagSpec& spec : kFlagSpecs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The command line split into flags (name to values, in order, one unless the flag is
// repeatable; "true"/"false" for booleans) and positional arguments, in order.
struct SplitArguments {
  absl::flat_hash_map<std::string, std::vector<std::string>> flags;
  std::vector<std::string> positionals;
};

// `args` read by CLI11: every flag of kFlagSpecs, "--name value" or "--name=value", before or
// after the command; "--" ends the flags. The first error in this order: a value missing,
// an unknown flag, a flag given twice, a switch given a value other than true or false.
absl::StatusOr<SplitArguments> Split(const std::vector<std::string>& args) {
  CLI::App app;
  app.set_help_flag();  // --help and -h are read as the other flags are: HelpCommand.
  app.allow_extras();   // Unknown flags: reported below, as cantinectl words it.
  SplitArguments split;
  app.add_option("words", split.positionals);
  std::vector<std::pair<const FlagSpec*, CLI::Option*>> options;
  for (const FlagSpec& spec : kFlagSpecs) {
    const std::string names = absl::StrCat(spec.name == "help" ? "-h," : "", "--", spec.name);
    CLI::Option* option = spec.takes_value ? app.add_option(names) : app.add_flag(names);
    options.emplace_back(&spec, option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  }
  // CLI11 reads "--name=" as a flag without its value: an empty value is given apart.
  std::vector<std::string> argv;
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagSpec* spec = absl::StartsWith(args[i], "--") && absl::EndsWith(args[i], "=")
                               ? FindFlag(absl::string_view(args[i]).substr(2, args[i].size() - 3))
                               : nullptr;
    if (args[i] == "--") {
      argv.insert(argv.end(), args.begin() + i, args.end());
      break;
    }
    if (spec != nullptr && spec->takes_value) {
      argv.push_back(args[i].substr(0, args[i].size() - 1));
      argv.emplace_back();
    } else {
      argv.push_back(args[i]);
    }
  }
  std::reverse(argv.begin(), argv.end());  // CLI11 reads a vector from its back.
  try {
    app.parse(argv);
  } catch (const CLI::ArgumentMismatch& e) {
    // The one mismatch a string flag can have: "--name: 1 required  missing".
    const absl::string_view what = e.what();
    return absl::InvalidArgumentError(
        absl::StrCat(what.substr(0, what.find(':')), " needs a value"));
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  for (const std::string& extra : app.remaining()) {
    if (extra == "--") continue;
    if (!absl::StartsWith(extra, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag '", extra, "' (flags are spelled --name)"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unknown flag ", absl::string_view(extra).substr(0, extra.find('='))));
  }
  for (const auto& [spec, option] : options) {
    std::vector<std::string> values = option->results();
    if (values.empty()) continue;
    if (values.size() > 1 && !spec->repeatable) {
      return absl::InvalidArgumentError(absl::StrCat("--", spec->name, " is given more than once"));
    }
    for (const std::string& value : values) {
      if (!spec->takes_value && value != "true" && value != "false") {
        return absl::InvalidArgumentError(absl::StrCat(
            "--", spec->name, " takes no value (or =true, =false), not '", value, "'"));
      }
    }
    split.flags[spec->name] = std::move(values);
  }
  return split;
}

// Hands out the parsed flags one at a time; what is left can be checked against a command.
class FlagReader {
 public:
  explicit FlagReader(absl::flat_hash_map<std::string, std::vector<std::string>> flags)
      : flags_(std::move(flags)) {}

  // The value of a flag given once (Split refuses others given more than once); the last
  // one of a repeatable flag.
  std::optional<std::string> Take(absl::string_view name) {
    std::vector<std::string> values = TakeAll(name);
    if (values.empty()) return std::nullopt;
    return std::move(values.back());
  }

  // Every value of a repeatable flag, in order; none when it is absent.
  std::vector<std::string> TakeAll(absl::string_view name) {
    auto it = flags_.find(name);
    if (it == flags_.end()) return {};
    std::vector<std::string> values = std::move(it->second);
    flags_.erase(it);
    return values;
  }

  bool TakeBool(absl::string_view name) { return Take(name).value_or("false") == "true"; }

  // INVALID_ARGUMENT naming the flags left that are not among `allowed`, the flags of
  // `command`. Called once the global flags are taken.
  absl::Status CheckAllowed(std::initializer_list<absl::string_view> allowed,
                            absl::string_view command) const {
    std::vector<std::string> stray;
    for (const auto& [name, values] : flags_) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        stray.push_back(absl::StrCat("--", name));
      }
    }
    if (stray.empty()) return absl::OkStatus();
    std::sort(stray.begin(), stray.end());
    return absl::InvalidArgumentError(absl::StrCat(absl::StrJoin(stray, ", "),
                                                   stray.size() == 1 ? " does" : " do",
                                                   " not apply to '", command, "'"));
  }

 private:
  absl::flat_hash_map<std::string, std::vector<std::string>> flags_;
};

// A count given to `flag`, such as --seats: a whole number of `unit` ("seats").
absl::StatusOr<int32_t> ParseCount(absl::string_view flag, absl::string_view text,
                                   absl::string_view unit) {
  int32_t count = 0;
  if (!absl::SimpleAtoi(text, &count) || absl::StrContains(text, ' ')) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text, "' is not a whole number of ", unit));
  }
  return count;
}

absl::StatusOr<int32_t> ParseSeats(absl::string_view text) {
  return ParseCount("--seats", text, "seats");
}

// The digits of `text` from `pos`, `count` of them, as a number; -1 when they are not all
// digits.
int DigitsAt(absl::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (i >= text.size() || !absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

constexpr absl::string_view kDayExample = "2027-01-11";
constexpr absl::string_view kTimeExample = "2027-01-11 09:00 or 2027-01-11T09:00";

// The fields of `text` when it is written YYYY-MM-DD, whether or not that day exists.
std::optional<v1::CivilDate> DateFields(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || DigitsAt(text, 0, 4) < 0 ||
      DigitsAt(text, 5, 2) < 0 || DigitsAt(text, 8, 2) < 0) {
    return std::nullopt;
  }
  v1::CivilDate date;
  date.set_year(DigitsAt(text, 0, 4));
  date.set_month(DigitsAt(text, 5, 2));
  date.set_day(DigitsAt(text, 8, 2));
  return date;
}

// A venue day written YYYY-MM-DD. Whether it exists (no February 30) is checked as the node
// checks it, by rpc::CivilDayFromProto.
absl::StatusOr<absl::CivilDay> ParseVenueDay(absl::string_view flag, absl::string_view text) {
  std::optional<v1::CivilDate> date = DateFields(text);
  if (!date.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text, "' is not a date; write YYYY-MM-DD, such as ", kDayExample));
  }
  return rpc::CivilDayFromProto(flag, *date);
}

// A venue date and time written "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM"; 24:00 is the end
// of the day. Checked as the node checks it, by rpc::CivilMinuteFromProto.
absl::StatusOr<absl::CivilMinute> ParseVenueTime(absl::string_view flag, absl::string_view text) {
  std::optional<v1::CivilDate> date = DateFields(text.substr(0, 10));
  if (!date.has_value() || text.size() != 16 || (text[10] != ' ' && text[10] != 'T') ||
      DigitsAt(text, 11, 2) < 0 || text[13] != ':' || DigitsAt(text, 14, 2) < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " '", text, "' is not a date and time at the venue; write ", kTimeExample));
  }
  v1::CivilDateTime time;
  time.set_year(date->year());
  time.set_month(date->month());
  time.set_day(date->day());
  time.set_hours(DigitsAt(text, 11, 2));
  time.set_minutes(DigitsAt(text, 14, 2));
  return rpc::CivilMinuteFromProto(flag, time);
}

absl::StatusOr<v1::SpaceKind> ParseKind(absl::string_view text) {
  if (text == "desk") return v1::SPACE_KIND_DESK_POOL;
  if (text == "room") return v1::SPACE_KIND_MEETING_ROOM;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind must be desk (a desk pool) or room (a meeting room), not '", text, "'"));
}

absl::StatusOr<GlobalOptions> ReadGlobalOptions(FlagReader& flags, const Environment& env) {
  GlobalOptions options;
  if (std::optional<std::string> node = flags.Take("node"); node.has_value()) {
    if (node->empty()) return absl::InvalidArgumentError("--node is empty; give HOST:PORT");
    options.node = *std::move(node);
  } else if (env.node.has_value() && !env.node->empty()) {
    options.node = *env.node;
  }
  options.json = flags.TakeBool("json");
  if (std::optional<std::string> file = flags.Take("admin_credential_file"); file.has_value()) {
    if (file->empty()) return absl::InvalidArgumentError("--admin_credential_file is empty");
    options.admin_credential_file = *std::move(file);
  } else if (env.admin_credential_file.has_value()) {
    options.admin_credential_file = *env.admin_credential_file;
  }
  if (std::optional<std::string> timeout = flags.Take("timeout"); timeout.has_value()) {
    if (!absl::ParseDuration(*timeout, &options.timeout) ||
        options.timeout <= absl::ZeroDuration() || options.timeout == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout '", *timeout, "' is not a positive duration, such as 5s or 1500ms"));
    }
  }
  if (std::optional<std::string> file = flags.Take("token_file"); file.has_value()) {
    if (file->empty()) return absl::InvalidArgumentError("--token_file is empty");
    options.token_file = *std::move(file);
  } else if (env.token_file.has_value() && !env.token_file->empty()) {
    options.token_file = *env.token_file;
  } else if (env.home.has_value() && !env.home->empty()) {
    options.token_file = absl::StrCat(*env.home, "/.cantine/token");
  }
  options.as_desk = flags.TakeBool("as_desk");
  options.insecure = flags.TakeBool("insecure");
  if (std::optional<std::string> ca = flags.Take("ca"); ca.has_value()) {
    if (ca->empty()) return absl::InvalidArgumentError("--ca is empty; give the CA's PEM file");
    if (options.insecure) {
      return absl::InvalidArgumentError(
          "--ca and --insecure exclude each other: --ca trusts a CA for TLS, --insecure "
          "connects in plaintext");
    }
    options.ca_file = *std::move(ca);
  } else if (!options.insecure && env.ca_file.has_value()) {
    options.ca_file = *env.ca_file;
  }
  return options;
}

absl::StatusOr<Command> ReadCreateSpace(FlagReader& flags, std::string space_id) {
  CreateSpaceCommand command;
  command.space_id = std::move(space_id);
  std::vector<std::string> missing;
  std::optional<std::string> name = flags.Take("name");
  std::optional<std::string> kind = flags.Take("kind");
  std::optional<std::string> seats = flags.Take("seats");
  std::optional<std::string> price = flags.Take("price");
  if (!name.has_value()) missing.push_back("--name");
  if (!kind.has_value()) missing.push_back("--kind");
  if (!seats.has_value()) missing.push_back("--seats");
  if (!price.has_value()) missing.push_back("--price");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("space create needs ", absl::StrJoin(missing, ", ")));
  }
  command.display_name = *std::move(name);
  absl::StatusOr<v1::SpaceKind> parsed_kind = ParseKind(*kind);
  if (!parsed_kind.ok()) return parsed_kind.status();
  command.kind = *parsed_kind;
  absl::StatusOr<int32_t> parsed_seats = ParseSeats(*seats);
  if (!parsed_seats.ok()) return parsed_seats.status();
  command.seats = *parsed_seats;
  if (absl::Status s = CheckPriceSyntax("--price", *price); !s.ok()) return s;
  command.price = *std::move(price);
  command.visitor_price = flags.Take("visitor-price");
  if (command.visitor_price.has_value()) {
    if (absl::Status s = CheckPriceSyntax("--visitor-price", *command.visitor_price); !s.ok()) {
      return s;
    }
  }
  command.description = flags.Take("description").value_or("");
  return command;
}

absl::StatusOr<Command> ReadUpdateSpace(FlagReader& flags, std::string space_id) {
  UpdateSpaceCommand command;
  command.space_id = std::move(space_id);
  command.display_name = flags.Take("name");
  command.description = flags.Take("description");
  if (std::optional<std::string> seats = flags.Take("seats"); seats.has_value()) {
    absl::StatusOr<int32_t> parsed = ParseSeats(*seats);
    if (!parsed.ok()) return parsed.status();
    command.seats = *parsed;
  }
  command.price = flags.Take("price");
  if (command.price.has_value()) {
    if (absl::Status s = CheckPriceSyntax("--price", *command.price); !s.ok()) return s;
  }
  command.visitor_price = flags.Take("visitor-price");
  if (command.visitor_price.has_value()) {
    if (absl::Status s = CheckPriceSyntax("--visitor-price", *command.visitor_price); !s.ok()) {
      return s;
    }
  }
  if (!command.display_name.has_value() && !command.description.has_value() &&
      !command.seats.has_value() && !command.price.has_value() &&
      !command.visitor_price.has_value()) {
    return absl::InvalidArgumentError(
        "space update needs at least one of --name, --seats, --price, --visitor-price, "
        "--description");
  }
  return command;
}

// --skills "a,b" or --links "u,v": the entries, spaces around each ignored; "" is none.
std::vector<std::string> ParseList(absl::string_view text) {
  std::vector<std::string> values;
  for (absl::string_view value : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    values.emplace_back(absl::StripAsciiWhitespace(value));
  }
  return values;
}

// --show "bio,city": the profile fields a member shows network-wide; "" is none.
absl::StatusOr<std::vector<v1::ProfileField>> ParseShown(absl::string_view text) {
  std::vector<v1::ProfileField> fields;
  for (const std::string& name : ParseList(text)) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "bio") {
      fields.push_back(v1::PROFILE_FIELD_BIO);
    } else if (lower == "skills") {
      fields.push_back(v1::PROFILE_FIELD_SKILLS);
    } else if (lower == "city") {
      fields.push_back(v1::PROFILE_FIELD_CITY);
    } else if (lower == "links") {
      fields.push_back(v1::PROFILE_FIELD_LINKS);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--show '", name,
          "' is not a field a member may show: list some of bio, skills, city, links (the name "
          "is always shown, the email never)"));
    }
  }
  return fields;
}

absl::StatusOr<Command> ReadRegisterMember(FlagReader& flags) {
  std::optional<std::string> name = flags.Take("name");
  std::optional<std::string> email = flags.Take("email");
  if (!email.has_value()) {
    return absl::InvalidArgumentError(
        name.has_value() ? "member register needs --email"
                         : "member register needs --name, --email (the desk completing a "
                           "registration request gives --email alone)");
  }
  RegisterMemberCommand command{.display_name = std::move(name).value_or(""),
                                .email = *std::move(email),
                                .bio = flags.Take("bio").value_or(""),
                                .skills = flags.TakeAll("skill"),
                                .city = flags.Take("city").value_or(""),
                                .links = flags.TakeAll("link"),
                                .shown = {}};
  if (std::optional<std::string> show = flags.Take("show"); show.has_value()) {
    absl::StatusOr<std::vector<v1::ProfileField>> shown = ParseShown(*show);
    if (!shown.ok()) return shown.status();
    command.shown = *std::move(shown);
  }
  return command;
}

absl::StatusOr<Command> ReadUpdateMember(FlagReader& flags, std::string member_id) {
  UpdateMemberCommand command{.member_id = std::move(member_id),
                              .display_name = flags.Take("name"),
                              .email = flags.Take("email"),
                              .bio = flags.Take("bio"),
                              .skills = std::nullopt,
                              .city = flags.Take("city"),
                              .links = std::nullopt,
                              .shown = std::nullopt,
                              .revoke_tokens = flags.TakeBool("revoke-tokens")};
  if (std::optional<std::string> skills = flags.Take("skills"); skills.has_value()) {
    command.skills = ParseList(*skills);
  }
  if (std::optional<std::string> links = flags.Take("links"); links.has_value()) {
    command.links = ParseList(*links);
  }
  if (std::optional<std::string> show = flags.Take("show"); show.has_value()) {
    absl::StatusOr<std::vector<v1::ProfileField>> shown = ParseShown(*show);
    if (!shown.ok()) return shown.status();
    command.shown = *std::move(shown);
  }
  if (!command.display_name.has_value() && !command.email.has_value() && !command.bio.has_value() &&
      !command.skills.has_value() && !command.city.has_value() && !command.links.has_value() &&
      !command.shown.has_value() && !command.revoke_tokens) {
    return absl::InvalidArgumentError(
        "member update needs at least one of --name, --email, --bio, --skills, --city, --links, "
        "--show, --revoke-tokens");
  }
  return command;
}

// --site, the venue that owns a space: "" when absent (the node's own site);
// INVALID_ARGUMENT when given empty.
absl::StatusOr<std::string> TakeVenue(FlagReader& flags) {
  std::optional<std::string> site = flags.Take("site");
  if (!site.has_value()) return "";
  if (site->empty()) {
    return absl::InvalidArgumentError(
        "--site is empty; give a site id, or omit it for the node's own site");
  }
  return *std::move(site);
}

absl::StatusOr<Command> ReadAvailability(FlagReader& flags, std::string space_id) {
  absl::StatusOr<std::string> site_id = TakeVenue(flags);
  if (!site_id.ok()) return site_id.status();
  std::optional<std::string> from = flags.Take("from");
  if (!from.has_value()) return absl::InvalidArgumentError("availability needs --from DAY");
  absl::StatusOr<absl::CivilDay> first_day = ParseVenueDay("--from", *from);
  if (!first_day.ok()) return first_day.status();
  absl::CivilDay last_day = *first_day;
  if (std::optional<std::string> to = flags.Take("to"); to.has_value()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseVenueDay("--to", *to);
    if (!parsed.ok()) return parsed.status();
    last_day = *parsed;
  }
  return AvailabilityCommand{.space_id = std::move(space_id),
                             .site_id = *std::move(site_id),
                             .first_day = *first_day,
                             .last_day = last_day};
}

absl::StatusOr<Command> ReadBook(FlagReader& flags, std::string space_id,
                                 const std::string& new_idempotency_key) {
  absl::StatusOr<std::string> site_id = TakeVenue(flags);
  if (!site_id.ok()) return site_id.status();
  std::optional<std::string> member = flags.Take("member");
  std::optional<std::string> start = flags.Take("start");
  std::optional<std::string> end = flags.Take("end");
  std::vector<std::string> missing;
  if (!start.has_value()) missing.push_back("--start");
  if (!end.has_value()) missing.push_back("--end");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("book needs ", absl::StrJoin(missing, ", ")));
  }
  if (member.has_value() && member->empty()) {
    return absl::InvalidArgumentError(
        "--member is empty; give a member id, or omit it to book as the member logged in");
  }
  BookCommand command;
  command.space_id = std::move(space_id);
  command.site_id = *std::move(site_id);
  command.member_id = std::move(member).value_or("");
  absl::StatusOr<absl::CivilMinute> parsed_start = ParseVenueTime("--start", *start);
  if (!parsed_start.ok()) return parsed_start.status();
  command.start = *parsed_start;
  absl::StatusOr<absl::CivilMinute> parsed_end = ParseVenueTime("--end", *end);
  if (!parsed_end.ok()) return parsed_end.status();
  command.end = *parsed_end;
  if (std::optional<std::string> seats = flags.Take("seats"); seats.has_value()) {
    absl::StatusOr<int32_t> parsed = ParseSeats(*seats);
    if (!parsed.ok()) return parsed.status();
    command.seats = *parsed;
  }
  if (std::optional<std::string> key = flags.Take("key"); key.has_value()) {
    if (key->empty()) {
      return absl::InvalidArgumentError("--key is empty; omit it to have one generated");
    }
    command.idempotency_key = *std::move(key);
  } else if (!new_idempotency_key.empty()) {
    command.idempotency_key = new_idempotency_key;
    command.idempotency_key_generated = true;
  } else {
    return absl::InvalidArgumentError("book needs --key (no key could be generated)");
  }
  return command;
}

absl::StatusOr<Command> ReadListBookings(FlagReader& flags) {
  std::optional<std::string> member = flags.Take("member");
  std::optional<std::string> space = flags.Take("space");
  std::optional<std::string> day = flags.Take("day");
  ListBookingsCommand command;
  command.all_pages = flags.TakeBool("all");
  if (member.has_value()) {
    if (space.has_value() || day.has_value()) {
      return absl::InvalidArgumentError(
          "bookings takes either --member ID or --space SPACE --day DAY, not both");
    }
    if (member->empty()) return absl::InvalidArgumentError("--member is empty; give a member id");
    command.member_id = *std::move(member);
    return command;
  }
  if (!space.has_value() || !day.has_value()) {
    return absl::InvalidArgumentError(
        space.has_value() ? "bookings --space needs --day DAY"
        : day.has_value() ? "bookings --day needs --space SPACE"
                          : "bookings needs --member ID, or --space SPACE --day DAY");
  }
  if (space->empty()) return absl::InvalidArgumentError("--space is empty; give a space id");
  absl::StatusOr<absl::CivilDay> parsed_day = ParseVenueDay("--day", *day);
  if (!parsed_day.ok()) return parsed_day.status();
  command.space_id = *std::move(space);
  command.day = *parsed_day;
  return command;
}

absl::StatusOr<Command> ReadListVisitors(FlagReader& flags, absl::Time now) {
  ListVisitorsCommand command;
  command.now = now;
  command.all_pages = flags.TakeBool("all");
  if (std::optional<std::string> day = flags.Take("day"); day.has_value()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseVenueDay("--day", *day);
    if (!parsed.ok()) return parsed.status();
    command.day = *parsed;
  }
  return command;
}

// A month written YYYY-MM (month 01-12). Which months have a settlement is the node's call.
absl::StatusOr<Command> ReadSettlement(FlagReader& flags) {
  std::optional<std::string> month = flags.Take("month");
  if (!month.has_value()) return absl::InvalidArgumentError("settlement needs --month YYYY-MM");
  const absl::string_view text = *month;
  if (text.size() != 7 || text[4] != '-' || DigitsAt(text, 0, 4) < 0 || DigitsAt(text, 5, 2) < 1 ||
      DigitsAt(text, 5, 2) > 12) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--month '", text, "' is not a month; write YYYY-MM, such as ", kDayExample.substr(0, 7)));
  }
  return SettlementCommand{*std::move(month)};
}

absl::StatusOr<Command> ReadLogin(FlagReader& flags) {
  std::optional<std::string> member = flags.Take("member");
  if (!member.has_value()) return absl::InvalidArgumentError("login needs --member ID");
  if (member->empty()) return absl::InvalidArgumentError("--member is empty; give a member id");
  LoginCommand command;
  command.member_id = *std::move(member);
  if (std::optional<std::string> ttl = flags.Take("ttl"); ttl.has_value()) {
    if (!absl::ParseDuration(*ttl, &command.ttl) || command.ttl <= absl::ZeroDuration() ||
        command.ttl == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ttl '", *ttl, "' is not a positive duration, such as 12h or 30m"));
    }
  }
  return command;
}

// The start and end of an event, when `start` and `end` (--start, --end) are both given.
absl::StatusOr<std::pair<absl::CivilMinute, absl::CivilMinute>> ParseEventTimes(
    const std::string& start, const std::string& end) {
  absl::StatusOr<absl::CivilMinute> parsed_start = ParseVenueTime("--start", start);
  if (!parsed_start.ok()) return parsed_start.status();
  absl::StatusOr<absl::CivilMinute> parsed_end = ParseVenueTime("--end", end);
  if (!parsed_end.ok()) return parsed_end.status();
  return std::make_pair(*parsed_start, *parsed_end);
}

// --tags "a,b": the tags, spaces around each ignored; "" is no tag at all.
std::vector<std::string> ParseTagList(absl::string_view text) {
  std::vector<std::string> tags;
  for (absl::string_view tag : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    tags.emplace_back(absl::StripAsciiWhitespace(tag));
  }
  return tags;
}

// The value of the filter flag `name`, "" when it is absent (no filter); INVALID_ARGUMENT
// when it is given empty or, repeatable, more than once.
absl::StatusOr<std::string> TakeFilter(FlagReader& flags, absl::string_view name) {
  std::vector<std::string> values = flags.TakeAll(name);
  if (values.empty()) return "";
  if (values.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " filters by one value only"));
  }
  if (values[0].empty()) return absl::InvalidArgumentError(absl::StrCat("--", name, " is empty"));
  return std::move(values[0]);
}

absl::StatusOr<Command> ReadListEvents(FlagReader& flags) {
  ListEventsCommand command;
  for (const auto& [name, field] :
       {std::pair{"city", &command.city}, std::pair{"site", &command.site_id},
        std::pair{"tag", &command.tag}}) {
    absl::StatusOr<std::string> value = TakeFilter(flags, name);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  if (std::optional<std::string> from = flags.Take("from"); from.has_value()) {
    absl::StatusOr<absl::CivilDay> day = ParseVenueDay("--from", *from);
    if (!day.ok()) return day.status();
    command.from_day = *day;
  }
  if (std::optional<std::string> to = flags.Take("to"); to.has_value()) {
    absl::StatusOr<absl::CivilDay> day = ParseVenueDay("--to", *to);
    if (!day.ok()) return day.status();
    command.to_day = *day;
  }
  command.include_cancelled = flags.TakeBool("all-states");
  command.all_pages = flags.TakeBool("all");
  return command;
}

absl::StatusOr<Command> ReadAnnounceEvent(FlagReader& flags) {
  std::optional<std::string> title = flags.Take("title");
  std::optional<std::string> start = flags.Take("start");
  std::optional<std::string> end = flags.Take("end");
  std::optional<std::string> capacity = flags.Take("capacity");
  std::vector<std::string> missing;
  if (!title.has_value()) missing.push_back("--title");
  if (!start.has_value()) missing.push_back("--start");
  if (!end.has_value()) missing.push_back("--end");
  if (!capacity.has_value()) missing.push_back("--capacity");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event announce needs ", absl::StrJoin(missing, ", ")));
  }
  AnnounceEventCommand command;
  command.title = *std::move(title);
  absl::StatusOr<std::pair<absl::CivilMinute, absl::CivilMinute>> times =
      ParseEventTimes(*start, *end);
  if (!times.ok()) return times.status();
  std::tie(command.start, command.end) = *times;
  absl::StatusOr<int32_t> parsed_capacity = ParseCount("--capacity", *capacity, "people");
  if (!parsed_capacity.ok()) return parsed_capacity.status();
  command.capacity = *parsed_capacity;
  command.tags = flags.TakeAll("tag");
  command.description = flags.Take("description").value_or("");
  return command;
}

absl::StatusOr<Command> ReadUpdateEvent(FlagReader& flags, std::string event_id) {
  UpdateEventCommand command;
  command.event_id = std::move(event_id);
  command.title = flags.Take("title");
  command.description = flags.Take("description");
  std::optional<std::string> start = flags.Take("start");
  std::optional<std::string> end = flags.Take("end");
  if (start.has_value() != end.has_value()) {
    return absl::InvalidArgumentError(
        "event update moves an event with --start and --end together; give both");
  }
  if (start.has_value()) {
    absl::StatusOr<std::pair<absl::CivilMinute, absl::CivilMinute>> times =
        ParseEventTimes(*start, *end);
    if (!times.ok()) return times.status();
    command.start = times->first;
    command.end = times->second;
  }
  if (std::optional<std::string> capacity = flags.Take("capacity"); capacity.has_value()) {
    absl::StatusOr<int32_t> parsed = ParseCount("--capacity", *capacity, "people");
    if (!parsed.ok()) return parsed.status();
    command.capacity = *parsed;
  }
  if (std::optional<std::string> tags = flags.Take("tags"); tags.has_value()) {
    command.tags = ParseTagList(*tags);
  }
  if (!command.title.has_value() && !command.description.has_value() &&
      !command.start.has_value() && !command.capacity.has_value() && !command.tags.has_value()) {
    return absl::InvalidArgumentError(
        "event update needs at least one of --title, --start and --end, --capacity, "
        "--description, --tags");
  }
  return command;
}

constexpr absl::string_view kCommandNames =
    "site, sites, spaces, space, policy, member, availability, book, booking, bookings, cancel, "
    "checkin, visitors, settlement, events, event, network, login, logout";
constexpr absl::string_view kRegisterUsage =
    "member register --name NAME --email EMAIL [--bio TEXT] [--skill SKILL]... [--city CITY] "
    "[--link URL]... [--show FIELD,FIELD]";
constexpr absl::string_view kMemberUpdateUsage =
    "member update ID [--name NAME] [--email EMAIL] [--bio TEXT] [--skills SKILL,SKILL] "
    "[--city CITY] [--links URL,URL] [--show FIELD,FIELD] [--revoke-tokens]";
constexpr absl::string_view kEventsUsage =
    "events [--city CITY] [--site SITE] [--from DAY] [--to DAY] [--tag TAG] [--all-states] "
    "[--all]";
constexpr absl::string_view kAnnounceUsage =
    "event announce --title TITLE --start TIME --end TIME --capacity N [--tag TAG]... "
    "[--description TEXT]";
constexpr absl::string_view kEventUpdateUsage =
    "event update ID [--title TITLE] [--start TIME --end TIME] [--capacity N] "
    "[--description TEXT] [--tags TAG,TAG]";
constexpr absl::string_view kAvailabilityUsage =
    "availability SPACE [--site SITE] --from DAY [--to DAY]";
constexpr absl::string_view kBookUsage =
    "book SPACE [--site SITE] [--member ID] --start TIME --end TIME [--seats N] [--key KEY]";
constexpr absl::string_view kVisitorsUsage = "visitors [--day DAY] [--all]";
constexpr absl::string_view kSettlementUsage = "settlement --month YYYY-MM";
constexpr absl::string_view kPolicyUsage = "policy set-visit-days N | policy clear-visit-days";
constexpr absl::string_view kLoginUsage = "login --member ID [--ttl DURATION]";
constexpr absl::string_view kBookingsUsage =
    "bookings --member ID | bookings --space SPACE --day DAY  [--all]";

constexpr absl::string_view kCreateUsage =
    "space create ID --name NAME --kind desk|room --seats N --price AMOUNT "
    "[--visitor-price AMOUNT] [--description TEXT]";
constexpr absl::string_view kUpdateUsage =
    "space update ID [--name NAME] [--seats N] [--price AMOUNT] [--visitor-price AMOUNT] "
    "[--description TEXT]";

// OK when the command `name` got `count` positional arguments (its name included) and no
// command flag outside `allowed`; otherwise INVALID_ARGUMENT quoting `usage`.
absl::Status CheckShape(const std::vector<std::string>& positionals, size_t count,
                        const FlagReader& flags, std::initializer_list<absl::string_view> allowed,
                        absl::string_view name, absl::string_view usage) {
  if (positionals.size() != count) {
    return absl::InvalidArgumentError(
        positionals.size() < count ? absl::StrCat("usage: cantinectl ", usage)
                                   : absl::StrCat("unexpected argument '", positionals[count],
                                                  "'; usage: cantinectl ", usage));
  }
  return flags.CheckAllowed(allowed, name);
}

// The word after the command ("create" in "space create ID"), "" when there is none. A view
// of `positionals` itself: `size > 1 ? positionals[1] : ""` would be a view of a temporary
// std::string, destroyed at the end of the statement.
absl::string_view Verb(const std::vector<std::string>& positionals) {
  if (positionals.size() < 2) return "";
  return positionals[1];
}

// The member command: "member register|update|erase ..." or "member ID".
absl::StatusOr<Command> ReadMemberCommand(const std::vector<std::string>& positionals,
                                          FlagReader& flags) {
  const absl::string_view verb = Verb(positionals);
  if (verb == "register") {
    if (absl::Status s = CheckShape(positionals, 2, flags,
                                    {"name", "email", "bio", "skill", "city", "link", "show"},
                                    "member register", kRegisterUsage);
        !s.ok()) {
      return s;
    }
    return ReadRegisterMember(flags);
  }
  if (verb == "update") {
    if (absl::Status s =
            CheckShape(positionals, 3, flags,
                       {"name", "email", "bio", "skills", "city", "links", "show", "revoke-tokens"},
                       "member update", kMemberUpdateUsage);
        !s.ok()) {
      return s;
    }
    return ReadUpdateMember(flags, positionals[2]);
  }
  if (verb == "erase") {
    if (absl::Status s = CheckShape(positionals, 3, flags, {}, "member erase", "member erase ID");
        !s.ok()) {
      return s;
    }
    return EraseMemberCommand{positionals[2]};
  }
  if (absl::Status s =
          CheckShape(positionals, 2, flags, {}, "member ID",
                     absl::StrCat("member ID | ", kRegisterUsage, " | member update|erase ID ..."));
      !s.ok()) {
    return s;
  }
  return GetMemberCommand{positionals[1]};
}

// The event command: "event announce|update|cancel ...".
absl::StatusOr<Command> ReadEventCommand(const std::vector<std::string>& positionals,
                                         FlagReader& flags) {
  const absl::string_view verb = Verb(positionals);
  if (verb == "announce") {
    if (absl::Status s = CheckShape(positionals, 2, flags,
                                    {"title", "start", "end", "capacity", "tag", "description"},
                                    "event announce", kAnnounceUsage);
        !s.ok()) {
      return s;
    }
    return ReadAnnounceEvent(flags);
  }
  if (verb == "update") {
    if (absl::Status s = CheckShape(positionals, 3, flags,
                                    {"title", "start", "end", "capacity", "description", "tags"},
                                    "event update", kEventUpdateUsage);
        !s.ok()) {
      return s;
    }
    return ReadUpdateEvent(flags, positionals[2]);
  }
  if (verb == "cancel") {
    if (absl::Status s = CheckShape(positionals, 3, flags, {}, "event cancel", "event cancel ID");
        !s.ok()) {
      return s;
    }
    return CancelEventCommand{positionals[2]};
  }
  return absl::InvalidArgumentError(
      absl::StrCat(verb.empty() ? "" : absl::StrCat("unknown event command '", verb, "'; "),
                   "usage: cantinectl event announce|update|cancel ... (see --help); "
                   "'events' lists them"));
}

// The commands that take one booking id and no flag: cancel, checkin, booking.
absl::StatusOr<std::string> ReadBookingId(const std::vector<std::string>& positionals,
                                          const FlagReader& flags) {
  const std::string& name = positionals[0];
  if (absl::Status s =
          CheckShape(positionals, 2, flags, {}, name, absl::StrCat(name, " BOOKING_ID"));
      !s.ok()) {
    return s;
  }
  return positionals[1];
}

// The policy command: "policy set-visit-days N" or "policy clear-visit-days".
absl::StatusOr<Command> ReadPolicyCommand(const std::vector<std::string>& positionals,
                                          const FlagReader& flags) {
  const absl::string_view verb = Verb(positionals);
  if (verb == "set-visit-days") {
    if (absl::Status s = CheckShape(positionals, 3, flags, {}, "policy set-visit-days",
                                    "policy set-visit-days N");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<int32_t> days = ParseCount("set-visit-days", positionals[2], "days");
    if (!days.ok()) return days.status();
    return SetVisitAllowanceCommand{*days};
  }
  if (verb == "clear-visit-days") {
    if (absl::Status s = CheckShape(positionals, 2, flags, {}, "policy clear-visit-days",
                                    "policy clear-visit-days");
        !s.ok()) {
      return s;
    }
    return SetVisitAllowanceCommand{std::nullopt};
  }
  return absl::InvalidArgumentError(
      absl::StrCat(verb.empty() ? "" : absl::StrCat("unknown policy command '", verb, "'; "),
                   "usage: cantinectl ", kPolicyUsage, " ('site' shows the policy)"));
}

// The command named by the positional arguments, with its flags taken from `flags` (the
// global ones already taken). `env` gives 'book' its key without --key, and 'visitors'
// the time without --day.
absl::StatusOr<Command> ReadCommand(const std::vector<std::string>& positionals, FlagReader& flags,
                                    const Environment& env) {
  if (positionals.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no command given (", kCommandNames, ")"));
  }
  const std::string& name = positionals[0];
  if (name == "help") return HelpCommand{};
  if (name == "site") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {}, name, "site"); !s.ok()) return s;
    return GetSiteCommand{};
  }
  if (name == "sites") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {}, name, "sites"); !s.ok()) return s;
    return ListSitesCommand{};
  }
  if (name == "spaces") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {"all"}, name, "spaces [--all]");
        !s.ok()) {
      return s;
    }
    return ListSpacesCommand{flags.TakeBool("all")};
  }
  if (name == "member") return ReadMemberCommand(positionals, flags);
  if (name == "policy") return ReadPolicyCommand(positionals, flags);
  if (name == "visitors") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {"day", "all"}, name, kVisitorsUsage);
        !s.ok()) {
      return s;
    }
    return ReadListVisitors(flags, env.now);
  }
  if (name == "settlement") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {"month"}, name, kSettlementUsage);
        !s.ok()) {
      return s;
    }
    return ReadSettlement(flags);
  }
  if (name == "events") {
    if (absl::Status s = CheckShape(positionals, 1, flags,
                                    {"city", "site", "from", "to", "tag", "all-states", "all"},
                                    name, kEventsUsage);
        !s.ok()) {
      return s;
    }
    return ReadListEvents(flags);
  }
  if (name == "event") return ReadEventCommand(positionals, flags);
  if (name == "network") {
    if (positionals.size() < 2 || positionals[1] != "status") {
      return absl::InvalidArgumentError(
          positionals.size() < 2 ? "usage: cantinectl network status"
                                 : absl::StrCat("unknown network command '", positionals[1],
                                                "'; usage: cantinectl network status"));
    }
    if (absl::Status s = CheckShape(positionals, 2, flags, {}, "network status", "network status");
        !s.ok()) {
      return s;
    }
    return NetworkStatusCommand{};
  }
  if (name == "login") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {"member", "ttl"}, name, kLoginUsage);
        !s.ok()) {
      return s;
    }
    return ReadLogin(flags);
  }
  if (name == "logout") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {}, name, "logout"); !s.ok()) return s;
    return LogoutCommand{};
  }
  if (name == "availability") {
    if (absl::Status s =
            CheckShape(positionals, 2, flags, {"site", "from", "to"}, name, kAvailabilityUsage);
        !s.ok()) {
      return s;
    }
    return ReadAvailability(flags, positionals[1]);
  }
  if (name == "book") {
    if (absl::Status s =
            CheckShape(positionals, 2, flags, {"site", "member", "start", "end", "seats", "key"},
                       name, kBookUsage);
        !s.ok()) {
      return s;
    }
    return ReadBook(flags, positionals[1], env.new_idempotency_key);
  }
  if (name == "cancel" || name == "checkin" || name == "booking") {
    absl::StatusOr<std::string> booking_id = ReadBookingId(positionals, flags);
    if (!booking_id.ok()) return booking_id.status();
    if (name == "cancel") return CancelBookingCommand{*std::move(booking_id)};
    if (name == "checkin") return CheckInCommand{*std::move(booking_id)};
    return GetBookingCommand{*std::move(booking_id)};
  }
  if (name == "bookings") {
    if (absl::Status s = CheckShape(positionals, 1, flags, {"member", "space", "day", "all"}, name,
                                    kBookingsUsage);
        !s.ok()) {
      return s;
    }
    return ReadListBookings(flags);
  }
  if (name != "space") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", name, "' (", kCommandNames, ")"));
  }
  const absl::string_view verb = Verb(positionals);
  if (verb == "create") {
    if (absl::Status s =
            CheckShape(positionals, 3, flags,
                       {"name", "kind", "seats", "price", "visitor-price", "description"},
                       "space create", kCreateUsage);
        !s.ok()) {
      return s;
    }
    return ReadCreateSpace(flags, positionals[2]);
  }
  if (verb == "update") {
    if (absl::Status s = CheckShape(positionals, 3, flags,
                                    {"name", "seats", "price", "visitor-price", "description"},
                                    "space update", kUpdateUsage);
        !s.ok()) {
      return s;
    }
    return ReadUpdateSpace(flags, positionals[2]);
  }
  if (verb == "retire") {
    if (absl::Status s = CheckShape(positionals, 3, flags, {}, "space retire", "space retire ID");
        !s.ok()) {
      return s;
    }
    return RetireSpaceCommand{positionals[2]};
  }
  if (absl::Status s = CheckShape(positionals, 2, flags, {}, "space ID",
                                  "space ID | space create|update|retire ID [flags]");
      !s.ok()) {
    return s;
  }
  return GetSpaceCommand{positionals[1]};
}

}  // namespace

absl::StatusOr<Invocation> ParseArguments(const std::vector<std::string>& args,
                                          const Environment& env) {
  absl::StatusOr<SplitArguments> split = Split(args);
  if (!split.ok()) return split.status();
  FlagReader flags(std::move(split->flags));
  if (flags.TakeBool("help")) return Invocation{GlobalOptions(), HelpCommand{}};

  absl::StatusOr<GlobalOptions> options = ReadGlobalOptions(flags, env);
  if (!options.ok()) return options.status();
  absl::StatusOr<Command> command = ReadCommand(split->positionals, flags, env);
  if (!command.ok()) return command.status();
  return Invocation{.options = *std::move(options), .command = *std::move(command)};
}

std::string UsageText() {
  return absl::StrCat(
      R"(Usage: cantinectl [GLOBAL FLAGS] COMMAND [COMMAND FLAGS]

The command-line client of a Cantine Network node. Global flags may come before or
after the command.

Commands:
  site              The node's site: address, time zone, currency and booking policy.
  sites             The sites this node knows of.
  spaces [--all]    The site's spaces; --all includes retired ones.
  space ID          One space.
  space create ID --name NAME --kind desk|room --seats N --price AMOUNT
                  [--visitor-price AMOUNT] [--description TEXT]
                    Creates a space (manager). desk: a desk pool of N seats, priced per
                    half-day seat; room: a meeting room for N people, priced per room block.
                    --visitor-price: what members of other sites pay per slot; without
                    it they pay --price.
  space update ID [--name NAME] [--seats N] [--price AMOUNT] [--visitor-price AMOUNT]
                  [--description TEXT]
                    Changes the given fields of a space (manager).
  space retire ID   Retires a space: it is kept but no longer bookable (manager).
  policy set-visit-days N
                    How many venue days a month this site's members may spend at other
                    sites (0 to 31); the rest of the policy is kept (manager). 'site'
                    shows it as the visit allowance.
  policy clear-visit-days
                    No limit on this site's members' days at other sites (manager).
  member register --name NAME --email EMAIL [--bio TEXT] [--skill SKILL]... [--city CITY]
                  [--link URL]... [--show FIELD,FIELD]
                    With the admin credential, the desk registers a member at this site
                    and prints it, with its new id. Without it, asks to register: the
                    node answers "pending" (the same whether or not the email is taken),
                    and the site's desk completes the request and gives the member its
                    id and token. --show lists the fields shown at every site, among
                    bio, skills, city and links; the others stay at the home site, as
                    does the email. The name is always shown. --skill and --link may be
                    repeated (links are http:// or https:// URLs).
  member register --email EMAIL
                    The desk (admin credential) completes the registration request made
                    with EMAIL, and prints the member with its new id.
  member ID         One member, whatever its home site: what it shows network-wide. At
                    its home site, logged in as the member or with the admin credential,
                    its whole profile: email, every field, what it shows.
  member update ID [--name NAME] [--email EMAIL] [--bio TEXT] [--skills SKILL,SKILL]
                  [--city CITY] [--links URL,URL] [--show FIELD,FIELD] [--revoke-tokens]
                    Changes the given fields of a member, at its home site: the member
                    itself (logged in) or the desk (admin credential). --skills and
                    --links replace the lists ("" clears them); --show replaces the
                    fields shown network-wide (--show "" hides them all: other sites
                    then clear them). --revoke-tokens: every token of the member issued
                    so far is refused, at every node within seconds (a lost laptop;
                    'logout' does it for the member).
  member erase ID   Drops a member's personal data everywhere; its id stays. At its
                    home site, by the member itself (logged in) or the desk.
  availability SPACE [--site SITE] --from DAY [--to DAY]
                    Free and total seats of each slot of SPACE, from DAY to DAY (--to
                    defaults to --from). --site: the venue that owns SPACE, by default
                    the node's own site; the node asks that venue's node.
  login --member ID [--ttl DURATION]
                    Gets the member's two tokens at its home site (--ttl: how long they
                    live, default 12h, at most 24h) and stores them in the token file: a
                    booking token, the only one the booking commands send and the only
                    one a node forwards to another venue, and an account token, for the
                    member's profile, refreshes and logout at its home site. Prints the
                    member and when the tokens expire. The desk signs the member in with
                    the admin credential, if given; otherwise the stored account token is
                    refreshed, at most until 7 days after the desk's sign-in.
  logout            Revokes the member's tokens at its home site (every node refuses
                    them within seconds), then deletes the token file.
  book SPACE [--site SITE] [--member ID] --start TIME --end TIME [--seats N] [--key KEY]
                    Books SPACE for a member, from the start of a slot to the end of a
                    slot (desk pools: half-days; meeting rooms: blocks). --site: the
                    venue that owns SPACE, by default the node's own site; the node
                    forwards the booking to that venue's node, and TIME is a time at
                    that venue. --seats defaults to 1; a room is booked whole. The same
                    KEY returns the same booking, so a retry never books twice. Without
                    --key, a key is generated and printed (on stderr): retry a failed or
                    timed-out booking with it.
                    Logged in, --member may be omitted: the node takes the member from
                    the token.
  booking ID        One booking, at any venue (a booking id starts with its venue's site).
  bookings --member ID [--all]
                    A member's itinerary: its bookings at every venue of the network, by
                    start, each with its venue (SITE) and its times in that venue's zone.
  bookings --space SPACE --day DAY [--all]
                    The bookings of SPACE that touch DAY (manager).
                    Both print one page; --all follows the pages to the end.
  cancel ID         Cancels a booking, at any venue; allowed until the venue's
                    cancellation window before the start.
  checkin ID        Checks a booking in; allowed from its start day until its end.
  visitors [--day DAY] [--all]
                    Members of other sites booked at this site on DAY, by default today
                    at the venue (in the site's time zone): booking, member, home site,
                    space, times at the venue, state (manager). Prints one page; --all
                    follows the pages to the end.
  settlement --month YYYY-MM
                    What members of each site spent at each other site that month, from
                    the network's replicated bookings: one line per host, home site and
                    currency, the home site owing the host the amount (manager). A
                    booking counts in the month of its first venue day.
  events [--city CITY] [--site SITE] [--from DAY] [--to DAY] [--tag TAG] [--all-states] [--all]
                    The whole network's events, by start, at any node; the filters
                    narrow together, DAY being a day at each event's venue. Cancelled
                    events are left out unless --all-states. Prints one page; --all
                    follows the pages to the end.
  event announce --title TITLE --start TIME --end TIME --capacity N [--tag TAG]...
                 [--description TEXT]
                    Announces an event at this site (manager); --tag may be repeated.
  event update ID [--title TITLE] [--start TIME --end TIME] [--capacity N]
                  [--description TEXT] [--tags TAG,TAG]
                    Changes the given fields of an event of this site (manager); --tags
                    replaces every tag, and --tags "" clears them.
  event cancel ID   Cancels an event of this site (manager).
  network status    What this node holds of each origin site, and its links to its
                    peers (manager).
  help              This text.

  The booking commands (book, booking, bookings --member, cancel, checkin) present the
  stored booking token, if there is one: the member acts on its own bookings only. Without
  one, or with --as_desk, they present the admin credential (the site's desk, acting for
  any member). With neither they fail: run 'cantinectl login --member ID' first.

  AMOUNT is in major units of the site's currency, with a point: 15, 15.5 or 15.50.
  DAY is a day at the venue, YYYY-MM-DD. TIME is a date and time at the venue,
  "YYYY-MM-DD HH:MM" or YYYY-MM-DDTHH:MM; 24:00 is the end of a day. Venue times are in
  the site's time zone, not yours, and are printed with that zone named.
  Event times are civil times at the event's venue, in its host site's time zone.
  After 'space', the words create, update and retire are commands, not space ids; after
  'member', register, update and erase are.

Global flags:
  --node HOST:PORT               The node to call. Default: $CANTINE_NODE, else )",
      kDefaultNode, R"(.
  --json                         Print the node's answer as JSON (proto3 JSON mapping).
  --admin_credential_file FILE   File whose first line is the admin credential; it is sent
                                 only with manager commands, 'member register', 'login'
                                 and, without a member token, the booking commands and
                                 'member ID'.
                                 Default: $CANTINE_ADMIN_CREDENTIAL_FILE.
  --token_file FILE              Where 'login' stores the member's tokens (mode 0600) and
                                 the member commands read them. Default:
                                 $CANTINE_TOKEN_FILE, else $HOME/.cantine/token.
  --as_desk                      Booking commands present the admin credential even when a
                                 member token is stored.
  --ca FILE                      Connect with TLS trusting the network CA in FILE (PEM; the
                                 local network's is state/certs/ca.pem). Default:
                                 $CANTINE_CA, else the system's trusted roots.
  --insecure                     Connect in plaintext, to a node started with --insecure.
  --timeout DURATION             Deadline of each call, such as 5s or 1500ms. Default: )",
      absl::FormatDuration(kDefaultTimeout), R"(.
  --help, -h                     This text.

Exit codes:
  0  success
  1  any other error
  2  usage error: bad flags or arguments (a malformed price or date, an unreadable
     credential or token file, no credential for a command that needs one), found
     before or without asking the node
  3  the node refused the request: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
     FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED
  4  the node could not be reached in time: UNAVAILABLE, DEADLINE_EXCEEDED
Errors are written to stderr as "cantinectl: CODE: message", CODE a gRPC status code name.
)");
}

std::string NewIdempotencyKey(absl::BitGenRef gen) {
  return absl::StrFormat("ctl-%016x%016x", absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen));
}

}  // namespace cantine::cantinectl
