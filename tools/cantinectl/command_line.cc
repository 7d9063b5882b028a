#include "tools/cantinectl/command_line.h"

#include <algorithm>
#include <utility>

#include "CLI/CLI.hpp"
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
#include "storage/status_macros.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/exit_codes.h"

namespace cantine::cantinectl {
namespace {

constexpr FlagSpec kGlobalFlags[] = {
    {"node", FlagKind::kValue},
    {"json", FlagKind::kSwitch},
    {"admin_credential_file", FlagKind::kValue},
    {"timeout", FlagKind::kValue},
    {"token_file", FlagKind::kValue},
    {"as_desk", FlagKind::kSwitch},
    {"ca", FlagKind::kValue},
    {"insecure", FlagKind::kSwitch},
    {"help", FlagKind::kSwitch},
};

// Every command, in the order of --help; built once.
const CommandTable& Commands() {
  static const CommandTable* const table = [] {
    auto* commands = new CommandTable();
    AddSiteCommands(*commands);
    AddMemberCommands(*commands);
    AddBookingCommands(*commands);
    AddEventCommands(*commands);
    AddCalendarCommands(*commands);
    AddAdminCommands(*commands);
    return commands;
  }();
  return *table;
}

// Every flag, global or of a command, with its syntax.
std::vector<FlagSpec> AllFlags() {
  std::vector<FlagSpec> flags(std::begin(kGlobalFlags), std::end(kGlobalFlags));
  for (const CommandSpec& command : Commands().commands()) {
    for (const FlagSpec& flag : command.flags) {
      if (std::none_of(flags.begin(), flags.end(),
                       [&](const FlagSpec& known) { return known.name == flag.name; })) {
        flags.push_back(flag);
      }
    }
  }
  return flags;
}

absl::Status SwitchValueError(absl::string_view flag, absl::string_view value) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, " takes no value (or =true, =false), not '", value, "'"));
}

// The command line split into flags (name to values, in order, "true"/"false" for
// switches) and positional words, in order.
struct SplitArguments {
  absl::flat_hash_map<std::string, std::vector<std::string>> flags;
  std::vector<std::string> positionals;
};

// `args` read by CLI11: every flag of every command, "--name value" or "--name=value",
// before or after the command; "--" ends the flags. The first error in this order: a value
// missing, an unknown flag, a flag given twice, a switch given a value other than true or
// false.
absl::StatusOr<SplitArguments> Split(const std::vector<std::string>& args) {
  CLI::App app;
  app.set_help_flag();  // --help and -h are read as the other flags are.
  app.allow_extras();   // Unknown flags: reported below, as cantinectl words it.
  SplitArguments split;
  app.add_option("words", split.positionals);
  const std::vector<FlagSpec> flags = AllFlags();
  std::vector<CLI::Option*> options;
  for (const FlagSpec& flag : flags) {
    const std::string names = absl::StrCat(flag.name == "help" ? "-h," : "", "--", flag.name);
    CLI::Option* option =
        flag.kind == FlagKind::kSwitch ? app.add_flag(names) : app.add_option(names);
    options.push_back(option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  }
  // CLI11 reads "--name=" as a flag without its value: an empty value is given apart.
  // CLI11 reads the vector from its back.
  std::vector<std::string> reversed;
  const auto end = std::find(args.begin(), args.end(), "--");
  reversed.insert(reversed.end(), args.rbegin(), std::make_reverse_iterator(end));
  for (auto arg = std::make_reverse_iterator(end); arg != args.rend(); ++arg) {
    const auto given_empty = std::find_if(flags.begin(), flags.end(), [&](const FlagSpec& flag) {
      return *arg == absl::StrCat("--", flag.name, "=");
    });
    if (given_empty != flags.end() && given_empty->kind == FlagKind::kSwitch) {
      return SwitchValueError(given_empty->name, "");
    }
    if (given_empty != flags.end()) reversed.emplace_back();
    reversed.push_back(given_empty != flags.end() ? arg->substr(0, arg->size() - 1) : *arg);
  }
  try {
    app.parse(reversed);
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
  for (size_t i = 0; i < flags.size(); ++i) {
    std::vector<std::string> values = options[i]->results();
    if (values.empty()) continue;
    if (values.size() > 1 && flags[i].kind != FlagKind::kRepeated) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flags[i].name, " is given more than once"));
    }
    for (const std::string& value : values) {
      if (flags[i].kind == FlagKind::kSwitch && value != "true" && value != "false") {
        return SwitchValueError(flags[i].name, value);
      }
    }
    split.flags[flags[i].name] = std::move(values);
  }
  return split;
}

// The value of the global flag `flag` (`hint` says what to give when it is empty), else
// `env` when it is set and not empty, else `otherwise`.
absl::StatusOr<std::string> FlagOrEnv(CommandLine& flags, absl::string_view flag,
                                      const std::optional<std::string>& env,
                                      std::string otherwise = "", absl::string_view hint = "") {
  ASSIGN_OR_RETURN(std::optional<std::string> value, flags.TakeNonEmpty(flag, hint));
  if (value.has_value()) return *std::move(value);
  return env.has_value() && !env->empty() ? *env : otherwise;
}

absl::StatusOr<GlobalOptions> ReadGlobalOptions(CommandLine& flags, const Environment& env) {
  GlobalOptions options;
  ASSIGN_OR_RETURN(options.node,
                   FlagOrEnv(flags, "node", env.node, options.node, "; give HOST:PORT"));
  options.json = flags.TakeBool("json");
  ASSIGN_OR_RETURN(options.admin_credential_file,
                   FlagOrEnv(flags, "admin_credential_file", env.admin_credential_file));
  ASSIGN_OR_RETURN(const std::optional<absl::Duration> timeout,
                   flags.TakeDuration("timeout", "5s or 1500ms"));
  options.timeout = timeout.value_or(options.timeout);
  const std::string home = env.home.value_or("");
  ASSIGN_OR_RETURN(options.token_file,
                   FlagOrEnv(flags, "token_file", env.token_file,
                             home.empty() ? "" : absl::StrCat(home, "/.cantine/token")));
  options.as_desk = flags.TakeBool("as_desk");
  options.insecure = flags.TakeBool("insecure");
  // With --insecure, $CANTINE_CA is ignored: a CA file then comes from --ca only.
  ASSIGN_OR_RETURN(options.ca_file,
                   FlagOrEnv(flags, "ca", options.insecure ? std::nullopt : env.ca_file, "",
                             "; give the CA's PEM file"));
  if (options.insecure && !options.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--ca and --insecure exclude each other: --ca trusts a CA for TLS, --insecure "
        "connects in plaintext");
  }
  return options;
}

// Whether `positionals` begin with `words`.
bool BeginsWith(const std::vector<std::string>& positionals,
                const std::vector<absl::string_view>& words) {
  return positionals.size() >= words.size() &&
         std::equal(words.begin(), words.end(), positionals.begin());
}

// The command the words of `positionals` name: of the commands whose words begin them, the
// one of most words ("space create ID" is 'space create', "space ID" is 'space');
// INVALID_ARGUMENT when none does.
absl::StatusOr<const CommandSpec*> FindCommand(const std::vector<std::string>& positionals) {
  const CommandTable& table = Commands();
  std::vector<absl::string_view> names;
  for (const CommandSpec& command : table.commands()) {
    const absl::string_view word = command.words.substr(0, command.words.find(' '));
    if (std::find(names.begin(), names.end(), word) == names.end()) names.push_back(word);
  }
  if (positionals.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no command given (", absl::StrJoin(names, ", "), ")"));
  }
  const CommandSpec* found = nullptr;
  size_t found_words = 0;
  for (const CommandSpec& command : table.commands()) {
    const std::vector<absl::string_view> words = absl::StrSplit(command.words, ' ');
    if (words.size() > found_words && BeginsWith(positionals, words)) {
      found = &command;
      found_words = words.size();
    }
  }
  if (found != nullptr) return found;
  // The group of most words that begins them ("admin site", then "admin").
  for (size_t count = positionals.size(); count > 0; --count) {
    const std::string group = absl::StrJoin(positionals.begin(), positionals.begin() + count, " ");
    const absl::string_view* usage = table.GroupUsage(group);
    if (usage == nullptr) continue;
    const std::string verb = count < positionals.size() ? positionals[count] : "";
    return absl::InvalidArgumentError(
        absl::StrCat(verb.empty() ? "" : absl::StrCat("unknown ", group, " command '", verb, "'; "),
                     "usage: cantinectl ", *usage));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command '", positionals[0], "' (", absl::StrJoin(names, ", "), ")"));
}

// What errors quote after "usage: cantinectl ": the command's own usage, else the synopsis
// of its --help entry, the words and flags before its description, on one line.
std::string Usage(const CommandSpec& command) {
  if (!command.usage.empty()) return std::string(command.usage);
  std::vector<absl::string_view> synopsis;
  for (absl::string_view line : absl::StrSplit(command.help, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!synopsis.empty() && !absl::StartsWith(line, "[")) break;
    synopsis.push_back(line.substr(0, line.find("   ")));
  }
  return absl::StrJoin(synopsis, " ");
}

// OK when `command` got its words and arguments and no flag it does not take; otherwise
// INVALID_ARGUMENT quoting its usage.
absl::Status CheckShape(const CommandSpec& command, const SplitArguments& split) {
  const size_t count =
      std::vector<absl::string_view>(absl::StrSplit(command.words, ' ')).size() + command.arguments;
  const std::vector<std::string>& positionals = split.positionals;
  if (positionals.size() < count) {
    return absl::InvalidArgumentError(absl::StrCat("usage: cantinectl ", Usage(command)));
  }
  if (positionals.size() > count) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", positionals[count],
                                                   "'; usage: cantinectl ", Usage(command)));
  }
  std::vector<std::string> stray;
  for (const auto& given : split.flags) {
    const std::string& name = given.first;
    const auto takes = [&](const FlagSpec& flag) { return flag.name == name; };
    if (std::none_of(std::begin(kGlobalFlags), std::end(kGlobalFlags), takes) &&
        std::none_of(command.flags.begin(), command.flags.end(), takes)) {
      stray.push_back(absl::StrCat("--", name));
    }
  }
  if (stray.empty()) return absl::OkStatus();
  std::sort(stray.begin(), stray.end());
  return absl::InvalidArgumentError(
      absl::StrCat(absl::StrJoin(stray, ", "), stray.size() == 1 ? " does" : " do",
                   " not apply to '", command.name.empty() ? command.words : command.name, "'"));
}

// Whether `text` is written as `pattern`: a digit for each 'd', every other character itself.
bool IsWritten(absl::string_view text, absl::string_view pattern) {
  return text.size() == pattern.size() &&
         std::equal(text.begin(), text.end(), pattern.begin(), [](char c, char p) {
           return p == 'd' ? absl::ascii_isdigit(static_cast<unsigned char>(c)) : c == p;
         });
}

// The number written in `text`, digits only.
int Number(absl::string_view text) {
  int number = 0;
  return absl::SimpleAtoi(text, &number) ? number : -1;
}

// Whether the day exists (no February 30) is checked as the node checks it, by
// rpc::CivilDayFromProto.
absl::StatusOr<absl::CivilDay> ParseVenueDay(absl::string_view flag, absl::string_view text) {
  if (!IsWritten(text, "dddd-dd-dd")) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text, "' is not a date; write YYYY-MM-DD, such as 2027-01-11"));
  }
  v1::CivilDate date;
  date.set_year(Number(text.substr(0, 4)));
  date.set_month(Number(text.substr(5, 2)));
  date.set_day(Number(text.substr(8, 2)));
  return rpc::CivilDayFromProto(flag, date);
}

// Checked as the node checks it, by rpc::CivilMinuteFromProto.
absl::StatusOr<absl::CivilMinute> ParseVenueTime(absl::string_view flag, absl::string_view text) {
  if (!IsWritten(text, "dddd-dd-dd dd:dd") && !IsWritten(text, "dddd-dd-ddTdd:dd")) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text,
                     "' is not a date and time at the venue; write 2027-01-11 09:00 or "
                     "2027-01-11T09:00"));
  }
  v1::CivilDateTime time;
  time.set_year(Number(text.substr(0, 4)));
  time.set_month(Number(text.substr(5, 2)));
  time.set_day(Number(text.substr(8, 2)));
  time.set_hours(Number(text.substr(11, 2)));
  time.set_minutes(Number(text.substr(14, 2)));
  return rpc::CivilMinuteFromProto(flag, time);
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(absl::string_view flag, absl::string_view text,
                                                     absl::string_view example) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration <= absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text, "' is not a positive duration, such as ", example));
  }
  return duration;
}

}  // namespace

const absl::string_view* CommandTable::GroupUsage(absl::string_view word) const {
  for (const auto& [group, usage] : groups_) {
    if (group == word) return &usage;
  }
  return nullptr;
}

std::optional<std::string> CommandLine::Take(absl::string_view flag) {
  std::vector<std::string> values = TakeAll(flag);
  if (values.empty()) return std::nullopt;
  return std::move(values.back());
}

std::vector<std::string> CommandLine::TakeAll(absl::string_view flag) {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return {};
  return it->second;
}

absl::StatusOr<std::optional<std::string>> CommandLine::TakeNonEmpty(absl::string_view flag,
                                                                     absl::string_view hint) {
  std::optional<std::string> value = Take(flag);
  if (value.has_value() && value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " is empty", hint));
  }
  return value;
}

absl::StatusOr<std::optional<v1::CivilDate>> CommandLine::TakeDay(absl::string_view flag) {
  const std::optional<std::string> text = Take(flag);
  if (!text.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(const absl::CivilDay day, ParseVenueDay(absl::StrCat("--", flag), *text));
  return rpc::CivilDayToProto(day);
}

absl::StatusOr<std::optional<v1::CivilDateTime>> CommandLine::TakeTime(absl::string_view flag) {
  const std::optional<std::string> text = Take(flag);
  if (!text.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(const absl::CivilMinute time, ParseVenueTime(absl::StrCat("--", flag), *text));
  return rpc::CivilMinuteToProto(time);
}

absl::StatusOr<std::optional<int32_t>> CommandLine::TakeCount(absl::string_view flag,
                                                              absl::string_view unit) {
  const std::optional<std::string> text = Take(flag);
  if (!text.has_value()) return std::nullopt;
  return ParseCount(absl::StrCat("--", flag), *text, unit);
}

absl::StatusOr<std::optional<absl::Duration>> CommandLine::TakeDuration(absl::string_view flag,
                                                                        absl::string_view example) {
  const std::optional<std::string> text = Take(flag);
  if (!text.has_value()) return std::nullopt;
  return ParsePositiveDuration(absl::StrCat("--", flag), *text, example);
}

absl::StatusOr<Invocation> ParseArguments(const std::vector<std::string>& args,
                                          const Environment& env) {
  const Action print_usage = [](Console& console) {
    console.out() << UsageText();
    return absl::OkStatus();
  };
  ASSIGN_OR_RETURN(SplitArguments split, Split(args));
  CommandLine global({}, split.flags, env);
  if (global.TakeBool("help")) return Invocation{GlobalOptions(), print_usage, false};
  ASSIGN_OR_RETURN(GlobalOptions options, ReadGlobalOptions(global, env));
  if (!split.positionals.empty() && split.positionals[0] == "help") {
    return Invocation{std::move(options), print_usage, false};
  }
  ASSIGN_OR_RETURN(const CommandSpec* command, FindCommand(split.positionals));
  RETURN_IF_ERROR(CheckShape(*command, split));
  const size_t words = split.positionals.size() - command->arguments;
  CommandLine line({split.positionals.begin() + words, split.positionals.end()},
                   std::move(split.flags), env);
  ASSIGN_OR_RETURN(Action run, command->read(line));
  return Invocation{std::move(options), std::move(run), command->calls_node};
}

absl::StatusOr<int32_t> ParseCount(absl::string_view flag, absl::string_view text,
                                   absl::string_view unit) {
  int32_t count = 0;
  if (!absl::SimpleAtoi(text, &count) || absl::StrContains(text, ' ')) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " '", text, "' is not a whole number of ", unit));
  }
  return count;
}

std::vector<std::string> ParseList(absl::string_view text) {
  std::vector<std::string> values;
  for (absl::string_view value : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    values.emplace_back(absl::StripAsciiWhitespace(value));
  }
  return values;
}

absl::Status RequireFlags(CommandLine& line, std::initializer_list<absl::string_view> flags,
                          absl::string_view command) {
  std::vector<std::string> missing;
  for (absl::string_view flag : flags) {
    if (!line.Take(flag).has_value()) missing.push_back(absl::StrCat("--", flag));
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(command, " needs ", absl::StrJoin(missing, ", ")));
}

absl::Status RequireAnyOf(bool any, absl::string_view command, absl::string_view flags) {
  if (any) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(command, " needs at least one of ", flags));
}

absl::StatusOr<std::string> TakeVenue(CommandLine& line) {
  ASSIGN_OR_RETURN(
      std::optional<std::string> site,
      line.TakeNonEmpty("site", "; give a site id, or omit it for the node's own site"));
  return site.value_or("");
}

std::string UsageText() {
  std::string commands;
  for (const CommandSpec& command : Commands().commands()) absl::StrAppend(&commands, command.help);
  return absl::StrCat(
      R"(Usage: cantinectl [GLOBAL FLAGS] COMMAND [COMMAND FLAGS]

The command-line client of a Cantine Network node. Global flags may come before or
after the command.

Commands:
)",
      commands, R"(  help              This text.

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
