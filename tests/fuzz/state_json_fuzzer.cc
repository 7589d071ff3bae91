// Fuzzes one line of state JSON, as `spotburst evaluate --state=-` and the
// sidecar's JSON clients send it. A state that parses must print and parse
// again to the same text, and evaluate (or fail) without harm. The fast
// reader and writer must agree with protobuf's: what the fast reader takes,
// protobuf reads to the same message; ParseStateJson gives protobuf's
// result or error; plans print to protobuf's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "spotburst/engine.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/wire_format.h"

namespace {

const spotburst::Engine& TestEngine() {
  static const spotburst::Engine* engine = [] {
    spotburst::Policy policy;
    policy.name = "fuzz";
    policy.instance.type = "c4.large";
    policy.instance.shape = {.cpus = 2, .mem_mib = 3840};
    policy.instance.on_demand_usd_per_hour = 0.1;
    policy.instance.region = "us-east-1";
    policy.scaling.max_instances = 10;
    policy.bidding.max_bid_usd_per_hour = 0.5;
    policy.baseline = {.cpus = 40, .mem_mib = 81920};
    auto created = spotburst::Engine::Create(policy);
    SPOTBURST_FUZZ_CHECK(created.ok());
    return new spotburst::Engine(*std::move(created));
  }();
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace internal = spotburst::internal;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  spotburst::v1::EvaluationState fast, slow;
  const bool fast_read = internal::ReadStateJsonFast(text, &fast);
  const absl::Status slow_read =
      internal::ReadStateJsonWithProtobuf(text, &slow);
  if (fast_read) {
    SPOTBURST_FUZZ_CHECK(slow_read.ok());
    SPOTBURST_FUZZ_CHECK(fast.SerializeAsString() == slow.SerializeAsString());
  }
  auto parsed = spotburst::ParseStateJson(text);
  // Protobuf's path alone gives the same outcome, errors included.
  absl::Status want = slow_read;
  if (want.ok()) want = internal::ValidateEvaluationState(slow);
  if (want.ok()) want = internal::FromProto(slow).status();
  SPOTBURST_FUZZ_CHECK(parsed.status() == want);
  if (!parsed.ok()) return 0;
  const std::string printed =
      spotburst::StateToJson(parsed->input, parsed->now);
  auto again = spotburst::ParseStateJson(printed);
  SPOTBURST_FUZZ_CHECK(again.ok());
  SPOTBURST_FUZZ_CHECK(spotburst::StateToJson(again->input, again->now) ==
                       printed);
  auto evaluation = TestEngine().Evaluate(parsed->input, parsed->now);
  if (evaluation.ok()) {
    // The plan must print and read back: it is what the CLI writes.
    const std::string plan_json =
        spotburst::PlanToJson(evaluation->plan, evaluation->state);
    SPOTBURST_FUZZ_CHECK(spotburst::ParsePlanJson(plan_json).ok());
    SPOTBURST_FUZZ_CHECK(plan_json == internal::PlanToJsonWithProtobuf(
                                          evaluation->plan, evaluation->state));
    SPOTBURST_FUZZ_CHECK(evaluation->plan.desired <= 10);
  }
  return 0;
}
