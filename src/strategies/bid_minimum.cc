// "minimum": the lowest price in the window plus one bid step (G).
// Cheapest bid with any chance of winning; interrupted at the first rise.
#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class MinimumBid final : public BiddingStrategy {
 public:
  BidQuote Quote(const BidContext& context) const override {
    return {.usd_per_hour = context.stats.min_usd + kBidStepUsd,
            .rule = ReasonText().Add("window minimum %.4f + G %.4f",
                                     context.stats.min_usd, kBidStepUsd)};
  }
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewMinimumBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "minimum", "lowest price in the window + 0.001",
      [](const BiddingPolicy&)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        return std::make_unique<MinimumBid>();
      });
}

}  // namespace spotburst::internal
