// Reading workload traces, with the CSV pieces the price trace reader uses
// (spotburst/internal/csv_fields.h): lines split as string_views, timestamps
// by hand.
#include "workload_trace.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/csv_fields.h"
#include "spotburst/internal/file_util.h"

namespace spotburst::sim::internal {
namespace {

// Bigger than any real trace (a year at one row per minute is ~40 MB).
constexpr size_t kMaxWorkloadFileBytes = size_t{1} << 30;
constexpr std::string_view kHeaderPrefix = "timestamp,cpus_used,mem_gib_used";

using spotburst::internal::CheckHeader;
using spotburst::internal::LineError;
using spotburst::internal::LineReader;
using spotburst::internal::ParseAmount;
using spotburst::internal::ParseUtcTimestamp;
using spotburst::internal::SplitFields;

}  // namespace

absl::StatusOr<std::vector<WorkloadSample>> ParseWorkloadCsv(
    std::string_view text, std::string_view source) {
  LineReader lines(text);
  if (absl::Status s = CheckHeader(kHeaderPrefix, source, lines,
                                   /*prefix_only=*/true);
      !s.ok()) {
    return s;
  }
  std::vector<WorkloadSample> samples;
  std::array<std::string_view, 3> fields;
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const int number = lines.number();
    const size_t columns = SplitFields(line, fields);
    if (columns < fields.size()) {
      return LineError(
          source, number,
          absl::StrFormat("want at least 3 columns, got %d", columns));
    }
    WorkloadSample sample;
    if (!ParseUtcTimestamp(fields[0], &sample.time)) {
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
  if (samples.empty()) {
    return LineError(source, lines.number(), "no samples after the header");
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
