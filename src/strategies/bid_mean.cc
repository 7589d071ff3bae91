// "mean": the time-weighted mean price of the window.
#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class MeanBid final : public BiddingStrategy {
 public:
  BidQuote Quote(const BidContext& context) const override {
    return {
        .usd_per_hour = context.stats.mean_usd,
        .rule = ReasonText().Add("window mean %.4f", context.stats.mean_usd)};
  }
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewMeanBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "mean", "time-weighted mean price of the window",
      [](const BiddingPolicy&)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        return std::make_unique<MeanBid>();
      });
}

}  // namespace spotburst::internal
