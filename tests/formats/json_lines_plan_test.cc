// The fast plan writer against protobuf's printer: random plans, with
// every field set or left at its default, extreme numbers and times, and
// text that needs escaping, must print to the same bytes.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/plan.h"
#include "spotburst/wire_format.h"

namespace spotburst {
namespace {

class PlanMaker {
 public:
  explicit PlanMaker(uint64_t seed) : rng_(seed) {}

  Plan MakePlan() {
    Plan p;
    p.policy_name = Text();
    p.evaluated_at = Time();
    p.market = MakeMarket();
    p.current_price_usd = Number();
    p.bid_usd_per_hour = Number();
    p.supply_mode = Chance(0.5) ? SupplyMode::kSpot : SupplyMode::kOnDemand;
    p.running = Int32();
    p.pending = Int32();
    p.desired = Int32();
    p.booting = Int32();
    p.draining = Int32();
    for (int i = Int(0, 4); i > 0; --i) {
      p.usage.push_back({.kind = kAllResourceKinds[Int(0, 3)],
                         .used = Number(),
                         .capacity = Number(),
                         .share = Number()});
    }
    p.fleet_usd_per_hour = Number();
    for (int i = Int(0, 3); i > 0; --i) p.actions.push_back(MakeAction());
    p.notes = Reasons();
    return p;
  }

  EngineState MakeState() {
    EngineState s;
    s.last_scale_up = Time();
    s.last_scale_down = Time();
    s.scale_in_wanted_since = Time();
    s.supply_mode = Chance(0.5) ? SupplyMode::kSpot : SupplyMode::kOnDemand;
    s.supply_mode_since = Time();
    s.fallback_reason = Text();
    s.fallback_for_capacity = Chance(0.5);
    s.spot_healthy_since = Time();
    for (int i = Int(0, 2); i > 0; --i) {
      s.backoffs.push_back(
          {.market = MakeMarket(),
           .lifecycle = Chance(0.5) ? Lifecycle::kSpot : Lifecycle::kOnDemand,
           .cause = static_cast<FailureCause>(Int(0, 3)),
           .failures = Int32(),
           .last_failure = Time(),
           .until = Time(),
           .code = Text()});
    }
    for (int i = Int(0, 2); i > 0; --i) {
      s.drains.push_back({.instance_id = Text(),
                          .started = Time(),
                          .for_interruption = Chance(0.5)});
    }
    for (LagEstimate* lag : {&s.fulfilment_lag, &s.boot_lag}) {
      if (Chance(0.3)) continue;  // never learned: left out
      *lag = {
          .mean = absl::Seconds(Int(0, 3000)) + absl::Milliseconds(Int(0, 999)),
          .samples = Int32(),
          .learned_until = Time()};
    }
    for (int i = Int(0, 3); i > 0; --i) {
      s.demand_history.push_back({.time = Time(),
                                  .demand = {.cpus = Number(),
                                             .mem_mib = Number(),
                                             .disk_mib = Number(),
                                             .gpus = Number()}});
    }
    for (int i = Int(0, 2); i > 0; --i) {
      s.interruptions.push_back(
          {.market = MakeMarket(), .instance_id = Text(), .noticed = Time()});
    }
    for (int i = Int(0, 2); i > 0; --i) {
      s.exposures.push_back({.market = MakeMarket(),
                             .spot_hours = Number(),
                             .notices = Number()});
    }
    if (Chance(0.5)) s.exposures_as_of = Time();
    for (int i = Int(0, 2); i > 0; --i) s.replaced_notices.push_back(Text());
    return s;
  }

 private:
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  int Int32() {
    if (Chance(0.1)) {
      return Chance(0.5) ? std::numeric_limits<int>::max()
                         : std::numeric_limits<int>::min();
    }
    return Int(-5, 1000);
  }

  double Number() {
    switch (Int(0, 9)) {
      case 0: {
        static constexpr double kEdges[] = {
            0.0,
            -0.0,
            std::numeric_limits<double>::quiet_NaN(),
            std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::max(),
            std::numeric_limits<double>::lowest(),
            std::numeric_limits<double>::min(),
            std::numeric_limits<double>::denorm_min(),
            1e21,
            1e-7,
            0.1 + 0.2,
            1.0 / 3,
            123456789012345678.0,
            5e-324,
            100,
            1e15,
            1e16,
            1e17};
        return kEdges[Int(0, std::size(kEdges) - 1)];
      }
      case 1: {  // any bits
        uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        return d;
      }
      case 2:
        return Int(0, 100);
      case 3:  // prices as they come: a few decimals
        return Int(0, 100000) / 10000.0;
      default:
        return std::exp(std::uniform_real_distribution<double>(-20, 20)(rng_));
    }
  }

  absl::Time Time() {
    switch (Int(0, 5)) {
      case 0:
        return absl::InfinitePast();
      case 1:
        return absl::InfiniteFuture();
      case 2:  // outside the Timestamp range: written unset
        return absl::FromUnixSeconds(Chance(0.5) ? -62135596801 : 253402300800);
      case 3:  // the range's ends
        return Chance(0.5) ? absl::FromUnixSeconds(-62135596800)
                           : absl::FromUnixSeconds(253402300799) +
                                 absl::Nanoseconds(999999999);
      default: {
        const int64_t seconds = std::uniform_int_distribution<int64_t>(
            -62135596800, 253402300799)(rng_);
        static constexpr int64_t kUnits[] = {1000000000, 1000000, 1000, 1};
        const int64_t unit = kUnits[Int(0, 3)];
        return absl::FromUnixSeconds(seconds) +
               absl::Nanoseconds(Int(0, 999999999) / unit * unit);
      }
    }
  }

  absl::Duration Duration() {
    switch (Int(0, 5)) {
      case 0:
        return absl::ZeroDuration();
      case 1:
        return Chance(0.5) ? absl::InfiniteDuration()
                           : -absl::InfiniteDuration();
      case 2:
        return absl::Hours(Chance(0.5) ? 1e9 : -1e9);  // past the limit
      case 3:
        return absl::Nanoseconds(Int(-999999999, 999999999));
      default:
        return absl::Seconds(Int(-100000, 100000)) +
               absl::Milliseconds(Int(-999, 999));
    }
  }

  std::string Text() {
    if (Chance(0.2)) return "";
    static constexpr const char* kParts[] = {
        "c4.large",
        "i-0abc",
        "sir-1",
        " ",
        ">=",
        "<",
        "\"",
        "\\",
        "\n",
        "\t",
        "\x01",
        "\x1f",
        "\x7f",
        "/",
        "&",
        "'",
        "\b",
        "\f",
        "\r",
        "=",
        "0.75",
        "cpus 0.86 >= burst point 0.75 with 3 running + 1 pending -> +1"};
    std::string out;
    for (int i = Int(1, 4); i > 0; --i) out += kParts[Int(0, 21)];
    // Sometimes UTF-8, which the writer leaves to protobuf.
    if (Chance(0.03)) out += "\xc3\xa9\xe2\x80\xa8";
    return out;
  }

  Market MakeMarket() {
    Market m{.instance_type = Text(), .availability_zone = Text()};
    if (Chance(0.5)) m.product = Text();
    return m;
  }

  std::vector<Reason> Reasons() {
    std::vector<Reason> out;
    for (int i = Int(0, 3); i > 0; --i) {
      Reason r{.code = static_cast<ReasonCode>(Int(0, 27)),
               .text = ReasonText::Copy(Text())};
      // A sentence made from values too, as the engine makes them.
      if (Chance(0.5)) r.text.Add(" %s %.4f %d", Text(), Number(), Int32());
      for (int j = Int(0, 3); j > 0; --j) {
        r.figures.push_back({FigureName::Copy(Text()), Number()});
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  Action MakeAction() {
    return Action{.kind = static_cast<ActionKind>(Int(0, 5)),
                  .count = Int32(),
                  .instance_type = Text(),
                  .availability_zone = Text(),
                  .bid_usd_per_hour = Number(),
                  .idempotency_token = Text(),
                  .request_id = Text(),
                  .instance_id = Text(),
                  .replaces_instance_id = Text(),
                  .into_billing_period = Duration(),
                  .endable_at = Time(),
                  .reasons = Reasons()};
  }

  std::mt19937_64 rng_;
};

TEST(AppendPlanJsonFast, RandomPlansPrintAsProtobufPrintsThem) {
  PlanMaker maker(/*seed=*/1);
  int fast = 0;
  for (int i = 0; i < 2000; ++i) {
    const Plan plan = maker.MakePlan();
    const EngineState state = maker.MakeState();
    const std::string want = internal::PlanToJsonWithProtobuf(plan, state);
    std::string got = "prefix";
    if (internal::AppendPlanJsonFast(plan, state, &got)) {
      ++fast;
      ASSERT_EQ(got, "prefix" + want) << "plan " << i;
    } else {
      EXPECT_EQ(got, "prefix");  // left unchanged
    }
    ASSERT_EQ(PlanToJson(plan, state), want) << "plan " << i;
  }
  // Each text is UTF-8 (left to protobuf) at 2.4 %, and a plan and state
  // hold a few dozen: about 44 % have none and are written fast.
  EXPECT_GT(fast, 800);
}

TEST(AppendPlanJsonFast, EmptyPlanPrintsEveryDefault) {
  const Plan plan;
  const EngineState state;
  std::string got;
  ASSERT_TRUE(internal::AppendPlanJsonFast(plan, state, &got));
  EXPECT_EQ(got, internal::PlanToJsonWithProtobuf(plan, state));
}

TEST(AppendPlanJsonFast, LeavesUtf8ToProtobuf) {
  Plan plan;
  plan.policy_name = "caf\xc3\xa9";
  std::string got;
  EXPECT_FALSE(internal::AppendPlanJsonFast(plan, EngineState(), &got));
  EXPECT_EQ(got, "");
  EXPECT_EQ(PlanToJson(plan, EngineState()),
            internal::PlanToJsonWithProtobuf(plan, EngineState()));
}

}  // namespace
}  // namespace spotburst
