// Factories built from a name, a description and a creation function, so
// each built-in strategy file holds only its own logic and settings.
#ifndef SPOTBURST_STRATEGIES_FUNCTION_FACTORY_H_
#define SPOTBURST_STRATEGIES_FUNCTION_FACTORY_H_

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "spotburst/bidding_strategy.h"
#include "spotburst/scaling_strategy.h"

namespace spotburst::internal {

template <typename Factory, typename Strategy, typename Settings>
class FunctionFactory final : public Factory {
 public:
  using CreateFn =
      std::function<absl::StatusOr<std::unique_ptr<Strategy>>(const Settings&)>;
  FunctionFactory(std::string_view name, std::string_view description,
                  CreateFn create)
      : name_(name), description_(description), create_(std::move(create)) {}

  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  absl::StatusOr<std::unique_ptr<Strategy>> Create(
      const Settings& settings) const override {
    return create_(settings);
  }

 private:
  std::string_view name_;
  std::string_view description_;
  CreateFn create_;
};

using BiddingFunctionFactory =
    FunctionFactory<BiddingStrategyFactory, BiddingStrategy, BiddingPolicy>;
using ScalingFunctionFactory =
    FunctionFactory<ScalingStrategyFactory, ScalingStrategy, ScalingPolicy>;

}  // namespace spotburst::internal

#endif  // SPOTBURST_STRATEGIES_FUNCTION_FACTORY_H_
