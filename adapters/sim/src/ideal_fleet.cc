// Idealised fleets: sliding maxima of the need and its rises, and one pass
// per rule and fleet over the series.
#include "ideal_fleet.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

namespace spotburst::sim::internal {
namespace {

// out[i] = max of values[i - width + 1 .. i] (the part inside the series).
std::vector<int> SlidingMax(const std::vector<int>& values, int width) {
  std::vector<int> out(values.size());
  std::deque<size_t> candidates;  // indices, their values decreasing
  const size_t span = static_cast<size_t>(std::max(width, 1));
  for (size_t i = 0; i < values.size(); ++i) {
    while (!candidates.empty() && values[candidates.back()] <= values[i]) {
      candidates.pop_back();
    }
    candidates.push_back(i);
    if (candidates.front() + span <= i) candidates.pop_front();
    out[i] = values[candidates.front()];
  }
  return out;
}

const std::vector<int>& Cached(
    std::vector<std::pair<int, std::vector<int>>>& cache,
    const std::vector<int>& values, int width) {
  for (const auto& [cached_width, series] : cache) {
    if (cached_width == width) return series;
  }
  cache.emplace_back(width, SlidingMax(values, width));
  return cache.back().second;
}

int ShareOf(double share, int rise) {
  if (share <= 0 || rise <= 0) return 0;
  // The tolerance keeps 0.5 x 4 at 2.
  return static_cast<int>(std::ceil(share * rise - 1e-9));
}

int StepsIn(absl::Duration span, double step_hours) {
  const double steps = absl::ToDoubleHours(span) / step_hours;
  return std::max(1, static_cast<int>(std::ceil(steps - 1e-9)));
}

// held(i) = min(wanted(i), max(held(i-1), wanted(i - lag))); before the
// first step nothing is held, and nothing asked for before it arrives.
std::vector<int> Held(const std::vector<int>& wanted, int lag) {
  std::vector<int> held(wanted.size());
  int previous = 0;
  for (size_t i = 0; i < wanted.size(); ++i) {
    const int arrived = i >= static_cast<size_t>(lag)
                            ? wanted[i - static_cast<size_t>(lag)]
                            : 0;
    previous = std::min(wanted[i], std::max(previous, arrived));
    held[i] = previous;
  }
  return held;
}

}  // namespace

RuleSignals::RuleSignals(const IdealSeries& series) : series_(series) {
  const std::vector<int>& needed = series.needed;
  rises_.assign(needed.size(), 0);
  for (size_t i = 1; i < needed.size(); ++i) {
    rises_[i] = std::max(0, needed[i] - needed[i - 1]);
  }
  daily_rise_.assign(needed.size(), 0);
  const size_t day = static_cast<size_t>(series.steps_per_day);
  const size_t lag = static_cast<size_t>(std::max(series.lag_steps, 1));
  for (size_t i = day; i < needed.size(); ++i) {
    int most = 0;
    for (size_t j = i - day + 1; j <= i - day + lag && j < needed.size(); ++j) {
      most = std::max(most, rises_[j]);
    }
    daily_rise_[i] = most;
  }
}

const std::vector<int>& RuleSignals::WindowMax(int steps) {
  return Cached(window_max_, series_.needed, steps);
}

const std::vector<int>& RuleSignals::JumpMax(int steps) {
  return Cached(jump_max_, rises_, steps);
}

std::vector<int> RuleTargets(const IdealSeries& series, RuleSignals& signals,
                             const CeilingRule& rule) {
  const std::vector<int>& base =
      signals.WindowMax(StepsIn(rule.window, series.step_hours));
  const std::vector<int>* jumps =
      rule.jump_share > 0
          ? &signals.JumpMax(StepsIn(rule.jump_window, series.step_hours))
          : nullptr;
  const std::vector<int>& daily = signals.DailyRise();
  std::vector<int> wanted(base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    wanted[i] = base[i] + rule.headroom +
                (jumps != nullptr ? ShareOf(rule.jump_share, (*jumps)[i]) : 0) +
                ShareOf(rule.daily_share, daily[i]);
  }
  return wanted;
}

IdealOutcome RunIdealFleet(const IdealSeries& series,
                           const std::vector<int>& wanted) {
  const std::vector<int> held = Held(wanted, series.lag_steps);
  double cost = 0;
  Resources unmet;
  Resources demanded;
  const Resources& base = series.baseline;
  const Resources& unit = series.shape;
  for (size_t i = 0; i < held.size(); ++i) {
    // Every unit wanted is launched and billed, booting or serving.
    cost += wanted[i] * series.usd_per_unit_hour[i];
    // Field by field: this loop runs once a minute for every rule.
    const Resources& d = series.demand[i];
    const double n = held[i];
    demanded += d;
    unmet.cpus += std::max(0.0, d.cpus - (base.cpus + n * unit.cpus));
    unmet.mem_mib +=
        std::max(0.0, d.mem_mib - (base.mem_mib + n * unit.mem_mib));
    unmet.disk_mib +=
        std::max(0.0, d.disk_mib - (base.disk_mib + n * unit.disk_mib));
    unmet.gpus += std::max(0.0, d.gpus - (base.gpus + n * unit.gpus));
  }
  IdealOutcome outcome;
  outcome.cost_usd = cost * series.step_hours;
  for (ResourceKind kind : kAllResourceKinds) {
    if (demanded.Get(kind) > 0) {
      outcome.served_share = std::min(outcome.served_share,
                                      1 - unmet.Get(kind) / demanded.Get(kind));
    }
  }
  return outcome;
}

}  // namespace spotburst::sim::internal
