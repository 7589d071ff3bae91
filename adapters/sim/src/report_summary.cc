// The terminal reports of simulation runs: FormatSummary, one policy's
// totals as a labelled table, and FormatComparison, one row per policy with
// the cheapest policy that met the service level marked.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "spotburst/sim/report.h"

namespace spotburst::sim {
namespace {

constexpr double kMibPerGib = 1024;
// A served share this close below the service level still meets it, so
// that 0.99 computed as 0.98999999999 is not a miss.
constexpr double kServiceLevelTolerance = 1e-9;

std::string FormatWhen(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone());
}

// "7d 3h", "5h 20m", "45m".
std::string FormatSpan(absl::Duration d) {
  const int64_t minutes = absl::ToInt64Minutes(d);
  const int64_t days = minutes / (24 * 60);
  const int64_t hours = minutes / 60 % 24;
  if (days > 0) return absl::StrFormat("%dd %dh", days, hours);
  if (hours > 0) return absl::StrFormat("%dh %dm", hours, minutes % 60);
  return absl::StrFormat("%dm", minutes);
}

// Regret in percent of the bound; "-" when the bound is zero.
std::string RegretPercent(const SimulationTotals& t) {
  const double regret = t.total_cost_usd() - t.hindsight_cost_usd;
  if (t.hindsight_cost_usd <= 0) return regret <= 0 ? "0.0" : "-";
  return absl::StrFormat("%.1f", 100 * regret / t.hindsight_cost_usd);
}

bool MeetsServiceLevel(const SimulationTotals& t, double service_level) {
  return t.served_share + kServiceLevelTolerance >= service_level;
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
  AppendRow(out, "period",
            absl::StrFormat("%s to %s UTC (%s)", FormatWhen(result.start),
                            FormatWhen(result.end),
                            FormatSpan(result.end - result.start)));
  out += "cost\n";
  AppendRow(out, "total",
            absl::StrFormat("%10.4f USD  (spot %.4f, on-demand %.4f)",
                            t.total_cost_usd(), t.spot_cost_usd,
                            t.on_demand_cost_usd));
  AppendRow(out, "hindsight bound",
            absl::StrFormat("%10.4f USD  (every future price known)",
                            t.hindsight_cost_usd));
  const double regret = t.total_cost_usd() - t.hindsight_cost_usd;
  // The bound serves all the demand; a policy that served less may cost
  // less.
  AppendRow(out, "regret",
            regret >= 0 ? absl::StrFormat("%10.4f USD  (%s %% above the bound)",
                                          regret, RegretPercent(t))
                        : absl::StrFormat("%10.4f USD  (below the bound, "
                                          "which serves all the demand)",
                                          regret));
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
            absl::StrFormat("%.1f %% of the CPU paid for was used",
                            100 * t.burst_utilisation));
  AppendRow(out, "instance-hours",
            absl::StrFormat("spot %.2f, on-demand %.2f", t.spot_instance_hours,
                            t.on_demand_instance_hours));
  AppendRow(out, "idle paid",
            absl::StrFormat("%.2f instance-hours", t.idle_paid_instance_hours));
  AppendRow(out, "spot requests",
            absl::StrFormat("%d made, %d cancelled", t.spot_requests,
                            t.requests_cancelled));
  AppendRow(out, "interruptions", absl::StrFormat("%d", t.interruptions));
  AppendRow(out, "instances",
            absl::StrFormat("%d launched, %d ended by the policy",
                            t.instances_launched, t.instances_ended_by_policy));
  if (t.failed_ticks > 0) {
    AppendRow(out, "failed evaluations",
              absl::StrFormat("%d (first: %s)", t.failed_ticks, t.first_error));
  }
  return out;
}

std::string FormatComparison(const std::vector<SimulationResult>& results,
                             double service_level) {
  std::string out;
  if (results.empty()) return "no policies to compare\n";
  absl::StrAppendFormat(&out,
                        "scenario \"%s\", %s to %s UTC; service level %.2f "
                        "%% of demand served\n\n",
                        results[0].scenario_name, FormatWhen(results[0].start),
                        FormatWhen(results[0].end), 100 * service_level);

  // The cheapest result meeting the service level; the first on a tie.
  // A run with failed evaluations is not the policy's: never marked.
  int marked = -1;
  for (size_t i = 0; i < results.size(); ++i) {
    const SimulationTotals& t = results[i].totals;
    if (t.failed_ticks > 0 || !MeetsServiceLevel(t, service_level)) continue;
    if (marked < 0 ||
        t.total_cost_usd() < results[marked].totals.total_cost_usd()) {
      marked = static_cast<int>(i);
    }
  }

  size_t name_width = 6;
  for (const SimulationResult& r : results) {
    name_width = std::max(name_width, r.policy_name.size());
  }
  const int w = static_cast<int>(name_width);
  absl::StrAppendFormat(
      &out, "  %-*s %10s %10s %10s %10s %9s %9s %11s %8s %6s\n", w, "policy",
      "cost USD", "spot", "on-demand", "hindsight", "regret", "regret %",
      "unmet CPU-h", "served %", "interr.");
  for (size_t i = 0; i < results.size(); ++i) {
    const SimulationResult& r = results[i];
    const SimulationTotals& t = r.totals;
    absl::StrAppendFormat(
        &out,
        "%s %-*s %10.4f %10.4f %10.4f %10.4f %9.4f %9s %11.2f %8.2f %6d\n",
        static_cast<int>(i) == marked ? "*" : " ", w, r.policy_name,
        t.total_cost_usd(), t.spot_cost_usd, t.on_demand_cost_usd,
        t.hindsight_cost_usd, t.total_cost_usd() - t.hindsight_cost_usd,
        RegretPercent(t), t.unmet_hours.cpus, 100 * t.served_share,
        t.interruptions);
  }
  out += "\n";
  if (marked >= 0) {
    absl::StrAppendFormat(&out,
                          "* cheapest policy serving at least %.2f %% of "
                          "demand: %s (%.4f USD)\n",
                          100 * service_level, results[marked].policy_name,
                          results[marked].totals.total_cost_usd());
  } else {
    const auto best = std::max_element(
        results.begin(), results.end(),
        [](const SimulationResult& a, const SimulationResult& b) {
          return a.totals.served_share < b.totals.served_share;
        });
    absl::StrAppendFormat(&out,
                          "no policy served at least %.2f %% of demand; the "
                          "best served %.2f %% (%s)\n",
                          100 * service_level, 100 * best->totals.served_share,
                          best->policy_name);
  }
  for (const SimulationResult& r : results) {
    if (r.totals.failed_ticks > 0) {
      absl::StrAppendFormat(&out,
                            "FAILED: %s: %d of %d evaluations failed, its "
                            "figures are not the policy's (first %s)\n",
                            r.policy_name, r.totals.failed_ticks,
                            r.totals.evaluations, r.totals.first_error);
    }
  }
  for (const SimulationResult& r : results) {
    if (r.scenario_name != results[0].scenario_name) {
      out += "note: the results come from different scenarios\n";
      break;
    }
  }
  return out;
}

}  // namespace spotburst::sim
