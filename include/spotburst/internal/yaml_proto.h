// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/yaml_proto.cc.
//
// YAML (and JSON) to protobuf, driven by the message's descriptor.
//
// Policy files are YAML; the schema is a proto message. These functions fill
// any message from a YAML tree: keys are field names (snake_case) or their
// JSON names (lowerCamelCase), scalars must have the field's type, numbers
// must be finite and inside the field's `(spotburst.v1.range)` option.
// google.protobuf.Struct fields take a mapping of key -> number.
//
// Every error is InvalidArgument and reads
//   "<source>:<line>: <key path>: <what is wrong>"
// e.g. "policy.yaml:12: scaling.burst_point: 1.5 is out of range (0, 1]".
// No exception escapes; yaml-cpp's are caught here.
//
//   v1::Policy proto;
//   SPOTBURST_RETURN_IF_ERROR(
//       internal::ParseYamlToProto(text, "policy.yaml", proto));
#ifndef SPOTBURST_INTERNAL_YAML_PROTO_H_
#define SPOTBURST_INTERNAL_YAML_PROTO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "yaml-cpp/yaml.h"

namespace spotburst::internal {

// Parses `text` as a single YAML document (a mapping, or empty) and merges it
// into `message`. A syntax error names the line and column.
absl::Status ParseYamlToProto(std::string_view text, std::string_view source,
                              google::protobuf::Message& message);

// Merges the YAML mapping `node` into `message`. `path` is the key path of
// `node` itself ("" for the document root), used as the prefix in errors.
absl::Status YamlToProto(const YAML::Node& node, std::string_view source,
                         std::string_view path,
                         google::protobuf::Message& message);

// "<shown> is out of range (0, 1]" when `value` is outside the range option
// of `field`; "" when it is inside or the field has no range.
std::string RangeViolation(const google::protobuf::FieldDescriptor& field,
                           double value, std::string_view shown);

// "(0, 1]", "[0, inf)": the range option of `field`, or "" when it has none.
std::string FormatRange(const google::protobuf::FieldDescriptor& field);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_YAML_PROTO_H_
