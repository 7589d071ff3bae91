// StrategyRegistry: bidding and scaling strategies by name.
//
// Built once with a Builder, then immutable: lookups are const and safe
// from any thread. Built-in strategies are added explicitly (no static
// self-registration, which a static library may silently drop). Built-in
// names are a stable contract; embedders prefix theirs ("acme.my-bid").
//
//   StrategyRegistry::Builder builder;
//   RegisterBuiltinStrategies(builder);
//   SPOTBURST_RETURN_IF_ERROR(builder.AddBidding(std::make_unique<MyBid>()));
//   StrategyRegistry registry = std::move(builder).Build();
//   auto engine = Engine::Create(policy, registry);
#ifndef SPOTBURST_STRATEGY_REGISTRY_H_
#define SPOTBURST_STRATEGY_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/bidding_strategy.h"
#include "spotburst/scaling_strategy.h"

namespace spotburst {

class StrategyRegistry {
 public:
  class Builder {
   public:
    // AlreadyExists when the name is taken; InvalidArgument when empty.
    absl::Status AddBidding(std::unique_ptr<BiddingStrategyFactory> factory);
    absl::Status AddScaling(std::unique_ptr<ScalingStrategyFactory> factory);
    StrategyRegistry Build() &&;

   private:
    std::map<std::string, std::unique_ptr<BiddingStrategyFactory>, std::less<>>
        bidding_;
    std::map<std::string, std::unique_ptr<ScalingStrategyFactory>, std::less<>>
        scaling_;
  };

  StrategyRegistry(StrategyRegistry&&) = default;
  StrategyRegistry& operator=(StrategyRegistry&&) = default;

  // NotFound listing the registered names when `name` is unknown.
  absl::StatusOr<const BiddingStrategyFactory*> FindBidding(
      std::string_view name) const;
  absl::StatusOr<const ScalingStrategyFactory*> FindScaling(
      std::string_view name) const;

  // Registered names, sorted.
  std::vector<std::string> BiddingNames() const;
  std::vector<std::string> ScalingNames() const;

  // A registry holding only the built-in strategies; built on first use.
  static const StrategyRegistry& Builtin();

 private:
  StrategyRegistry() = default;
  std::map<std::string, std::unique_ptr<BiddingStrategyFactory>, std::less<>>
      bidding_;
  std::map<std::string, std::unique_ptr<ScalingStrategyFactory>, std::less<>>
      scaling_;
};

// Adds "minimum", "mean", "on-demand", "high", "current", "current-plus"
// (bidding) and "burst-point", "target" (scaling).
void RegisterBuiltinStrategies(StrategyRegistry::Builder& builder);

}  // namespace spotburst

#endif  // SPOTBURST_STRATEGY_REGISTRY_H_
