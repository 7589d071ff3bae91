// `spotburst validate POLICY...` and `spotburst strategies`.
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"
#include "spotburst/strategy_registry.h"

namespace spotburst::cli {

int RunValidate(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "spotburst validate: name at least one policy file\n";
    return 2;
  }
  int failures = 0;
  for (const std::string& path : args) {
    absl::StatusOr<Policy> policy = LoadPolicyFile(path);
    // Creating the engine also checks the strategy names.
    absl::Status status = policy.status();
    if (status.ok()) status = Engine::Create(*policy).status();
    if (!status.ok()) {
      std::cerr << "error: " << status.message() << "\n";
      ++failures;
      continue;
    }
    const Policy& p = *policy;
    std::cout << absl::StrFormat(
        "%s: ok — \"%s\": %s scaling (burst point %.2f, max %d), %s bidding "
        "(max bid %.3f), %s on %s, %s billing, fallback %s\n",
        path, p.name, p.scaling.strategy, p.scaling.burst_point,
        p.scaling.max_instances, p.bidding.strategy,
        p.bidding.max_bid_usd_per_hour, p.instance.type,
        p.instance.availability_zone.empty() ? "any zone"
                                             : p.instance.availability_zone,
        BillingModelName(p.billing.model), p.fallback.enabled ? "on" : "off");
    // Lag-aware settings only when set, so other summaries read as before.
    if (p.scaling.forecast.mode != ForecastMode::kOff) {
      std::cout << absl::StrFormat(
          "  forecast %s (headroom %.2f, initial lag %s, max horizon %s)\n",
          ForecastModeName(p.scaling.forecast.mode),
          p.scaling.forecast.headroom,
          absl::FormatDuration(p.scaling.forecast.initial_lag),
          absl::FormatDuration(p.scaling.forecast.max_horizon));
    }
    // Alternatives only when listed, likewise.
    for (const InstanceAlternative& a : p.instance.alternatives) {
      std::cout << absl::StrFormat(
          "  or %s, weight %d (units of %s's shape), on-demand %.3f\n", a.type,
          UnitWeight(p.instance, a), p.instance.type, a.on_demand_usd_per_hour);
    }
    if (p.scaling.bridge != BridgeMode::kOff) {
      std::cout << absl::StrFormat(
          "  on-demand bridges spot's lag (%s), ended once replaced by spot\n",
          BridgeModeName(p.scaling.bridge));
    }
    if (p.notice_poll_interval > absl::ZeroDuration()) {
      std::cout << absl::StrFormat(
          "  interruption notices polled every %s\n",
          absl::FormatDuration(p.notice_poll_interval));
    }
  }
  return failures == 0 ? 0 : 1;
}

int RunStrategies(const std::vector<std::string>&) {
  const StrategyRegistry& registry = StrategyRegistry::Builtin();
  std::cout << "bidding strategies:\n";
  for (const std::string& name : registry.BiddingNames()) {
    std::cout << absl::StrFormat("  %-14s %s\n", name,
                                 (*registry.FindBidding(name))->description());
  }
  std::cout << "scaling strategies:\n";
  for (const std::string& name : registry.ScalingNames()) {
    std::cout << absl::StrFormat("  %-14s %s\n", name,
                                 (*registry.FindScaling(name))->description());
  }
  return 0;
}

}  // namespace spotburst::cli
