// An engine state through the wire format: the proto message and the state
// JSON give it back unchanged, and the fast JSON reader reads that JSON as
// protobuf's parser does.
#ifndef SPOTBURST_TESTS_TESTING_STATE_ROUND_TRIP_H_
#define SPOTBURST_TESTS_TESTING_STATE_ROUND_TRIP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/wire_format.h"

namespace spotburst::testing {

// Checks all three for `state` and returns the state JSON (with `now`), for
// checks of its text; a failure fails the test.
inline std::string ExpectStateRoundTrips(const EngineState& state,
                                         absl::Time now) {
  absl::StatusOr<EngineState> back =
      internal::FromProto(internal::ToProto(state));
  EXPECT_TRUE(back.ok()) << back.status();
  if (back.ok()) EXPECT_EQ(*back, state);
  EvaluationInput input;
  input.state = state;
  const std::string json = StateToJson(input, now);
  absl::StatusOr<StateWithTime> parsed = ParseStateJson(json);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (parsed.ok()) EXPECT_EQ(parsed->input.state, state);
  v1::EvaluationState fast, slow;
  EXPECT_TRUE(internal::ReadStateJsonFast(json, &fast)) << json;
  const absl::Status read = internal::ReadStateJsonWithProtobuf(json, &slow);
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_EQ(fast.SerializeAsString(), slow.SerializeAsString());
  return json;
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_STATE_ROUND_TRIP_H_
