// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/decision_record.cc.
//
// One line of spotburstd's decision log (a spotburst.v1.Decision as JSON),
// split into the parts `spotburst replay` evaluates again: the policy, the
// state and the plan, each as the JSON the wire-format parsers read
// (ParsePolicy, ParseStateJson, ParsePlanJson).
//
//   SPOTBURST_ASSIGN_OR_RETURN(DecisionRecord record,
//                              ParseDecisionRecord(line));
//   SPOTBURST_ASSIGN_OR_RETURN(StateWithTime state,
//                              ParseStateJson(record.state_json));
#ifndef SPOTBURST_INTERNAL_DECISION_RECORD_H_
#define SPOTBURST_INTERNAL_DECISION_RECORD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace spotburst::internal {

struct DecisionRecord {
  std::string decision_id;  // empty when the line has none
  std::string policy_json;
  std::string state_json;
  std::string plan_json;
};

// InvalidArgument when `line` is not a JSON object ("not a JSON object") or
// lacks one of the parts ("state: missing").
absl::StatusOr<DecisionRecord> ParseDecisionRecord(std::string_view line);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_DECISION_RECORD_H_
