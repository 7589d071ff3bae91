// The reports' shared sentences (report_notes.h).
#include "report_notes.h"

#include "absl/strings/str_format.h"

namespace spotburst::sim::internal {
namespace {

// Unserved demand below this share is rounding on the evaluation grid.
constexpr double kServedTolerance = 1e-9;

std::string Name(BillingModel model) {
  const std::string_view name = BillingModelName(model);
  return std::string(name.data(), name.size());
}

}  // namespace

std::string RegretPercent(const SimulationTotals& t) {
  const double regret = Regret(t);
  if (t.hindsight_reference_usd <= 0) return regret <= 0 ? "0.0" : "-";
  return absl::StrFormat("%.1f", 100 * regret / t.hindsight_reference_usd);
}

std::string FormatWhen(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone());
}

std::vector<std::string> BelowReferenceReasons(const SimulationTotals& t) {
  std::vector<std::string> reasons;
  if (t.served_share < 1 - kServedTolerance) {
    reasons.push_back(
        absl::StrFormat("it left %.2f CPU-hours unserved (served %.2f %%)",
                        t.unmet_hours.cpus, 100 * t.served_share));
  }
  if (t.uncharged_interrupted_hours > 0) {
    reasons.push_back(absl::StrFormat(
        "%.2f instance-hours cut short by interruptions were not charged",
        t.uncharged_interrupted_hours));
  }
  if (t.billing == BillingModel::kHourly && t.spot_instance_hours > 0) {
    reasons.push_back(
        "hourly billing charged each hour at the price when it started");
  }
  if (reasons.empty()) {
    // Nothing above applies: say what the reference does not count.
    reasons.push_back(
        "the reference is measured to the second, the run on its evaluation "
        "grid");
  }
  return reasons;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string BillingMismatch(const SimulationTotals& t) {
  if (t.billing == t.policy_billing) return "";
  return absl::StrFormat(
      "the cloud bills %s but the policy assumes %s billing: its scale-in "
      "timing is not tuned to this bill",
      Name(t.billing), Name(t.policy_billing));
}

}  // namespace spotburst::sim::internal
