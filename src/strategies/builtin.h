// Factories of the built-in strategies, one per file in this folder.
// RegisterBuiltinStrategies (strategy_registry.cc) adds them all.
#ifndef SPOTBURST_STRATEGIES_BUILTIN_H_
#define SPOTBURST_STRATEGIES_BUILTIN_H_

#include <memory>

#include "spotburst/bidding_strategy.h"
#include "spotburst/scaling_strategy.h"

namespace spotburst::internal {

std::unique_ptr<BiddingStrategyFactory> NewMinimumBidFactory();
std::unique_ptr<BiddingStrategyFactory> NewMeanBidFactory();
std::unique_ptr<BiddingStrategyFactory> NewOnDemandBidFactory();
std::unique_ptr<BiddingStrategyFactory> NewHighBidFactory();
std::unique_ptr<BiddingStrategyFactory> NewCurrentBidFactory();
std::unique_ptr<BiddingStrategyFactory> NewCurrentPlusBidFactory();

std::unique_ptr<ScalingStrategyFactory> NewBurstPointScalingFactory();
std::unique_ptr<ScalingStrategyFactory> NewTargetScalingFactory();

}  // namespace spotburst::internal

#endif  // SPOTBURST_STRATEGIES_BUILTIN_H_
