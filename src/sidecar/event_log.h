// Structured log lines for spotburstd: one line per event on stderr, in
// key=value form (the default), e.g.
//
//   time=2024-05-01T10:00:00.123Z event=listening address=127.0.0.1:50551
//   tls=off
//
// or, after SetLogFormat(LogFormat::kJson), one JSON object per line, every
// value a string, the fields in the order given:
//
//   {"time":"2024-05-01T10:00:00.123Z","event":"listening",
//   "address":"127.0.0.1:50551","tls":"off"}
//
// Values with spaces, quotes or '=' are quoted and escaped; control
// characters never reach the terminal, and JSON lines stay valid UTF-8
// (bad bytes become U+FFFD). Callers log paths, names, counts and status
// messages, never certificate or key contents nor request headers. Safe to
// call from any thread; lines never interleave.
//
//   LogEvent("policy_loaded", {{"name", name}, {"revision", revision}});
#ifndef SPOTBURST_SIDECAR_EVENT_LOG_H_
#define SPOTBURST_SIDECAR_EVENT_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace spotburst::sidecar {

using LogField = std::pair<absl::string_view, std::string>;

enum class LogFormat { kKeyValue, kJson };

// The format of the lines LogEvent writes from now on, process-wide. Set it
// once at startup, before the first event if possible.
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();

// "text" (key=value) or "json"; otherwise InvalidArgument "must be text or
// json, not \"xml\"", to which the caller adds the option's name.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// Writes `time=... event=<event> <fields...>` (or the JSON object) as one
// line to stderr.
void LogEvent(absl::string_view event, std::initializer_list<LogField> fields);

// The line LogEvent writes in `format`, without the time (for tests).
std::string FormatEventForTest(absl::string_view event,
                               std::initializer_list<LogField> fields,
                               LogFormat format = LogFormat::kKeyValue);

// "File too large (errno 27)": the message and the number, for events about
// failed system calls. Thread-safe, unlike strerror.
std::string ErrnoText(int error_number);

// While one is alive, the lines LogEvent writes go to it instead of stderr
// (for tests that check what the daemon would log). One at a time.
class ScopedEventCapture {
 public:
  ScopedEventCapture();
  ~ScopedEventCapture();
  ScopedEventCapture(const ScopedEventCapture&) = delete;
  ScopedEventCapture& operator=(const ScopedEventCapture&) = delete;

  // The lines captured so far, in the format set when each was logged,
  // without their times.
  std::vector<std::string> lines() const;

 private:
  friend void LogEvent(absl::string_view, std::initializer_list<LogField>);
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Lets one kind of event through at most once per `interval` and counts
// what it held back, so that a flood of bad requests cannot flood the log.
class LogRateLimiter {
 public:
  explicit LogRateLimiter(absl::Duration interval) : interval_(interval) {}

  // True when the caller should log now; `suppressed` is then the number of
  // events held back since the last one logged.
  bool Allow(absl::Time now, int64_t& suppressed);

 private:
  const absl::Duration interval_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_EVENT_LOG_H_
