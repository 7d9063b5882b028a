// The event commands: the network's events at any node; the host site's manager writes,
// their times civil times at the host venue.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"
#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {
namespace {

using EventStub = v1::EventService::StubInterface;

// The value of the filter flag `name`, "" when it is absent (no filter); INVALID_ARGUMENT
// when it is given empty or, repeated, more than once.
absl::StatusOr<std::string> TakeFilter(CommandLine& line, absl::string_view name) {
  if (line.TakeAll(name).size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " filters by one value only"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> value, line.TakeNonEmpty(name));
  return value.value_or("");
}

// Each filter is optional; days are at each event's own venue.
absl::StatusOr<Action> ReadEvents(CommandLine& line) {
  v1::ListEventsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_city(), TakeFilter(line, "city"));
  ASSIGN_OR_RETURN(*request.mutable_site_id(), TakeFilter(line, "site"));
  ASSIGN_OR_RETURN(*request.mutable_tag(), TakeFilter(line, "tag"));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> from, line.TakeDay("from"));
  if (from.has_value()) *request.mutable_from_day() = *from;
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDate> to, line.TakeDay("to"));
  if (to.has_value()) *request.mutable_to_day() = *to;
  request.set_include_cancelled(line.TakeBool("all-states"));
  return Send(Caller::kAnyone, &EventStub::ListEvents, request, FormatEvents, line.TakeBool("all"));
}

// The manager writes print the event they answer; an event's table needs no site: it
// carries its host's time zone.
absl::StatusOr<Action> ReadUpdate(CommandLine& line) {
  v1::UpdateEventRequest request;
  request.set_event_id(line.arguments()[0]);
  const std::optional<std::string> title = line.Take("title");
  const std::optional<std::string> description = line.Take("description");
  const std::optional<std::string> tags = line.Take("tags");
  if (title.has_value()) request.set_title(*title);
  if (description.has_value()) request.set_description(*description);
  if (line.Take("start").has_value() != line.Take("end").has_value()) {
    return absl::InvalidArgumentError(
        "event update moves an event with --start and --end together; give both");
  }
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> start, line.TakeTime("start"));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> end, line.TakeTime("end"));
  if (start.has_value()) *request.mutable_start() = *start;
  if (end.has_value()) *request.mutable_end() = *end;
  ASSIGN_OR_RETURN(const std::optional<int32_t> capacity, line.TakeCount("capacity", "people"));
  if (capacity.has_value()) request.set_capacity(*capacity);
  if (tags.has_value()) {
    // Replaces every tag; an empty list clears them.
    v1::TagList* list = request.mutable_tags();
    for (std::string& tag : ParseList(*tags)) list->add_tags(std::move(tag));
  }
  RETURN_IF_ERROR(RequireAnyOf(title.has_value() || description.has_value() || start.has_value() ||
                                   capacity.has_value() || tags.has_value(),
                               "event update",
                               "--title, --start and --end, --capacity, --description, --tags"));
  return Send(Caller::kManager, &EventStub::UpdateEvent, std::move(request), FormatEvent);
}

absl::StatusOr<Action> ReadAnnounce(CommandLine& line) {
  RETURN_IF_ERROR(RequireFlags(line, {"title", "start", "end", "capacity"}, "event announce"));
  v1::AnnounceEventRequest request;
  request.set_title(*line.Take("title"));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> start, line.TakeTime("start"));
  ASSIGN_OR_RETURN(const std::optional<v1::CivilDateTime> end, line.TakeTime("end"));
  ASSIGN_OR_RETURN(const std::optional<int32_t> capacity, line.TakeCount("capacity", "people"));
  *request.mutable_start() = *start;
  *request.mutable_end() = *end;
  request.set_capacity(*capacity);
  for (std::string& tag : line.TakeAll("tag")) request.add_tags(std::move(tag));
  request.set_description(line.Take("description").value_or(""));
  return Send(Caller::kManager, &EventStub::AnnounceEvent, std::move(request), FormatEvent);
}

}  // namespace

void AddEventCommands(CommandTable& table) {
  table.Add(
      {.words = "events",
       .help =
           R"(  events [--city CITY] [--site SITE] [--from DAY] [--to DAY] [--tag TAG] [--all-states] [--all]
                    The whole network's events, by start, at any node; the filters
                    narrow together, DAY being a day at each event's venue. Cancelled
                    events are left out unless --all-states. Prints one page; --all
                    follows the pages to the end.
)",
       .flags = {"city",
                 "site",
                 "from",
                 "to",
                 {"tag", FlagKind::kRepeated},
                 {"all-states", FlagKind::kSwitch},
                 {"all", FlagKind::kSwitch}},
       .read = ReadEvents});
  table.AddGroup("event", "event announce|update|cancel ... (see --help); 'events' lists them");
  table.Add(
      {.words = "event announce",
       .help = R"(  event announce --title TITLE --start TIME --end TIME --capacity N [--tag TAG]...
                 [--description TEXT]
                    Announces an event at this site (manager); --tag may be repeated.
)",
       .flags = {"title", "start", "end", "capacity", {"tag", FlagKind::kRepeated}, "description"},
       .read = ReadAnnounce});
  table.Add({.words = "event update",
             .arguments = 1,
             .help = R"(  event update ID [--title TITLE] [--start TIME --end TIME] [--capacity N]
                  [--description TEXT] [--tags TAG,TAG]
                    Changes the given fields of an event of this site (manager); --tags
                    replaces every tag, and --tags "" clears them.
)",
             .flags = {"title", "start", "end", "capacity", "description", "tags"},
             .read = ReadUpdate});
  table.Add({.words = "event cancel",
             .arguments = 1,
             .help = R"(  event cancel ID   Cancels an event of this site (manager).
)",
             .read = SendWithId(&v1::CancelEventRequest::mutable_event_id, Caller::kManager,
                                &EventStub::CancelEvent, FormatEvent)});
}

}  // namespace cantine::cantinectl
