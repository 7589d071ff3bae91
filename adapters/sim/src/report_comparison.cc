// FormatComparison: compare mode's table, one row per policy, and the
// footnotes that say how to read it: the winner at the service level used,
// the one reference every row is measured against, rows with identical
// results, rows below the reference and why, billing mismatches.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
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

// A served share this close below the service level still meets it, so
// that 0.99 computed as 0.98999999999 is not a miss.
constexpr double kServiceLevelTolerance = 1e-9;

bool MeetsServiceLevel(const SimulationTotals& t, double service_level) {
  return t.served_share + kServiceLevelTolerance >= service_level;
}

// Everything a row shows, and the decisions behind it.
auto Figures(const SimulationTotals& t) {
  return std::make_tuple(t.spot_cost_usd, t.on_demand_cost_usd,
                         t.unmet_hours.cpus, t.unmet_hours.mem_mib,
                         t.served_share, t.interruptions, t.instances_launched,
                         t.spot_requests);
}

// The cheapest result meeting the service level; the first on a tie; -1
// for none. A run with failed evaluations is not the policy's: never
// marked.
int Winner(const std::vector<SimulationResult>& results, double level) {
  int marked = -1;
  for (size_t i = 0; i < results.size(); ++i) {
    const SimulationTotals& t = results[i].totals;
    if (t.failed_ticks > 0 || !MeetsServiceLevel(t, level)) continue;
    if (marked < 0 ||
        t.total_cost_usd() < results[marked].totals.total_cost_usd()) {
      marked = static_cast<int>(i);
    }
  }
  return marked;
}

void AppendTable(std::string& out, const std::vector<SimulationResult>& results,
                 int marked) {
  size_t name_width = 6;
  for (const SimulationResult& r : results) {
    name_width = std::max(name_width, r.policy_name.size());
  }
  const int w = static_cast<int>(name_width);
  absl::StrAppendFormat(
      &out, "  %-*s %10s %10s %10s %10s %9s %9s %11s %8s %6s\n", w, "policy",
      "cost USD", "spot", "on-demand", "reference", "regret", "regret %",
      "unmet CPU-h", "served %", "interr.");
  for (size_t i = 0; i < results.size(); ++i) {
    const SimulationResult& r = results[i];
    const SimulationTotals& t = r.totals;
    absl::StrAppendFormat(
        &out,
        "%s %-*s %10.4f %10.4f %10.4f %10.4f %9.4f %9s %11.2f %8.2f %6d\n",
        static_cast<int>(i) == marked ? "*" : " ", w, r.policy_name,
        t.total_cost_usd(), t.spot_cost_usd, t.on_demand_cost_usd,
        t.hindsight_reference_usd, Regret(t), RegretPercent(t),
        t.unmet_hours.cpus, 100 * t.served_share, t.interruptions);
  }
  out += "\n";
}

void AppendWinner(std::string& out,
                  const std::vector<SimulationResult>& results, int marked,
                  double level) {
  if (marked >= 0) {
    absl::StrAppendFormat(&out,
                          "* cheapest policy serving at least %.2f %% of "
                          "demand (the service level used): %s (%.4f USD)\n",
                          100 * level, results[marked].policy_name,
                          results[marked].totals.total_cost_usd());
    return;
  }
  const auto best = std::max_element(
      results.begin(), results.end(),
      [](const SimulationResult& a, const SimulationResult& b) {
        return a.totals.served_share < b.totals.served_share;
      });
  absl::StrAppendFormat(&out,
                        "no policy served at least %.2f %% of demand (the "
                        "service level used); the best served %.2f %% (%s)\n",
                        100 * level, 100 * best->totals.served_share,
                        best->policy_name);
}

void AppendReference(std::string& out,
                     const std::vector<SimulationResult>& results) {
  const double first = results[0].totals.hindsight_reference_usd;
  const bool same = std::all_of(
      results.begin(), results.end(), [first](const SimulationResult& r) {
        return r.totals.hindsight_reference_usd == first;
      });
  if (same) {
    absl::StrAppendFormat(
        &out,
        "reference: %.4f USD for every row, the hindsight reference: the "
        "instances the demand needed, each second at the cheaper of spot and "
        "on-demand; not a lower bound (docs/reports.md)\n",
        first);
  } else {
    out +=
        "note: the rows have different references: their instance shapes, "
        "on-demand prices or baselines differ\n";
  }
}

// Groups of rows whose figures are all equal, in row order.
void AppendIdentical(std::string& out,
                     const std::vector<SimulationResult>& results) {
  std::vector<bool> grouped(results.size(), false);
  for (size_t i = 0; i < results.size(); ++i) {
    if (grouped[i]) continue;
    std::vector<std::string> names = {results[i].policy_name};
    bool same_decisions = true;
    for (size_t j = i + 1; j < results.size(); ++j) {
      if (grouped[j] ||
          Figures(results[j].totals) != Figures(results[i].totals)) {
        continue;
      }
      grouped[j] = true;
      names.push_back(results[j].policy_name);
      same_decisions &= results[j].totals.decisions_digest ==
                        results[i].totals.decisions_digest;
    }
    if (names.size() < 2) continue;
    absl::StrAppendFormat(
        &out, "identical results: %s — %s\n", absl::StrJoin(names, ", "),
        same_decisions
            ? "they took the same actions at every evaluation: what differs "
              "between these policies never changed a decision in this run"
            : "their decisions differed, their costs and service did not");
  }
}

void AppendBelowReference(std::string& out,
                          const std::vector<SimulationResult>& results) {
  std::vector<std::string> rows;
  for (const SimulationResult& r : results) {
    if (Regret(r.totals) >= 0) continue;
    rows.push_back(
        absl::StrFormat("%s: %s", r.policy_name,
                        absl::StrJoin(BelowReferenceReasons(r.totals), ", ")));
  }
  if (rows.empty()) return;
  absl::StrAppendFormat(&out,
                        "negative regret (below the reference, which is not a "
                        "lower bound): %s\n",
                        absl::StrJoin(rows, "; "));
}

}  // namespace

std::string FormatComparison(const std::vector<SimulationResult>& results,
                             double service_level) {
  if (results.empty()) return "no policies to compare\n";
  std::string out;
  absl::StrAppendFormat(&out,
                        "scenario \"%s\", %s to %s UTC; service level %.2f "
                        "%% of demand served\n\n",
                        results[0].scenario_name, FormatWhen(results[0].start),
                        FormatWhen(results[0].end), 100 * service_level);
  const int marked = Winner(results, service_level);
  AppendTable(out, results, marked);
  std::vector<internal::LabelledMarkets> markets;
  for (const SimulationResult& r : results) {
    markets.push_back({.label = r.policy_name, .markets = &r.totals.markets});
  }
  if (internal::HasSeveralMarkets(markets)) {
    out += "by market:\n";
    out += internal::FormatMarketBreakdown(markets, "policy");
    out += "\n";
  }
  AppendWinner(out, results, marked, service_level);
  AppendReference(out, results);
  AppendIdentical(out, results);
  AppendBelowReference(out, results);
  for (const SimulationResult& r : results) {
    if (const std::string mismatch = BillingMismatch(r.totals);
        !mismatch.empty()) {
      absl::StrAppendFormat(&out, "WARNING: %s: %s\n", r.policy_name, mismatch);
    }
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
