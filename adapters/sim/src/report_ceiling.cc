// FormatCeiling and FormatCeilingCsv: the idealised fleets' fronts for
// people, every rule's figures for tools.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "report_notes.h"
#include "spotburst/sim/ceiling.h"

namespace spotburst::sim {
namespace {

std::string FleetName(CeilingFleet fleet) {
  return fleet == CeilingFleet::kBootOnly ? "boot only" : "bridged";
}

std::string Minutes(absl::Duration d) {
  return absl::StrFormat("%g", absl::ToDoubleMinutes(d));
}

std::string Jump(const CeilingRule& rule) {
  if (rule.jump_share <= 0) return "0";
  return absl::StrFormat("%g of %s min", rule.jump_share,
                         Minutes(rule.jump_window));
}

std::string Ratio(const CeilingReport& report, double cost, int decimals) {
  if (report.reference_usd <= 0) return "-";
  return absl::StrFormat("%.*f", decimals, cost / report.reference_usd);
}

std::string RuleText(const CeilingRule& rule) {
  return absl::StrFormat("window %s min, headroom %d, jump %s, daily %g",
                         Minutes(rule.window), rule.headroom, Jump(rule),
                         rule.daily_share);
}

// The rows of `fleet` on its front, cheapest first.
std::vector<const CeilingRow*> Front(const CeilingReport& report,
                                     CeilingFleet fleet) {
  std::vector<const CeilingRow*> front;
  for (const CeilingRow& row : report.rows) {
    if (row.fleet == fleet && row.on_front) front.push_back(&row);
  }
  std::stable_sort(front.begin(), front.end(),
                   [](const CeilingRow* a, const CeilingRow* b) {
                     return a->cost_usd < b->cost_usd;
                   });
  return front;
}

// The row of `fleet` serving the most at no more than `within` times the
// reference (the cheapest of equals); null when none is that cheap.
const CeilingRow* BestWithin(const CeilingReport& report, CeilingFleet fleet,
                             double within) {
  const CeilingRow* best = nullptr;
  for (const CeilingRow& row : report.rows) {
    if (row.fleet != fleet || row.cost_usd > within * report.reference_usd) {
      continue;
    }
    if (best == nullptr || row.served_share > best->served_share ||
        (row.served_share == best->served_share &&
         row.cost_usd < best->cost_usd)) {
      best = &row;
    }
  }
  return best;
}

void AppendFront(const CeilingReport& report, CeilingFleet fleet,
                 std::string& out) {
  const std::vector<const CeilingRow*> front = Front(report, fleet);
  const size_t rules = static_cast<size_t>(
      std::count_if(report.rows.begin(), report.rows.end(),
                    [fleet](const CeilingRow& r) { return r.fleet == fleet; }));
  absl::StrAppendFormat(&out,
                        "\n%s: the Pareto front, %d of %d rules, cheapest "
                        "first\n",
                        FleetName(fleet), front.size(), rules);
  absl::StrAppendFormat(&out, "  %6s %8s %-14s %5s %10s %8s %8s\n", "window",
                        "headroom", "jump", "daily", "cost USD", "cost/ref",
                        "served %");
  for (const CeilingRow* row : front) {
    absl::StrAppendFormat(&out, "  %6s %8d %-14s %5g %10.2f %8s %8.2f\n",
                          Minutes(row->rule.window), row->rule.headroom,
                          Jump(row->rule), row->rule.daily_share, row->cost_usd,
                          Ratio(report, row->cost_usd, 3),
                          100 * row->served_share);
  }
}

}  // namespace

std::string FormatCeiling(const CeilingReport& report,
                          std::optional<double> within) {
  std::string out;
  absl::StrAppendFormat(
      &out, "ceiling of scenario \"%s\" in the units of %s, %s to %s UTC\n",
      report.scenario_name, report.policy_name,
      internal::FormatWhen(report.start), internal::FormatWhen(report.end));
  absl::StrAppendFormat(
      &out,
      "idealised fleets decide every %s min from the demand seen so far, one "
      "rule each; a unit serves from the first decision after the "
      "scenario's shortest lag, costs nothing before, ends the moment it is "
      "not wanted and is paid per second; nothing is interrupted or "
      "capped\n"
      "  boot only: every unit serves %s min after it is asked for, at the "
      "yardstick's price (spot as fast as on-demand)\n"
      "  bridged: spot serves after %s min at its price; on-demand stands in "
      "from %s min until then, at its own\n",
      Minutes(report.step), Minutes(report.on_demand_lag),
      Minutes(report.spot_lag), Minutes(report.on_demand_lag));
  AppendFront(report, CeilingFleet::kBootOnly, out);
  AppendFront(report, CeilingFleet::kBridged, out);
  absl::StrAppendFormat(
      &out,
      "\nwindow: the most needed over that many minutes; headroom: units "
      "above it; jump: that share of the largest rise between minutes over "
      "the span; daily: that share of the largest rise a day earlier over "
      "the coming boot\n"
      "yardstick: %.4f USD, the hindsight reference (as in compare); the "
      "rules are tuned on this very trace, so each front is a ceiling for "
      "them, not a forecast\n",
      report.reference_usd);
  if (within.has_value()) {
    absl::StrAppendFormat(&out, "\nat no more than %g× the yardstick:\n",
                          *within);
    for (CeilingFleet fleet :
         {CeilingFleet::kBootOnly, CeilingFleet::kBridged}) {
      const CeilingRow* best = BestWithin(report, fleet, *within);
      if (best == nullptr) {
        absl::StrAppendFormat(&out, "  %s: no rule is that cheap\n",
                              FleetName(fleet));
        continue;
      }
      absl::StrAppendFormat(&out, "  %s: %.2f %% served at %s× (%s)\n",
                            FleetName(fleet), 100 * best->served_share,
                            Ratio(report, best->cost_usd, 3),
                            RuleText(best->rule));
    }
  }
  return out;
}

std::string FormatCeilingCsv(const CeilingReport& report) {
  std::string out =
      "fleet,window_minutes,headroom,jump_share,jump_window_minutes,"
      "daily_share,cost_usd,reference_usd,cost_per_reference,served_percent,"
      "pareto_front\n";
  for (const CeilingRow& row : report.rows) {
    const std::string ratio = Ratio(report, row.cost_usd, 6);
    absl::StrAppendFormat(
        &out, "%s,%s,%d,%g,%s,%g,%.6f,%.6f,%s,%.4f,%s\n",
        row.fleet == CeilingFleet::kBootOnly ? "boot_only" : "bridged",
        Minutes(row.rule.window), row.rule.headroom, row.rule.jump_share,
        Minutes(row.rule.jump_window), row.rule.daily_share, row.cost_usd,
        report.reference_usd, ratio == "-" ? "" : ratio, 100 * row.served_share,
        row.on_front ? "true" : "false");
  }
  return out;
}

}  // namespace spotburst::sim
