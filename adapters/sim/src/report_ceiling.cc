// FormatCeiling and FormatCeilingCsv: the idealised fleets' front for
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

// The rows on the front, cheapest first.
std::vector<const CeilingRow*> Front(const CeilingReport& report) {
  std::vector<const CeilingRow*> front;
  for (const CeilingRow& row : report.rows) {
    if (row.on_front) front.push_back(&row);
  }
  std::stable_sort(front.begin(), front.end(),
                   [](const CeilingRow* a, const CeilingRow* b) {
                     return a->cost_usd < b->cost_usd;
                   });
  return front;
}

// The row serving the most at no more than `within` times the reference
// (the cheapest of equals); null when none is that cheap.
const CeilingRow* BestWithin(const CeilingReport& report, double within) {
  const CeilingRow* best = nullptr;
  for (const CeilingRow& row : report.rows) {
    if (row.cost_usd > within * report.reference_usd) continue;
    if (best == nullptr || row.served_share > best->served_share ||
        (row.served_share == best->served_share &&
         row.cost_usd < best->cost_usd)) {
      best = &row;
    }
  }
  return best;
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
      "idealised fleets, one per rule, decide every %s min from the demand "
      "seen so far; every unit, spot too, serves %s min after it is asked "
      "for (the shortest boot, counted from the next decision), is paid per "
      "second from its launch at the cheapest price and ends the moment it "
      "is not wanted; nothing is interrupted or capped\n",
      Minutes(report.step), Minutes(report.lag));
  const std::vector<const CeilingRow*> front = Front(report);
  absl::StrAppendFormat(&out,
                        "\nthe Pareto front, %d of %d rules, cheapest first\n",
                        front.size(), report.rows.size());
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
  absl::StrAppendFormat(
      &out,
      "\nwindow: the most needed over that many minutes; headroom: units "
      "above it; jump: that share of the largest rise between minutes over "
      "the span; daily: that share of the largest rise a day earlier over "
      "the coming boot\n"
      "yardstick: %.4f USD, the hindsight reference (as in compare); the "
      "rules are tuned on this very trace, so the front is a ceiling for "
      "them, not a forecast\n",
      report.reference_usd);
  if (within.has_value()) {
    const CeilingRow* best = BestWithin(report, *within);
    if (best == nullptr) {
      absl::StrAppendFormat(&out,
                            "\nat no more than %g× the yardstick: no "
                            "rule is that cheap\n",
                            *within);
    } else {
      // A yardstick of 0 (no demand above the baseline) has no multiple.
      const std::string ratio = Ratio(report, best->cost_usd, 3);
      absl::StrAppendFormat(
          &out,
          "\nat no more than %g× the yardstick: %.2f %% served at %s (%s)\n",
          *within, 100 * best->served_share,
          ratio == "-" ? absl::StrFormat("%.2f USD", best->cost_usd)
                       : absl::StrCat(ratio, "×"),
          RuleText(best->rule));
    }
  }
  return out;
}

std::string FormatCeilingCsv(const CeilingReport& report) {
  std::string out =
      "window_minutes,headroom,jump_share,jump_window_minutes,daily_share,"
      "cost_usd,reference_usd,cost_per_reference,served_percent,"
      "pareto_front\n";
  for (const CeilingRow& row : report.rows) {
    const std::string ratio = Ratio(report, row.cost_usd, 6);
    absl::StrAppendFormat(
        &out, "%s,%d,%g,%s,%g,%.6f,%.6f,%s,%.4f,%s\n", Minutes(row.rule.window),
        row.rule.headroom, row.rule.jump_share, Minutes(row.rule.jump_window),
        row.rule.daily_share, row.cost_usd, report.reference_usd,
        ratio == "-" ? "" : ratio, 100 * row.served_share,
        row.on_front ? "true" : "false");
  }
  return out;
}

}  // namespace spotburst::sim
