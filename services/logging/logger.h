#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cantine::logging {

// Level policy:
//   kError:   the node cannot do what it must (cannot open its database, lost a write);
//             an operator has to act.
//   kWarning: something is wrong but the node copes (a peer unreachable, insecure mode,
//             a refused entry); worth a look if it repeats.
//   kInfo:    one line per lifecycle event (start, listening, shutdown, first-start seed)
//             and per manager or admin write. Never per read.
//   kDebug:   per-request detail, off by default.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Sets the lowest level written, process-wide; called once by main from its flag.
void SetMinLogLevel(LogLevel level);

// Writes one line per event to stderr: "<UTC time> <level> <component>: <message>".
// A line is written with a single write(2), so concurrent lines never interleave.
// Thread-safe; cheap to copy.
class Logger {
 public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  template <typename... Args>
  void Debug(const Args&... args) const {
    Write(LogLevel::kDebug, absl::StrCat(args...));
  }
  template <typename... Args>
  void Info(const Args&... args) const {
    Write(LogLevel::kInfo, absl::StrCat(args...));
  }
  template <typename... Args>
  void Warning(const Args&... args) const {
    Write(LogLevel::kWarning, absl::StrCat(args...));
  }
  template <typename... Args>
  void Error(const Args&... args) const {
    Write(LogLevel::kError, absl::StrCat(args...));
  }

 private:
  void Write(LogLevel level, absl::string_view message) const;

  std::string component_;
};

}  // namespace cantine::logging
