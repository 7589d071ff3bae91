// The JSON wire format of states and plans: proto JSON mapping with
// snake_case keys, parsed strictly and checked value by value.
#include "spotburst/wire_format.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/util/json_util.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/status_macros.h"

namespace spotburst {
namespace {

// The stack block a state's message is read into; larger states go on in
// heap blocks.
constexpr size_t kArenaBlockBytes = size_t{16} << 10;

// Longest error message a parse failure gives, in bytes.
constexpr size_t kMaxErrorBytes = 512;

// Protobuf 3.21 has its own Status; the codes share their numbers.
absl::Status FromProtobufStatus(const google::protobuf::util::Status& status,
                                absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  const auto message = status.message();
  return absl::Status(
      static_cast<absl::StatusCode>(status.code()),
      absl::StrCat(what, ": ",
                   absl::string_view(message.data(), message.size())));
}

absl::Status ParseJson(std::string_view json, google::protobuf::Message* out,
                       absl::string_view what) {
  // Protobuf lets a key appear twice (the last wins); refuse what could be
  // read two ways before it gets there.
  SPOTBURST_RETURN_IF_ERROR(internal::CheckStrictJson(
      json, std::string_view(what.data(), what.size())));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), out,
          options);
  if (status.ok()) return absl::OkStatus();
  // Every parse failure is the input's fault, whatever code protobuf picks.
  // Its messages may quote the input; errors quote a short prefix at most.
  const absl::Status error = FromProtobufStatus(status, what);
  return absl::InvalidArgumentError(internal::Excerpt(
      std::string_view(error.message().data(), error.message().size()),
      kMaxErrorBytes));
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;  // one line per state or plan
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing fails only for out-of-range times and durations, which the
  // conversions never write.
  const google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return "{}";
  return out;
}

}  // namespace

namespace internal {

absl::Status ReadStateJsonWithProtobuf(std::string_view json,
                                       v1::EvaluationState* out) {
  return ParseJson(json, out, "state JSON");
}

std::string PlanToJsonWithProtobuf(const Plan& plan,
                                   const EngineState& next_state) {
  return ToJson(ToProto(plan, next_state));
}

}  // namespace internal

absl::StatusOr<StateWithTime> ParseStateJson(std::string_view json) {
  // The message and its parts live in a block on the stack, not in one
  // heap allocation each (long strings still take their own).
  alignas(8) char block[kArenaBlockBytes];
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = sizeof(block);
  google::protobuf::Arena arena(options);
  auto* proto =
      google::protobuf::Arena::CreateMessage<v1::EvaluationState>(&arena);
  // Plain states take the fast reader; the rest, and every error, protobuf.
  if (!internal::ReadStateJsonFast(json, proto)) {
    proto->Clear();
    SPOTBURST_RETURN_IF_ERROR(internal::ReadStateJsonWithProtobuf(json, proto));
  }
  SPOTBURST_RETURN_IF_ERROR(internal::ValidateEvaluationState(*proto));
  return internal::FromProto(*proto);
}

std::string StateToJson(const EvaluationInput& input, absl::Time now) {
  return ToJson(internal::ToProto(input, now));
}

std::string PlanToJson(const Plan& plan, const EngineState& next_state) {
  std::string out;
  out.reserve(4096);  // most plans fit: one allocation
  if (internal::AppendPlanJsonFast(plan, next_state, &out)) return out;
  return internal::PlanToJsonWithProtobuf(plan, next_state);
}

absl::StatusOr<Evaluation> ParsePlanJson(std::string_view json) {
  v1::Plan proto;
  SPOTBURST_RETURN_IF_ERROR(ParseJson(json, &proto, "plan JSON"));
  return internal::EvaluationFromProto(proto);
}

}  // namespace spotburst
