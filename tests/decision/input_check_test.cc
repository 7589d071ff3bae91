// Engine::Evaluate refuses an input that lists an id twice, naming the first
// repeat and the entry it repeats, for small lists (compared pairwise) and
// large ones (screened by hash) alike.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::Market;
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

EvaluationInput FleetOf(int instances, int requests) {
  EvaluationInput input{.cluster = UsingCpus(10), .markets = {Market(0.03)}};
  input.cluster.reports_agents = true;
  for (int i = 0; i < instances; ++i) {
    const std::string id = "i-" + std::to_string(1000 + i);
    input.fleet.instances.push_back(SpotInstance(id, T0() - absl::Hours(1)));
    input.cluster.burst_agents.push_back(
        {.instance_id = id, .agent_id = "agent-" + id});
  }
  for (int i = 0; i < requests; ++i) {
    input.fleet.requests.push_back(
        OpenRequest("sir-" + std::to_string(i), T0()));
  }
  return input;
}

absl::Status EvaluateInput(const EvaluationInput& input) {
  auto engine = Engine::Create(PrototypePolicy());
  EXPECT_TRUE(engine.ok());
  return engine->Evaluate(input, T0()).status();
}

class DuplicateIds : public ::testing::TestWithParam<int> {};

TEST_P(DuplicateIds, AreRefusedNamingTheFirstRepeat) {
  const int n = GetParam();
  ASSERT_TRUE(EvaluateInput(FleetOf(n, n)).ok());

  // Two repeats: the one found first in list order is named.
  EvaluationInput input = FleetOf(n, n);
  input.fleet.instances[n - 1].id = input.fleet.instances[1].id;
  input.fleet.instances[n - 2].id = input.fleet.instances[2].id;
  input.cluster.burst_agents.resize(1);
  EXPECT_THAT(EvaluateInput(input),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat(
                           "fleet.instances[", n - 2,
                           "].id: duplicate of fleet.instances[2]"))));

  input = FleetOf(n, n);
  input.fleet.requests[n - 1].id = input.fleet.requests[0].id;
  EXPECT_THAT(EvaluateInput(input),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat(
                           "fleet.requests[", n - 1,
                           "].id: duplicate of fleet.requests[0]"))));

  // Agents: errors in list order, whatever their kind.
  input = FleetOf(n, 0);
  input.cluster.burst_agents[n - 1].instance_id =
      input.cluster.burst_agents[2].instance_id;
  EXPECT_THAT(
      EvaluateInput(input),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(absl::StrCat("cluster.burst_agents[", n - 1,
                                      "].instance_id: i-1002 already has "
                                      "cluster.burst_agents[2]"))));
  input.cluster.burst_agents[n - 2].used.cpus = -1;
  EXPECT_THAT(EvaluateInput(input),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat("cluster.burst_agents[", n - 2,
                                              "].used.cpus: -1 must be"))));
}

INSTANTIATE_TEST_SUITE_P(Sizes, DuplicateIds,
                         ::testing::Values(5, 16, 17, 200, 5000));

}  // namespace
}  // namespace spotburst
