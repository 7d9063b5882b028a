// Writes, with the node's iCalendar writer, a calendar of two-hour entries starting at the
// civil times given, for ical_roundtrip_test.py to read back with python3-icalendar.
//
// Usage: ical_samples OUT_FILE ZONE=YYYY-MM-DDTHH:MM [ZONE=YYYY-MM-DDTHH:MM]...
// Entry i has UID "sample-i"; entry 1 is cancelled.

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/calendar/ical_writer.h"

int main(int argc, char** argv) {
  using cantine::calendar::CalendarEntry;
  if (argc < 3) {
    std::cerr << "usage: ical_samples OUT_FILE ZONE=YYYY-MM-DDTHH:MM...\n";
    return 2;
  }
  std::vector<CalendarEntry> entries;
  for (int i = 2; i < argc; ++i) {
    const std::vector<std::string> parts = absl::StrSplit(argv[i], '=');
    absl::TimeZone zone;
    absl::CivilMinute local;
    if (parts.size() != 2 || !absl::LoadTimeZone(parts[0], &zone) ||
        !absl::ParseCivilTime(parts[1], &local)) {
      std::cerr << "not ZONE=YYYY-MM-DDTHH:MM: " << argv[i] << "\n";
      return 2;
    }
    const absl::Time start = absl::FromCivil(local, zone);
    const int index = static_cast<int>(entries.size());
    entries.push_back({.uid = absl::StrCat("sample-", index),
                       .summary = absl::StrCat("Sample ", index, ", at ", parts[0]),
                       .description = "",
                       .location = "",
                       .time_zone = parts[0],
                       .start = start,
                       .end = start + absl::Hours(2),
                       .cancelled = index == 1,
                       .last_modified = absl::FromUnixSeconds(1'790'000'000)});
  }
  const absl::StatusOr<std::string> written = cantine::calendar::WriteCalendar("Samples", entries);
  if (!written.ok()) {
    std::cerr << written.status() << "\n";
    return 1;
  }
  std::ofstream(argv[1], std::ios::binary) << *written;
  return 0;
}
