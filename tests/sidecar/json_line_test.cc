// The decision log's JSON printer writes what protobuf's printer writes,
// and what `spotburst replay` reads back is the decision that was recorded.
#include "sidecar/json_line.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sidecar/policy_store.h"
#include "sidecar_testing.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/decision.pb.h"

namespace spotburst::testing {
namespace {

using sidecar::AppendJson;

// What the decision log wrote before it had a printer of its own.
std::string ProtobufJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(message, &json, options)
          .ok());
  return json;
}

// A decision as Evaluate records it: the example state under the example
// policy, with the engine's plan.
v1::Decision ExampleDecision() {
  absl::StatusOr<Policy> policy = LoadPolicyFile(Repo(kPolicyFile));
  EXPECT_TRUE(policy.ok()) << policy.status();
  absl::StatusOr<Engine> engine = Engine::Create(*policy);
  EXPECT_TRUE(engine.ok()) << engine.status();
  const StateWithTime state = ExampleState();
  absl::StatusOr<Evaluation> evaluation =
      engine->Evaluate(state.input, state.now);
  EXPECT_TRUE(evaluation.ok()) << evaluation.status();
  v1::Decision decision;
  decision.set_decision_id("d-1");
  *decision.mutable_time() = *internal::TimeToProto(state.now);
  decision.set_policy_name("exp1");
  *decision.mutable_policy() = internal::PolicyToProto(engine->policy());
  decision.set_policy_revision(sidecar::PolicyRevision(decision.policy()));
  *decision.mutable_state() = ExampleStateProto();
  *decision.mutable_plan() =
      internal::ToProto(evaluation->plan, evaluation->state);
  decision.set_source(v1::DECISION_SOURCE_EVALUATE);
  return decision;
}

TEST(JsonLine, ADecisionIsTheSameDocumentProtobufWrites) {
  const v1::Decision decision = ExampleDecision();
  ASSERT_GT(decision.plan().actions_size(), 0);
  std::string json;
  ASSERT_TRUE(AppendJson(decision, json).ok());
  // The same keys and values; only the order of the keys may differ
  // (protobuf's printer puts some set fields last).
  EXPECT_EQ(nlohmann::json::parse(json),
            nlohmann::json::parse(ProtobufJson(decision)))
      << json;
}

TEST(JsonLine, SpecialValuesReadBackAsTheyWere) {
  v1::Decision decision = ExampleDecision();
  decision.set_decision_id(
      "quote \" backslash \\ tab \t nl \n <b> \x01 \xc2\xb5");
  decision.set_made_by("\xe2\x80\xa8 line separator");
  v1::MarketView& market = *decision.mutable_state()->mutable_markets(0);
  market.mutable_stats()->set_mean_usd(
      std::numeric_limits<double>::quiet_NaN());
  market.mutable_stats()->set_max_usd(std::numeric_limits<double>::infinity());
  market.mutable_stats()->set_min_usd(1e-300);
  decision.set_source(static_cast<v1::DecisionSource>(42));  // unknown
  decision.mutable_state()->mutable_fleet()->clear_instances();

  std::string json;
  ASSERT_TRUE(AppendJson(decision, json).ok());
  v1::Decision read;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &read).ok())
      << json;
  // NaN is never equal to itself: compare it apart.
  EXPECT_TRUE(std::isnan(read.state().markets(0).stats().mean_usd()));
  read.mutable_state()->mutable_markets(0)->mutable_stats()->set_mean_usd(0);
  decision.mutable_state()->mutable_markets(0)->mutable_stats()->set_mean_usd(
      0);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(read, decision))
      << json;
  EXPECT_THAT(json, ::testing::HasSubstr("\"instances\":[]"));
}

TEST(JsonLine, ATimestampPastYear9999IsAnErrorAndWritesNothing) {
  v1::Decision decision = ExampleDecision();
  decision.mutable_state()
      ->mutable_fleet()
      ->mutable_instances(0)
      ->mutable_launch_time()
      ->set_seconds(int64_t{1} << 40);
  std::string json = "kept";
  const absl::Status status = AppendJson(decision, json);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(json, "kept");
  // Protobuf's printer refuses it too.
  std::string protobuf_json;
  EXPECT_FALSE(
      google::protobuf::util::MessageToJsonString(decision, &protobuf_json)
          .ok());
}

}  // namespace
}  // namespace spotburst::testing
