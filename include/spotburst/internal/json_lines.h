// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/state_json_reader.cc, plan_json_writer.cc and wire_format.cc.
//
// The fast JSON path of the wire format (ParseStateJson, PlanToJson) and
// the protobuf path it must equal byte for byte.
//
// The fast reader handles plain states only: snake_case keys, strings
// without escapes or non-ASCII bytes, numbers and times in their usual
// spelling. Whatever else it meets (camelCase keys, null, an escape, an
// unknown field, a duplicate key, a number it cannot convert exactly, bad
// JSON) makes it give up, and the caller reads the text with protobuf,
// whose result or error is the format's. So the fast reader never accepts
// what protobuf refuses, and what it accepts reads to the same message.
//
//   v1::EvaluationState state;
//   if (!ReadStateJsonFast(json, &state)) {
//     state.Clear();
//     SPOTBURST_RETURN_IF_ERROR(ReadStateJsonWithProtobuf(json, &state));
//   }
#ifndef SPOTBURST_INTERNAL_JSON_LINES_H_
#define SPOTBURST_INTERNAL_JSON_LINES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/v1/state.pb.h"

namespace spotburst::internal {

// True when `json` was read into `out` (which must start empty); false
// when the text needs protobuf's parser (`out` is then partly filled).
bool ReadStateJsonFast(std::string_view json, v1::EvaluationState* out);

// Strict JSON check, then protobuf's JSON parser: the reference reading,
// with the format's errors ("state JSON: ...").
absl::Status ReadStateJsonWithProtobuf(std::string_view json,
                                       v1::EvaluationState* out);

// Appends PlanToJson's line (without "\n") to `out` and returns true; false
// with `out` unchanged when the plan holds text the writer leaves to
// protobuf (bytes above 0x7F: UTF-8, which protobuf checks and partly
// escapes).
bool AppendPlanJsonFast(const Plan& plan, const EngineState& next_state,
                        std::string* out);

// ToProto(plan, next_state) printed by protobuf: the reference printing.
std::string PlanToJsonWithProtobuf(const Plan& plan,
                                   const EngineState& next_state);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_JSON_LINES_H_
