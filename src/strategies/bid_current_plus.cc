// "current-plus": the current price plus bidding.padding_usd, the
// prototype's strategy (padding 0.001 and 0.1 in its experiments). A larger
// padding keeps instances through bigger price rises.
#include <cmath>

#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class CurrentPlusBid final : public BiddingStrategy {
 public:
  explicit CurrentPlusBid(double padding) : padding_(padding) {}
  BidQuote Quote(const BidContext& context) const override {
    return {.usd_per_hour = context.stats.current_usd + padding_,
            .rule = ReasonText().Add("current %.4f + padding %.4f",
                                     context.stats.current_usd, padding_)};
  }

 private:
  double padding_;
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewCurrentPlusBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "current-plus", "current price + bidding.padding_usd",
      [](const BiddingPolicy& policy)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        if (!std::isfinite(policy.padding_usd) || policy.padding_usd < 0) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "bidding.padding_usd: %g must be >= 0", policy.padding_usd));
        }
        return std::make_unique<CurrentPlusBid>(policy.padding_usd);
      });
}

}  // namespace spotburst::internal
