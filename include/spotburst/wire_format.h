// Wire format: states and plans as JSON (the proto JSON mapping of
// proto/spotburst/v1/state.proto and plan.proto).
//
// `spotburst evaluate` and the sidecar speak this. Parsing rejects what is
// not strict JSON (a key twice in one object, trailing commas, comments),
// unknown fields and bad values (negative resources, NaN prices or prices
// above kMaxPriceUsdPerHour, times outside years 1-9999, an instance or
// request id listed twice, missing `now`) with InvalidArgument naming the
// field path; errors quote at most a short prefix of the input.
//
//   SPOTBURST_ASSIGN_OR_RETURN(StateWithTime s, ParseStateJson(line));
//   SPOTBURST_ASSIGN_OR_RETURN(Evaluation e, engine.Evaluate(s.input, s.now));
//   std::cout << PlanToJson(e.plan, e.state) << "\n";
#ifndef SPOTBURST_WIRE_FORMAT_H_
#define SPOTBURST_WIRE_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"

namespace spotburst {

struct StateWithTime {
  EvaluationInput input;
  absl::Time now;
};

absl::StatusOr<StateWithTime> ParseStateJson(std::string_view json);
std::string StateToJson(const EvaluationInput& input, absl::Time now);

// One line of JSON: the plan with `next_state`.
std::string PlanToJson(const Plan& plan, const EngineState& next_state);
absl::StatusOr<Evaluation> ParsePlanJson(std::string_view json);

}  // namespace spotburst

#endif  // SPOTBURST_WIRE_FORMAT_H_
