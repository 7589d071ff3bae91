// "on-demand": the on-demand price of the instance type. Today's EC2 default
// maximum price: spot is kept whenever it is cheaper than on-demand.
#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class OnDemandBid final : public BiddingStrategy {
 public:
  BidQuote Quote(const BidContext& context) const override {
    return {.usd_per_hour = context.on_demand_usd_per_hour,
            .rule = ReasonText().Add("on-demand price %.4f",
                                     context.on_demand_usd_per_hour)};
  }
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewOnDemandBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "on-demand", "the instance type's on-demand price",
      [](const BiddingPolicy&)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        return std::make_unique<OnDemandBid>();
      });
}

}  // namespace spotburst::internal
