// FormatSweepTable and FormatSweepCsv: a sweep's runs, one row each, with
// their settings, cost, cost over the yardstick, demand served and
// interruptions, and the Pareto front marked.
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report_markets.h"
#include "report_notes.h"
#include "spotburst/sim/sweep.h"

namespace spotburst::sim {
namespace {

using internal::CsvField;
using internal::FormatWhen;

// The rows' indices in the order asked for: the grid's, or cheapest first
// with ties in the grid's order.
std::vector<size_t> Order(const SweepReport& report, SweepOrder order) {
  std::vector<size_t> out(report.rows.size());
  std::iota(out.begin(), out.end(), 0);
  if (order == SweepOrder::kCost) {
    std::stable_sort(out.begin(), out.end(), [&report](size_t a, size_t b) {
      return report.rows[a].cost_usd < report.rows[b].cost_usd;
    });
  }
  return out;
}

// Cost over the reference with `decimals` decimals; "-" when the
// reference is zero.
std::string Ratio(const SweepRow& row, int decimals) {
  if (row.reference_usd <= 0) return "-";
  return absl::StrFormat("%.*f", decimals, row.cost_usd / row.reference_usd);
}

bool SameReference(const SweepReport& report) {
  return std::all_of(report.rows.begin(), report.rows.end(),
                     [&report](const SweepRow& row) {
                       return row.reference_usd == report.rows[0].reference_usd;
                     });
}

}  // namespace

std::string FormatSweepTable(const SweepReport& report, SweepOrder order) {
  std::string out;
  absl::StrAppendFormat(
      &out,
      "sweep \"%s\" of %s over scenario \"%s\", %s to %s UTC; %d runs\n\n",
      report.grid_name, report.base_policy, report.scenario_name,
      FormatWhen(report.start), FormatWhen(report.end), report.rows.size());
  if (report.rows.empty()) return out;
  std::vector<int> widths;
  for (size_t i = 0; i < report.fields.size(); ++i) {
    size_t w = report.fields[i].size();
    for (const SweepRow& row : report.rows) {
      w = std::max(w, row.values[i].size());
    }
    widths.push_back(static_cast<int>(w));
  }
  out += " ";
  for (size_t i = 0; i < report.fields.size(); ++i) {
    absl::StrAppendFormat(&out, " %-*s", widths[i], report.fields[i]);
  }
  absl::StrAppendFormat(&out, " %10s %8s %8s %7s\n", "cost USD", "cost/ref",
                        "served %", "interr.");
  int on_front = 0;
  for (size_t r : Order(report, order)) {
    const SweepRow& row = report.rows[r];
    on_front += row.on_front;
    out += row.on_front ? "*" : " ";
    for (size_t i = 0; i < report.fields.size(); ++i) {
      absl::StrAppendFormat(&out, " %-*s", widths[i], row.values[i]);
    }
    absl::StrAppendFormat(&out, " %10.4f %8s %8.2f %7d\n", row.cost_usd,
                          Ratio(row, 3), 100 * row.served_share,
                          row.interruptions);
  }
  std::vector<internal::LabelledMarkets> markets;
  for (size_t r : Order(report, order)) {
    const SweepRow& row = report.rows[r];
    markets.push_back(
        {.label = absl::StrJoin(row.values, " "), .markets = &row.markets});
  }
  if (internal::HasSeveralMarkets(markets)) {
    out += "\nby market:\n";
    out += internal::FormatMarketBreakdown(markets,
                                           absl::StrJoin(report.fields, " "));
  }
  absl::StrAppendFormat(
      &out,
      "\n* the Pareto front, %d of %d runs: no other run costs as little and "
      "serves as much, one of the two strictly better\n",
      on_front, report.rows.size());
  if (SameReference(report)) {
    absl::StrAppendFormat(
        &out,
        "yardstick: %.4f USD for every run, the hindsight reference (as in "
        "compare): the instances the demand needed, each second at the "
        "cheaper of spot and on-demand; cost/ref is a run's cost over it\n",
        report.rows[0].reference_usd);
  } else {
    out +=
        "note: the runs have different yardsticks (the hindsight reference): "
        "their instance shapes, on-demand prices or baselines differ; "
        "cost/ref is each run's cost over its own\n";
  }
  return out;
}

std::string FormatSweepCsv(const SweepReport& report, SweepOrder order) {
  std::string out;
  for (const std::string& field : report.fields) {
    absl::StrAppend(&out, CsvField(field), ",");
  }
  out +=
      "cost_usd,reference_usd,cost_per_reference,served_percent,"
      "interruptions,pareto_front\n";
  for (size_t r : Order(report, order)) {
    const SweepRow& row = report.rows[r];
    for (const std::string& value : row.values) {
      absl::StrAppend(&out, CsvField(value), ",");
    }
    const std::string ratio = Ratio(row, 6);
    absl::StrAppendFormat(&out, "%.6f,%.6f,%s,%.4f,%d,%s\n", row.cost_usd,
                          row.reference_usd, ratio == "-" ? "" : ratio,
                          100 * row.served_share, row.interruptions,
                          row.on_front ? "true" : "false");
  }
  return out;
}

}  // namespace spotburst::sim
