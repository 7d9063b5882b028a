#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/bit_gen_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cantine/v1/common.pb.h"

namespace cantine::cantinectl {

// The command line: global flags, and the commands, each defined once by a CommandSpec (its
// words, flags, help text, reading and run) and registered in a CommandTable. Reading checks
// syntax only (a flag is known and has a value, a number is a number, a price is a decimal,
// a date is a calendar date); whether ids, names, seats, prices or times are acceptable is
// the node's call.

inline constexpr absl::string_view kDefaultNode = "127.0.0.1:7101";
inline constexpr absl::Duration kDefaultTimeout = absl::Seconds(5);
// How long a member token from 'login' lives unless --ttl says otherwise.
inline constexpr absl::Duration kDefaultTokenTtl = absl::Hours(12);

// What the process environment supplies, read by main so that parsing stays pure.
struct Environment {
  std::optional<std::string> node;                   // $CANTINE_NODE
  std::optional<std::string> admin_credential_file;  // $CANTINE_ADMIN_CREDENTIAL_FILE
  std::optional<std::string> token_file;             // $CANTINE_TOKEN_FILE
  std::optional<std::string> home;                   // $HOME
  std::optional<std::string> ca_file;                // $CANTINE_CA
  // A fresh random idempotency key, which 'book' uses when --key is absent. Drawn by main
  // (NewIdempotencyKey), like the variables above, so that parsing stays deterministic.
  std::string new_idempotency_key;
  // The current time, read by main: 'visitors' without --day lists today's, today being
  // the venue day at this instant in the site's time zone.
  absl::Time now = absl::UnixEpoch();
};

struct GlobalOptions {
  // gRPC target, host:port.
  std::string node{kDefaultNode};
  bool json = false;
  // Empty when neither the flag nor the environment names one.
  std::string admin_credential_file;
  // The deadline of each call.
  absl::Duration timeout = kDefaultTimeout;
  // Where 'login' keeps the member token: --token_file, else $CANTINE_TOKEN_FILE, else
  // $HOME/.cantine/token. Empty when none of them is set.
  std::string token_file;
  // --as_desk: booking commands present the admin credential even when a member token is
  // stored (the site's desk acting for a member).
  bool as_desk = false;
  // The node's transport: TLS trusting the CA in `ca_file` (--ca, else $CANTINE_CA), or the
  // system's roots when empty; plaintext when `insecure` (--insecure; `ca_file` is then empty).
  std::string ca_file;
  bool insecure = false;
};

class Console;
// A command read from the command line, ready to run against the node. An error is the
// call's, or one marked UsageError or LocalFailure (exit_codes.h).
using Action = std::function<absl::Status(Console&)>;

// A flag's syntax, the same in every command that takes it.
enum class FlagKind {
  kSwitch,    // --all, --all=true, --all=false
  kValue,     // --name VALUE or --name=VALUE, at most once
  kRepeated,  // --tag VALUE, any number of times
};
struct FlagSpec {
  constexpr FlagSpec(const char* name, FlagKind kind = FlagKind::kValue) : name(name), kind(kind) {}
  absl::string_view name;  // Without its dashes.
  FlagKind kind;
};

// The arguments a command's `read` takes its values from.
class CommandLine {
 public:
  CommandLine(std::vector<std::string> arguments,
              absl::flat_hash_map<std::string, std::vector<std::string>> flags,
              const Environment& env)
      : arguments_(std::move(arguments)), flags_(std::move(flags)), env_(env) {}

  // The positional arguments after the command's words, as many as its spec says.
  const std::vector<std::string>& arguments() const { return arguments_; }
  const Environment& env() const { return env_; }
  // The value of a flag; the last one of a repeated flag.
  std::optional<std::string> Take(absl::string_view flag);
  // Every value of a flag, in order; none when it is absent.
  std::vector<std::string> TakeAll(absl::string_view flag);
  // A switch: false when absent.
  bool TakeBool(absl::string_view flag) { return Take(flag).value_or("false") == "true"; }
  // The value of `flag`; INVALID_ARGUMENT "--FLAG is empty" and `hint` when it is given empty.
  absl::StatusOr<std::optional<std::string>> TakeNonEmpty(absl::string_view flag,
                                                          absl::string_view hint = "");
  // The value of `flag`, nullopt when it is absent, read as: a venue day, YYYY-MM-DD, that
  // exists; a venue date and time, "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM" (24:00 is the
  // end of a day); a whole number of `unit` ("seats"); a positive, finite duration such as
  // `example` ("5s or 1500ms").
  absl::StatusOr<std::optional<v1::CivilDate>> TakeDay(absl::string_view flag);
  absl::StatusOr<std::optional<v1::CivilDateTime>> TakeTime(absl::string_view flag);
  absl::StatusOr<std::optional<int32_t>> TakeCount(absl::string_view flag, absl::string_view unit);
  absl::StatusOr<std::optional<absl::Duration>> TakeDuration(absl::string_view flag,
                                                             absl::string_view example);

 private:
  std::vector<std::string> arguments_;
  absl::flat_hash_map<std::string, std::vector<std::string>> flags_;
  const Environment& env_;
};

// Reads the command line, INVALID_ARGUMENT for anything that does not parse, into what runs
// the command.
using Reader = std::function<absl::StatusOr<Action>(CommandLine&)>;

// One command, defined in one place.
struct CommandSpec {
  // The words that name it ("space create"); after them come `arguments` positional ones.
  absl::string_view words = "";
  size_t arguments = 0;
  // How errors name it ("--x does not apply to 'NAME'"): `words` unless given.
  absl::string_view name = "";
  // What errors quote after "usage: cantinectl "; by default the synopsis of `help`.
  absl::string_view usage = "";
  // Its entry under "Commands:" in --help, each line ending with a newline.
  absl::string_view help = "";
  std::vector<FlagSpec> flags = {};
  // Only called once the words, arguments and flags have the shape above.
  Reader read = nullptr;
  // False for a command that never calls the node ('admin init-network').
  bool calls_node = true;
};

// Every command of cantinectl, in the order of --help.
class CommandTable {
 public:
  // A command; a command name "WORD" also begins the commands "WORD VERB ..." of its group.
  // The command named is the one whose words begin the command line, the one of most words.
  void Add(CommandSpec command) { commands_.push_back(std::move(command)); }
  // `word` only begins commands ("event announce"; "admin site" begins "admin site add"):
  // alone, or followed by an unknown verb, it is an error quoting `usage`.
  void AddGroup(absl::string_view word, absl::string_view usage) {
    groups_.emplace_back(word, usage);
  }

  const std::vector<CommandSpec>& commands() const { return commands_; }
  // The usage of the group `word`; null when `word` is no group.
  const absl::string_view* GroupUsage(absl::string_view word) const;

 private:
  std::vector<CommandSpec> commands_;
  std::vector<std::pair<absl::string_view, absl::string_view>> groups_;
};

// The `read` of a command that takes no argument or flag of its own: it always runs `run`.
inline Reader Runs(Action run) {
  return [run](CommandLine&) -> absl::StatusOr<Action> { return run; };
}

// The `read` of a command whose one argument is an id: a `Request` with that id in the
// field `id` points to, run by `run`, which makes the command's Action of it.
template <typename Request, typename Run>
Reader ReadIdArgument(std::string* (Request::*id)(), Run run) {
  return [id, run](CommandLine& line) -> absl::StatusOr<Action> {
    Request request;
    *(request.*id)() = line.arguments()[0];
    return Action(run(std::move(request)));
  };
}

// The command groups, one file each.
void AddSiteCommands(CommandTable& table);      // site_commands.cc
void AddMemberCommands(CommandTable& table);    // member_commands.cc
void AddBookingCommands(CommandTable& table);   // booking_commands.cc
void AddEventCommands(CommandTable& table);     // event_commands.cc
void AddCalendarCommands(CommandTable& table);  // calendar_commands.cc
void AddAdminCommands(CommandTable& table);     // admin_commands.cc

struct Invocation {
  GlobalOptions options;
  Action run;
  // False for help, and for the commands that never call the node.
  bool calls_node = true;
};

// Parses the arguments after the program name. Global flags may come before or after the
// command; "--flag value" and "--flag=value" are both accepted; "--" ends the flags. A flag
// is given at most once, except the repeated ones (--tag of event announce...).
// --help or -h anywhere, or the command "help", prints UsageText. INVALID_ARGUMENT with a
// message a person can act on for anything else that does not parse.
absl::StatusOr<Invocation> ParseArguments(const std::vector<std::string>& args,
                                          const Environment& env);

// The --help text: commands, flags, environment and exit codes.
std::string UsageText();

// A random idempotency key for a booking: "ctl-" and 32 hex digits (128 bits from `gen`).
std::string NewIdempotencyKey(absl::BitGenRef gen);

// Readers of flag values shared by the commands; INVALID_ARGUMENT naming `flag`.

// A whole number of `unit` ("seats").
absl::StatusOr<int32_t> ParseCount(absl::string_view flag, absl::string_view text,
                                   absl::string_view unit);
// "a, b": the entries, spaces around each ignored; "" is none.
std::vector<std::string> ParseList(absl::string_view text);
// OK when every flag of `flags` is given; else INVALID_ARGUMENT "COMMAND needs --a, --b".
absl::Status RequireFlags(CommandLine& line, std::initializer_list<absl::string_view> flags,
                          absl::string_view command);
// OK when `any` (an update has something to change); else INVALID_ARGUMENT "COMMAND needs at
// least one of FLAGS".
absl::Status RequireAnyOf(bool any, absl::string_view command, absl::string_view flags);
// --site, the venue that owns a space: "" when absent (the node's own site).
absl::StatusOr<std::string> TakeVenue(CommandLine& line);

}  // namespace cantine::cantinectl
