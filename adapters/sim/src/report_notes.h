// What the reports share (summary, comparison table, chart, CSV files), so
// that each says the same thing the same way: regret, why a run came in
// below the hindsight reference, whether the policy assumed another billing
// model than the cloud applied, and how a CSV field is quoted.
#ifndef SPOTBURST_SIM_SRC_REPORT_NOTES_H_
#define SPOTBURST_SIM_SRC_REPORT_NOTES_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/sim/result.h"

namespace spotburst::sim::internal {

// total - reference, USD.
inline double Regret(const SimulationTotals& t) {
  return t.total_cost_usd() - t.hindsight_reference_usd;
}

// Regret in percent of the reference, "%.1f"; "-" when the reference is
// zero and the cost is not.
std::string RegretPercent(const SimulationTotals& t);

// "2015-06-15 00:00" (UTC).
std::string FormatWhen(absl::Time t);

// What in this run can put its cost below the reference, e.g. "left 15.10
// CPU-hours unserved", "3.20 instance-hours cut short by interruptions were
// not charged"; never empty (falls back to what the reference leaves out).
std::vector<std::string> BelowReferenceReasons(const SimulationTotals& t);

// "the cloud bills per-second but the policy assumes hourly billing: ...";
// empty when they agree.
std::string BillingMismatch(const SimulationTotals& t);

// RFC 4180: a field with a comma, quote or line break goes in quotes, with
// its quotes doubled.
std::string CsvField(const std::string& text);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_REPORT_NOTES_H_
