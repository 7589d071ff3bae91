// Reading workload traces. A year of 5-minute samples is ~105k rows, so the
// common timestamp form is parsed by hand (absl::ParseTime is the fallback)
// and lines are split as string_views without copies.
#include "workload_trace.h"

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "file_util.h"

namespace spotburst::sim::internal {
namespace {

// Bigger than any real trace (a year at one row per minute is ~40 MB).
constexpr size_t kMaxWorkloadFileBytes = size_t{1} << 30;
constexpr std::string_view kHeaderPrefix = "timestamp,cpus_used,mem_gib_used";

// Debian's abseil has its own string_view type.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

absl::Status LineError(std::string_view source, int line,
                       std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s:%d: %s", source, line, what));
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

// "YYYY-MM-DDTHH:MM:SSZ" by hand, other RFC 3339 forms via absl.
bool ParseTimestamp(std::string_view s, absl::Time* out) {
  int y, mo, d, h, mi, se;
  if (s.size() == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
      s[13] == ':' && s[16] == ':' && s[19] == 'Z' && Digits(s, 0, 4, &y) &&
      Digits(s, 5, 2, &mo) && Digits(s, 8, 2, &d) && Digits(s, 11, 2, &h) &&
      Digits(s, 14, 2, &mi) && Digits(s, 17, 2, &se) && mo >= 1 && mo <= 12 &&
      d >= 1 && h < 24 && mi < 60 && se < 60) {
    const absl::CivilSecond civil(y, mo, d, h, mi, se);
    // CivilSecond normalises 2013-02-30 to March; refuse such dates.
    if (civil.day() != d) return false;
    *out = absl::FromCivil(civil, absl::UTCTimeZone());
    return true;
  }
  std::string err;
  return absl::ParseTime(absl::RFC3339_full, Sv(s), out, &err);
}

absl::Status ParseAmount(std::string_view s, std::string_view what,
                         double* out) {
  if (!absl::SimpleAtod(Sv(s), out) || !std::isfinite(*out)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("bad %s \"%s\"", what, s));
  }
  if (*out < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s %s must be >= 0", what, s));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<WorkloadSample>> ParseWorkloadCsv(
    std::string_view text, std::string_view source) {
  std::vector<WorkloadSample> samples;
  int number = 0;
  bool header_seen = false;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    if (!header_seen) {
      if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
      if (line.substr(0, kHeaderPrefix.size()) != kHeaderPrefix ||
          (line.size() > kHeaderPrefix.size() &&
           line[kHeaderPrefix.size()] != ',')) {
        return LineError(source, number,
                         absl::StrFormat("bad header \"%s\"; want one that "
                                         "starts with \"%s\"",
                                         line, kHeaderPrefix));
      }
      header_seen = true;
      continue;
    }
    if (line.empty()) continue;
    std::string_view fields[3];
    std::string_view rest = line;
    for (int i = 0; i < 3; ++i) {
      const size_t comma = rest.find(',');
      if (comma == std::string_view::npos && i < 2) {
        return LineError(
            source, number,
            absl::StrFormat("want at least 3 columns, got %d", i + 1));
      }
      fields[i] = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view()
                                             : rest.substr(comma + 1);
    }
    WorkloadSample sample;
    if (!ParseTimestamp(fields[0], &sample.time)) {
      return LineError(source, number,
                       absl::StrFormat("bad timestamp \"%s\"", fields[0]));
    }
    absl::Status s = ParseAmount(fields[1], "cpus_used", &sample.cpus_used);
    if (s.ok())
      s = ParseAmount(fields[2], "mem_gib_used", &sample.mem_gib_used);
    if (!s.ok()) return LineError(source, number, std::string(s.message()));
    if (!samples.empty() && sample.time <= samples.back().time) {
      // Demand is replayed as steps in time order; an unordered trace is
      // more likely a concatenation mistake than something to sort.
      return LineError(
          source, number,
          absl::StrFormat("timestamp %s is not after the previous row's",
                          fields[0]));
    }
    samples.push_back(sample);
  }
  if (!header_seen) {
    return LineError(source, 1,
                     absl::StrFormat("empty file; want a header starting "
                                     "with \"%s\"",
                                     kHeaderPrefix));
  }
  if (samples.empty()) {
    return LineError(source, number, "no samples after the header");
  }
  return samples;
}

absl::StatusOr<std::vector<WorkloadSample>> ReadWorkloadCsv(
    const std::string& path) {
  absl::StatusOr<std::string> text = spotburst::internal::ReadFileToString(
      path, "workload trace", kMaxWorkloadFileBytes);
  if (!text.ok()) return text.status();
  return ParseWorkloadCsv(*text, path);
}

}  // namespace spotburst::sim::internal
