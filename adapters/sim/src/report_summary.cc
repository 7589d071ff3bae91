// FormatSummary: one simulation run's totals as a labelled table for the
// terminal.
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "report_markets.h"
#include "report_notes.h"
#include "spotburst/sim/report.h"

namespace spotburst::sim {
namespace {

using internal::BelowReferenceReasons;
using internal::BillingMismatch;
using internal::FormatWhen;
using internal::Regret;
using internal::RegretPercent;

constexpr double kMibPerGib = 1024;

// "7d 3h", "5h 20m", "45m".
std::string FormatSpan(absl::Duration d) {
  const int64_t minutes = absl::ToInt64Minutes(d);
  const int64_t days = minutes / (24 * 60);
  const int64_t hours = minutes / 60 % 24;
  if (days > 0) return absl::StrFormat("%dd %dh", days, hours);
  if (hours > 0) return absl::StrFormat("%dh %dm", hours, minutes % 60);
  return absl::StrFormat("%dm", minutes);
}

void AppendRow(std::string& out, const char* label, const std::string& value) {
  absl::StrAppendFormat(&out, "  %-22s %s\n", label, value);
}

}  // namespace

std::string FormatSummary(const SimulationResult& result) {
  const SimulationTotals& t = result.totals;
  std::string out = absl::StrFormat("policy \"%s\" on scenario \"%s\"\n",
                                    result.policy_name, result.scenario_name);
  if (t.failed_ticks > 0) {
    // Said first: the figures below mix the policy with ticks it did not
    // decide.
    AppendRow(out, "FAILED",
              absl::StrFormat("%d of %d evaluations failed; the figures below "
                              "are not the policy's",
                              t.failed_ticks, t.evaluations));
  }
  if (const std::string mismatch = BillingMismatch(t); !mismatch.empty()) {
    AppendRow(out, "WARNING", mismatch);
  }
  AppendRow(out, "period",
            absl::StrFormat("%s to %s UTC (%s)", FormatWhen(result.start),
                            FormatWhen(result.end),
                            FormatSpan(result.end - result.start)));
  out += "cost\n";
  AppendRow(out, "total",
            absl::StrFormat("%10.4f USD  (spot %.4f, on-demand %.4f)",
                            t.total_cost_usd(), t.spot_cost_usd,
                            t.on_demand_cost_usd));
  AppendRow(out, "hindsight reference",
            absl::StrFormat("%10.4f USD  (the instances needed, each second "
                            "at the cheaper price)",
                            t.hindsight_reference_usd));
  const double regret = Regret(t);
  AppendRow(out, "regret",
            regret >= 0
                ? absl::StrFormat("%10.4f USD  (%s %% above the reference)",
                                  regret, RegretPercent(t))
                : absl::StrFormat(
                      "%10.4f USD  (below the reference, which is "
                      "not a lower bound: %s)",
                      regret, absl::StrJoin(BelowReferenceReasons(t), "; ")));
  out += "demand\n";
  AppendRow(
      out, "unmet",
      absl::StrFormat("%.2f CPU-hours, %.2f GiB-hours of memory",
                      t.unmet_hours.cpus, t.unmet_hours.mem_mib / kMibPerGib));
  AppendRow(
      out, "served",
      t.failed_ticks > 0
          ? absl::StrFormat("not known: %d evaluations failed", t.failed_ticks)
          : absl::StrFormat("%.2f %% (of %.2f CPU-hours asked for)",
                            100 * t.served_share, t.demand_hours.cpus));
  out += "burst capacity\n";
  AppendRow(out, "utilisation",
            absl::StrFormat("%.1f %% of the burst CPU run was used",
                            100 * t.burst_utilisation));
  AppendRow(out, "instance-hours",
            absl::StrFormat("billed: spot %.2f, on-demand %.2f (ran %.2f)",
                            t.spot_instance_hours, t.on_demand_instance_hours,
                            t.run_instance_hours));
  if (t.uncharged_interrupted_hours > 0) {
    AppendRow(out, "not charged",
              absl::StrFormat("%.2f instance-hours cut short by interruptions",
                              t.uncharged_interrupted_hours));
  }
  AppendRow(out, "idle paid",
            absl::StrFormat("%.2f instance-hours", t.idle_paid_instance_hours));
  AppendRow(out, "spot requests",
            absl::StrFormat("%d made, %d cancelled", t.spot_requests,
                            t.requests_cancelled));
  AppendRow(out, "interruptions", absl::StrFormat("%d", t.interruptions));
  AppendRow(out, "instances",
            absl::StrFormat("%d launched, %d ended by the policy",
                            t.instances_launched, t.instances_ended_by_policy));
  if (t.markets.size() > 1) {
    out += "by market\n";
    out += internal::FormatMarketBreakdown({{.markets = &t.markets}}, "");
  }
  if (t.failed_ticks > 0) {
    AppendRow(out, "failed evaluations",
              absl::StrFormat("%d (first: %s)", t.failed_ticks, t.first_error));
  }
  return out;
}

}  // namespace spotburst::sim
