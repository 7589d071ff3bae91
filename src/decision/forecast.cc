// Lag-aware scaling: learned lags, recent demand and the forecast over the
// horizon that capacity asked for now takes to join.
#include "decision/forecast.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace spotburst::internal {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

// What a lag is taken to be: learned, or half the policy's initial lag
// (the initial lag covers request to joined).
absl::Duration LagOrInitial(const LagEstimate& lag, absl::Duration initial) {
  return lag.samples > 0 ? lag.mean : initial / 2;
}

Resources Max(const Resources& a, const Resources& b) {
  Resources out;
  for (ResourceKind kind : kAllResourceKinds) {
    out.Mutable(kind) = std::max(a.Get(kind), b.Get(kind));
  }
  return out;
}

bool Fits(const ScalingInput& input, const Resources& demand, int count) {
  const Resources capacity = input.baseline + input.shape * count;
  for (ResourceKind kind : kAllResourceKinds) {
    if (UsageShare(demand.Get(kind), capacity.Get(kind)) >= input.burst_point) {
      return false;
    }
  }
  return true;
}

// Demand now plus its least-squares rise (never a fall) over the horizon,
// fitted to the complete samples of the trend window and the demand now.
Resources Trend(const ForecastPolicy& f,
                const std::vector<DemandSample>& history,
                const Resources& demand_now, absl::Time now,
                absl::Duration horizon) {
  std::vector<std::pair<double, Resources>> points;  // seconds before now
  for (const DemandSample& s : history) {
    if (s.time < now - f.trend_window) continue;
    if (s.time + kDemandSampleInterval > now) break;  // still filling
    points.push_back({absl::ToDoubleSeconds(s.time - now), s.demand});
  }
  points.push_back({0.0, demand_now});
  Resources trend = demand_now;
  if (points.size() < 2) return trend;
  double mean_x = 0;
  for (const auto& [x, unused] : points) mean_x += x;
  mean_x /= static_cast<double>(points.size());
  double sxx = 0;
  for (const auto& [x, unused] : points) sxx += (x - mean_x) * (x - mean_x);
  if (!(sxx > 0)) return trend;
  for (ResourceKind kind : kAllResourceKinds) {
    double mean_y = 0;
    for (const auto& [x, r] : points) mean_y += r.Get(kind);
    mean_y /= static_cast<double>(points.size());
    double sxy = 0;
    for (const auto& [x, r] : points)
      sxy += (x - mean_x) * (r.Get(kind) - mean_y);
    const double slope = sxy / sxx;  // per second
    trend.Mutable(kind) +=
        std::max(0.0, slope) * absl::ToDoubleSeconds(horizon);
  }
  return trend;
}

// Demand now plus how much the day before rose over the same stretch of
// the day (its peak over the horizon against its demand at this time).
std::optional<Resources> Daily(const std::vector<DemandSample>& history,
                               const Resources& demand_now, absl::Time now,
                               absl::Duration horizon) {
  const absl::Time then = now - kDay;
  if (history.empty() || history.front().time > then) return std::nullopt;
  // The sample covering `then`: the last one at or before it.
  const auto after = std::upper_bound(
      history.begin(), history.end(), then,
      [](absl::Time t, const DemandSample& s) { return t < s.time; });
  const DemandSample& base = *(after - 1);
  Resources peak = base.demand;
  for (auto it = after; it != history.end() && it->time <= then + horizon;
       ++it) {
    peak = Max(peak, it->demand);
  }
  return demand_now + (peak - base.demand);
}

void AddFigures(const DemandForecast& fc, const Resources& demand_now,
                int count, Reason& reason) {
  reason.figures.push_back({"horizon_s", absl::ToDoubleSeconds(fc.horizon)});
  reason.figures.push_back({"demand_cpus", demand_now.cpus});
  reason.figures.push_back({"forecast_cpus", fc.demand.cpus});
  reason.figures.push_back({"forecast_count", static_cast<double>(count)});
}

void DescribeForecast(const ForecastPolicy& f, const DemandForecast& fc,
                      const EngineState& state, const Resources& demand_now,
                      ReasonText& text) {
  text.Add(
      "demand over the next %s (lag %s, learned from %d fulfilment(s) "
      "and %d boot(s)): cpus %.1f now, %.1f by trend",
      fc.horizon, fc.lag, state.fulfilment_lag.samples, state.boot_lag.samples,
      demand_now.cpus, fc.trend.cpus);
  if (fc.daily) {
    text.Add(", %.1f by the day before", fc.daily->cpus);
  } else {
    text.Add(" (no day of history yet)");
  }
  text.Add("; with headroom %.0f%% cpus %.1f mem %.0f MiB", 100 * f.headroom,
           fc.demand.cpus, fc.demand.mem_mib);
}

}  // namespace

void ObserveLag(absl::Duration observed, LagEstimate& lag) {
  // A day is longer than any launch; a longer one is a clock gone wrong.
  observed = std::clamp(observed, absl::ZeroDuration(), kDay);
  lag.samples = std::min(lag.samples + 1, kLagMemory);
  lag.mean += (observed - lag.mean) / lag.samples;
}

void LearnLags(const Fleet& fleet, const FleetView& view, absl::Time now,
               EngineState& state) {
  if (state.boot_lag == LagEstimate{}) {
    // The first evaluation sees a boot only from here on: an instance that
    // was already there may have joined long before it is seen.
    state.boot_lag.learned_until = now;
  }
  std::vector<const Instance*> fulfilled, booted;
  for (const Instance& instance : fleet.instances) {
    if (instance.launch_time == absl::InfinitePast()) continue;
    if (!instance.spot_request_id.empty() &&
        instance.launch_time > state.fulfilment_lag.learned_until) {
      fulfilled.push_back(&instance);
    }
    if (instance.launch_time > state.boot_lag.learned_until) {
      booted.push_back(&instance);
    }
  }
  const auto by_launch = [](const Instance* a, const Instance* b) {
    return a->launch_time < b->launch_time;
  };
  if (!fulfilled.empty()) {
    absl::flat_hash_map<std::string_view, absl::Time> created;
    for (const SpotRequest& request : fleet.requests) {
      created.emplace(request.id, request.create_time);
    }
    std::sort(fulfilled.begin(), fulfilled.end(), by_launch);
    for (const Instance* instance : fulfilled) {
      const auto it = created.find(instance->spot_request_id);
      // A request no longer listed tells nothing; one created after its
      // instance launched is a clock the engine cannot trust.
      if (it == created.end() || it->second == absl::InfinitePast() ||
          it->second > instance->launch_time) {
        continue;
      }
      ObserveLag(instance->launch_time - it->second, state.fulfilment_lag);
      state.fulfilment_lag.learned_until = instance->launch_time;
    }
  }
  std::sort(booted.begin(), booted.end(), by_launch);
  for (const Instance* instance : booted) {
    if (!HasJoined(view, *instance)) {
      // The provider ends it; it will never join.
      if (instance->interruption_notice) continue;
      break;  // learned in launch order: wait for this one
    }
    if (instance->launch_time > now) continue;
    ObserveLag(now - instance->launch_time, state.boot_lag);
    state.boot_lag.learned_until = instance->launch_time;
  }
}

absl::Duration DemandHistoryKept(const ForecastPolicy& policy) {
  return kDay + policy.max_horizon + kDemandSampleInterval;
}

void RecordDemand(const Resources& demand, absl::Time now, absl::Duration keep,
                  std::vector<DemandSample>& history) {
  if (!history.empty() && now < history.back().time) {
    history.clear();  // time went back (a state from elsewhere): start over
  }
  if (!history.empty() && now - history.back().time < kDemandSampleInterval) {
    history.back().demand = Max(history.back().demand, demand);
  } else {
    history.push_back({.time = now, .demand = demand});
  }
  const auto first_kept =
      std::find_if(history.begin(), history.end(),
                   [&](const DemandSample& s) { return now - s.time <= keep; });
  history.erase(history.begin(), first_kept);
}

DemandForecast ForecastDemand(const Policy& policy, const EngineState& state,
                              const Resources& demand_now, absl::Time now) {
  const ForecastPolicy& f = policy.scaling.forecast;
  DemandForecast fc;
  fc.lag = LagOrInitial(state.fulfilment_lag, f.initial_lag) +
           LagOrInitial(state.boot_lag, f.initial_lag);
  fc.horizon = std::min(fc.lag + policy.evaluation_interval, f.max_horizon);
  fc.trend = Trend(f, state.demand_history, demand_now, now, fc.horizon);
  fc.daily = Daily(state.demand_history, demand_now, now, fc.horizon);
  const Resources expected = fc.daily ? Max(fc.trend, *fc.daily) : fc.trend;
  fc.demand = expected * (1 + f.headroom);
  return fc;
}

int CountFor(const ScalingInput& input, const Resources& demand) {
  const int max = std::max(input.max_instances, input.min_instances);
  if (!Fits(input, demand, max)) return max;
  int low = 0, high = max;  // fitting only gets easier with more
  while (low < high) {
    const int mid = low + (high - low) / 2;
    if (Fits(input, demand, mid)) {
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return low;
}

void ApplyForecast(const Policy& policy, const ScalingInput& input,
                   absl::Time now, EngineState& state,
                   ScalingDecision& decision, std::vector<Reason>& notes) {
  const ForecastPolicy& f = policy.scaling.forecast;
  const Resources demand_now = input.used + input.queued;
  RecordDemand(demand_now, now, DemandHistoryKept(f), state.demand_history);
  const DemandForecast fc = ForecastDemand(policy, state, demand_now, now);
  const int count = CountFor(input, fc.demand);
  const int n = input.counted();
  if (f.mode == ForecastMode::kAct && count > decision.desired) {
    // The strategy's own view stays in the plan, as a note.
    notes.push_back(std::move(decision.reason));
    Reason why{.code =
                   count > n ? ReasonCode::kScaleUp : ReasonCode::kNoChange};
    why.text.Add("forecast: ");
    DescribeForecast(f, fc, state, demand_now, why.text);
    why.text.Add(" -> %d instances (the strategy alone: %d) -> %+d", count,
                 decision.desired, count - n);
    AddFigures(fc, demand_now, count, why);
    why.figures.push_back(
        {"strategy_desired", static_cast<double>(decision.desired)});
    decision.reason = std::move(why);
    decision.desired = count;
    return;
  }
  Reason& note = notes.emplace_back(Reason{.code = ReasonCode::kForecast});
  if (f.mode == ForecastMode::kRecord) note.text.Add("recorded only: ");
  DescribeForecast(f, fc, state, demand_now, note.text);
  if (f.mode == ForecastMode::kRecord) {
    note.text.Add(
        " -> %d instances; the count would have been %d instead of "
        "%d",
        count, std::max(count, decision.desired), decision.desired);
    AddFigures(fc, demand_now, count, note);
    note.figures.push_back({"would_desire", static_cast<double>(std::max(
                                                count, decision.desired))});
  } else {
    note.text.Add(" -> %d instances, no more than the strategy's %d", count,
                  decision.desired);
    AddFigures(fc, demand_now, count, note);
  }
}

}  // namespace spotburst::internal
