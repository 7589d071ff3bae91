// The strategy registry and the list of built-ins.
#include "spotburst/strategy_registry.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "strategies/builtin.h"

namespace spotburst {
namespace {

template <typename Map, typename Factory>
absl::Status AddTo(Map& map, std::unique_ptr<Factory> factory,
                   std::string_view kind) {
  if (factory == nullptr || factory->name().empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("strategy registry: %s strategy without a name", kind));
  }
  const std::string name(factory->name());
  if (map.contains(name)) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "strategy registry: %s strategy \"%s\" is already registered", kind,
        name));
  }
  map.emplace(name, std::move(factory));
  return absl::OkStatus();
}

template <typename Map>
std::vector<std::string> NamesOf(const Map& map) {
  std::vector<std::string> names;
  for (const auto& [name, factory] : map) names.push_back(name);
  return names;
}

template <typename Map>
auto FindIn(const Map& map, std::string_view name, std::string_view kind,
            std::string_view key)
    -> absl::StatusOr<const typename Map::mapped_type::element_type*> {
  auto it = map.find(name);
  if (it == map.end()) {
    return absl::NotFoundError(
        absl::StrFormat("%s: unknown %s strategy \"%s\" (registered: %s)", key,
                        kind, name, absl::StrJoin(NamesOf(map), ", ")));
  }
  return it->second.get();
}

}  // namespace

absl::Status StrategyRegistry::Builder::AddBidding(
    std::unique_ptr<BiddingStrategyFactory> factory) {
  return AddTo(bidding_, std::move(factory), "bidding");
}

absl::Status StrategyRegistry::Builder::AddScaling(
    std::unique_ptr<ScalingStrategyFactory> factory) {
  return AddTo(scaling_, std::move(factory), "scaling");
}

StrategyRegistry StrategyRegistry::Builder::Build() && {
  StrategyRegistry registry;
  registry.bidding_ = std::move(bidding_);
  registry.scaling_ = std::move(scaling_);
  return registry;
}

absl::StatusOr<const BiddingStrategyFactory*> StrategyRegistry::FindBidding(
    std::string_view name) const {
  return FindIn(bidding_, name, "bidding", "bidding.strategy");
}

absl::StatusOr<const ScalingStrategyFactory*> StrategyRegistry::FindScaling(
    std::string_view name) const {
  return FindIn(scaling_, name, "scaling", "scaling.strategy");
}

std::vector<std::string> StrategyRegistry::BiddingNames() const {
  return NamesOf(bidding_);
}

std::vector<std::string> StrategyRegistry::ScalingNames() const {
  return NamesOf(scaling_);
}

const StrategyRegistry& StrategyRegistry::Builtin() {
  static const StrategyRegistry* const registry = [] {
    Builder builder;
    RegisterBuiltinStrategies(builder);
    return new StrategyRegistry(std::move(builder).Build());
  }();
  return *registry;
}

void RegisterBuiltinStrategies(StrategyRegistry::Builder& builder) {
  // Built-in names are distinct, so these cannot fail.
  (void)builder.AddBidding(internal::NewMinimumBidFactory());
  (void)builder.AddBidding(internal::NewMeanBidFactory());
  (void)builder.AddBidding(internal::NewOnDemandBidFactory());
  (void)builder.AddBidding(internal::NewHighBidFactory());
  (void)builder.AddBidding(internal::NewCurrentBidFactory());
  (void)builder.AddBidding(internal::NewCurrentPlusBidFactory());
  (void)builder.AddScaling(internal::NewBurstPointScalingFactory());
  (void)builder.AddScaling(internal::NewTargetScalingFactory());
}

}  // namespace spotburst
