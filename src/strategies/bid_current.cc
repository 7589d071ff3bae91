// "current": the current price plus one bid step (G).
#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class CurrentBid final : public BiddingStrategy {
 public:
  BidQuote Quote(const BidContext& context) const override {
    return {.usd_per_hour = context.stats.current_usd + kBidStepUsd,
            .rule = ReasonText().Add("current %.4f + G %.4f",
                                     context.stats.current_usd, kBidStepUsd)};
  }
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewCurrentBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "current", "current price + 0.001",
      [](const BiddingPolicy&)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        return std::make_unique<CurrentBid>();
      });
}

}  // namespace spotburst::internal
