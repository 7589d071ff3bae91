// Benchmarks of the JSON lines path of `spotburst evaluate --state=-`, over
// the example states of examples/states/ (capacity-refused,
// experiment2-listing, mesos-drain, scale-up: 0.9 to 1.9 KB each, one line
// each) and examples/policies/ec2-burst.yaml, taken in turn.
//
// BM_EvaluateLine/fast
//   One line as the command handles it: ParseStateJson, Engine::Evaluate,
//   PlanToJson. items_per_second is lines per second.
// BM_EvaluateLine/protobuf
//   The same with protobuf reading and printing the JSON (the fast reader
//   and writer left out): the path before them.
// BM_ParseState/fast, BM_ParseState/protobuf
//   ParseStateJson alone (JSON to message, checks, conversion), and the
//   same with protobuf's reader.
// BM_ReadStateMessage/fast, BM_ReadStateMessage/protobuf
//   The JSON-to-message step alone.
// BM_PrintPlan/fast, BM_PrintPlan/protobuf
//   PlanToJson of the lines' plans, and protobuf's printing of them.
// BM_Evaluate
//   Engine::Evaluate alone, for the share of the line the engine takes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "spotburst/engine.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/policy.h"
#include "spotburst/wire_format.h"

namespace spotburst {
namespace {

[[noreturn]] void Die(const absl::Status& status) {
  std::fprintf(stderr, "evaluate_lines_benchmark: %s\n",
               std::string(status.message()).c_str());
  std::exit(1);
}

struct Fixture {
  Engine engine;
  std::vector<std::string> lines;
  std::vector<StateWithTime> states;
  std::vector<Evaluation> evaluations;
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    absl::StatusOr<Policy> policy = LoadPolicyFile(
        SPOTBURST_SOURCE_DIR "/examples/policies/ec2-burst.yaml");
    if (!policy.ok()) Die(policy.status());
    absl::StatusOr<Engine> engine = Engine::Create(*policy);
    if (!engine.ok()) Die(engine.status());
    auto* f = new Fixture{.engine = *std::move(engine)};
    for (const char* name : {"capacity-refused", "experiment2-listing",
                             "mesos-drain", "scale-up"}) {
      absl::StatusOr<std::string> text = internal::ReadFileToString(
          std::string(SPOTBURST_SOURCE_DIR "/examples/states/") + name +
              ".json",
          "state", 1 << 20);
      if (!text.ok()) Die(text.status());
      absl::StatusOr<StateWithTime> state = ParseStateJson(*text);
      if (!state.ok()) Die(state.status());
      // One line, as the command reads it.
      f->lines.push_back(StateToJson(state->input, state->now));
      absl::StatusOr<Evaluation> evaluation =
          f->engine.Evaluate(state->input, state->now);
      if (!evaluation.ok()) Die(evaluation.status());
      f->states.push_back(*std::move(state));
      f->evaluations.push_back(*std::move(evaluation));
    }
    return f;
  }();
  return *fixture;
}

absl::StatusOr<StateWithTime> ParseWithProtobuf(std::string_view json) {
  v1::EvaluationState proto;
  if (absl::Status s = internal::ReadStateJsonWithProtobuf(json, &proto);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = internal::ValidateEvaluationState(proto); !s.ok()) {
    return s;
  }
  return internal::FromProto(proto);
}

void BM_EvaluateLine(benchmark::State& bench, bool fast) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : bench) {
    const std::string& line = f.lines[i++ % f.lines.size()];
    absl::StatusOr<StateWithTime> state =
        fast ? ParseStateJson(line) : ParseWithProtobuf(line);
    absl::StatusOr<Evaluation> evaluation =
        f.engine.Evaluate(state->input, state->now);
    std::string out = fast ? PlanToJson(evaluation->plan, evaluation->state)
                           : internal::PlanToJsonWithProtobuf(
                                 evaluation->plan, evaluation->state);
    benchmark::DoNotOptimize(out);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK_CAPTURE(BM_EvaluateLine, fast, true);
BENCHMARK_CAPTURE(BM_EvaluateLine, protobuf, false);

void BM_ParseState(benchmark::State& bench, bool fast) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : bench) {
    const std::string& line = f.lines[i++ % f.lines.size()];
    absl::StatusOr<StateWithTime> state =
        fast ? ParseStateJson(line) : ParseWithProtobuf(line);
    benchmark::DoNotOptimize(state);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK_CAPTURE(BM_ParseState, fast, true);
BENCHMARK_CAPTURE(BM_ParseState, protobuf, false);

void BM_ReadStateMessage(benchmark::State& bench, bool fast) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : bench) {
    const std::string& line = f.lines[i++ % f.lines.size()];
    v1::EvaluationState proto;
    const bool ok =
        fast ? internal::ReadStateJsonFast(line, &proto)
             : internal::ReadStateJsonWithProtobuf(line, &proto).ok();
    if (!ok) bench.SkipWithError("not read");
    benchmark::DoNotOptimize(proto);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK_CAPTURE(BM_ReadStateMessage, fast, true);
BENCHMARK_CAPTURE(BM_ReadStateMessage, protobuf, false);

void BM_PrintPlan(benchmark::State& bench, bool fast) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : bench) {
    const Evaluation& e = f.evaluations[i++ % f.evaluations.size()];
    std::string out = fast ? PlanToJson(e.plan, e.state)
                           : internal::PlanToJsonWithProtobuf(e.plan, e.state);
    benchmark::DoNotOptimize(out);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK_CAPTURE(BM_PrintPlan, fast, true);
BENCHMARK_CAPTURE(BM_PrintPlan, protobuf, false);

void BM_Evaluate(benchmark::State& bench) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : bench) {
    const StateWithTime& s = f.states[i++ % f.states.size()];
    absl::StatusOr<Evaluation> evaluation = f.engine.Evaluate(s.input, s.now);
    benchmark::DoNotOptimize(evaluation);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK(BM_Evaluate);

}  // namespace
}  // namespace spotburst

BENCHMARK_MAIN();
