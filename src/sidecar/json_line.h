// AppendJson: a message in the proto3 JSON mapping, as the decision log
// writes it, at a fraction of the cost of protobuf's own printer.
//
// The output is the document google::protobuf::util::MessageToJsonString
// writes with add_whitespace off, always_print_primitive_fields and
// preserve_proto_field_names on: unset messages and unset fields with
// presence left out, other scalars and repeated fields always written,
// 64-bit integers quoted, enums by name, maps as objects, Timestamp and
// Duration as strings. Only its form may differ: fields come in
// declaration order, and numbers in the shortest form that reads back as
// the same value. Protobuf's printer goes through a type resolver, a
// binary copy of the message and a tree of default values (over 100 us for
// one decision); this walks the message once by reflection. Other
// well-known types (Struct, wrappers, Any) go to protobuf's printer.
//
//   std::string line;
//   SPOTBURST_RETURN_IF_ERROR(AppendJson(decision, line));
#ifndef SPOTBURST_SIDECAR_JSON_LINE_H_
#define SPOTBURST_SIDECAR_JSON_LINE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace spotburst::sidecar {

// A field of the top-level message given as JSON text already, written in
// its place whether the message has it set or not: for a part that many
// lines share (the decision log prints each policy once).
struct PrintedField {
  const google::protobuf::FieldDescriptor* field = nullptr;
  absl::string_view json;
};

// Appends `message` to `out`. InvalidArgument, and `out` as it was, when
// the message has no JSON form (a Timestamp outside years 1-9999, a
// Duration past 10,000 years).
absl::Status AppendJson(const google::protobuf::Message& message,
                        std::string& out, const PrintedField& printed = {});

// Appends `text` as a JSON string, quotes included.
void AppendJsonString(absl::string_view text, std::string& out);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_JSON_LINE_H_
