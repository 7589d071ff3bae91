// Workload traces: what a cluster was asked to run, sampled over time.
//
// A workload trace is CSV whose header starts with
//   timestamp,cpus_used,mem_gib_used
// (more columns may follow and are ignored), one row per sample in strictly
// increasing time, timestamps in RFC 3339 UTC ("2013-07-01T00:05:00Z"), as
// in data/workload_bitbrains-*.csv. A malformed line is an InvalidArgument
// reading "FILE:LINE: what is wrong"; nothing is returned for a file with a
// bad line, as price traces do (src/io/price_trace.cc).
//
//   SPOTBURST_ASSIGN_OR_RETURN(std::vector<WorkloadSample> samples,
//                              ReadWorkloadCsv("data/workload.csv"));
#ifndef SPOTBURST_SIM_SRC_WORKLOAD_TRACE_H_
#define SPOTBURST_SIM_SRC_WORKLOAD_TRACE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace spotburst::sim::internal {

struct WorkloadSample {
  absl::Time time;
  double cpus_used = 0;
  double mem_gib_used = 0;
};

// `source` names the text in errors. At least one row is required.
absl::StatusOr<std::vector<WorkloadSample>> ParseWorkloadCsv(
    std::string_view text, std::string_view source);
absl::StatusOr<std::vector<WorkloadSample>> ReadWorkloadCsv(
    const std::string& path);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_WORKLOAD_TRACE_H_
