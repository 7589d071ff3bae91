// Splitting a decision log line into its policy, state and plan.
#include "spotburst/internal/decision_record.h"

#include <utility>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace spotburst::internal {
namespace {

absl::StatusOr<std::string> PartAsJson(const google::protobuf::Struct& line,
                                       const std::string& key) {
  auto it = line.fields().find(key);
  if (it == line.fields().end() ||
      it->second.kind_case() != google::protobuf::Value::kStructValue) {
    return absl::InvalidArgumentError(key + ": missing");
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(it->second.struct_value(),
                                                   &json)
           .ok()) {
    return absl::InvalidArgumentError(key + ": cannot be written as JSON");
  }
  return json;
}

}  // namespace

absl::StatusOr<DecisionRecord> ParseDecisionRecord(std::string_view line) {
  google::protobuf::Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &parsed);
  if (!status.ok()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  DecisionRecord record;
  if (auto it = parsed.fields().find("decision_id");
      it != parsed.fields().end()) {
    record.decision_id = it->second.string_value();
  }
  for (auto [key, out] : {std::pair{"policy", &record.policy_json},
                          std::pair{"state", &record.state_json},
                          std::pair{"plan", &record.plan_json}}) {
    absl::StatusOr<std::string> json = PartAsJson(parsed, key);
    if (!json.ok()) return json.status();
    *out = *std::move(json);
  }
  return record;
}

}  // namespace spotburst::internal
