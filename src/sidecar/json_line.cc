// The proto3 JSON mapping by one reflection walk.
#include "sidecar/json_line.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "spotburst/internal/state_proto.h"

namespace spotburst::sidecar {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

// google.protobuf.Duration's range: +-10,000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000;

// The shortest text that reads back as the same double or float (where
// protobuf's printer tries printf twice and strtod); NaN and infinities as
// protobuf writes them.
void AppendDouble(double value, bool is_float, std::string& out) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char text[32];
    const std::to_chars_result end =
        is_float ? std::to_chars(text, text + sizeof(text),
                                 static_cast<float>(value),
                                 std::chars_format::general)
                 : std::to_chars(text, text + sizeof(text), value,
                                 std::chars_format::general);
    out.append(text, end.ptr);
  }
}

bool IsWellKnown(const Descriptor& type) {
  return type.file()->package() == "google.protobuf";
}

absl::Status AppendMessage(const Message& message, std::string& out,
                           const PrintedField& printed = {});
absl::Status AppendScalarOrMessage(const Message& message,
                                   const FieldDescriptor& field, int index,
                                   std::string& out);

absl::Status AppendTimestamp(const Message& message, std::string& out) {
  const auto& ts = static_cast<const google::protobuf::Timestamp&>(message);
  if (absl::Status valid = internal::CheckTimestamp(ts, "timestamp");
      !valid.ok()) {
    return valid;
  }
  out.push_back('"');
  out += google::protobuf::util::TimeUtil::ToString(ts);
  out.push_back('"');
  return absl::OkStatus();
}

absl::Status AppendDuration(const Message& message, std::string& out) {
  const auto& d = static_cast<const google::protobuf::Duration&>(message);
  if (d.seconds() > kMaxDurationSeconds || d.seconds() < -kMaxDurationSeconds ||
      d.nanos() > 999999999 || d.nanos() < -999999999 ||
      (d.seconds() > 0 && d.nanos() < 0) ||
      (d.seconds() < 0 && d.nanos() > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration: ", d.seconds(), " s and ", d.nanos(),
                     " ns is not a valid Duration"));
  }
  out.push_back('"');
  out += google::protobuf::util::TimeUtil::ToString(d);
  out.push_back('"');
  return absl::OkStatus();
}

// Protobuf's own printer, for what this one does not do.
absl::Status AppendByProtobuf(const Message& message, std::string& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  if (auto status =
          google::protobuf::util::MessageToJsonString(message, &json, options);
      !status.ok()) {
    return absl::InvalidArgumentError(std::string(status.message()));
  }
  out += json;
  return absl::OkStatus();
}

// A message or well-known type as a JSON value.
absl::Status AppendValue(const Message& message, std::string& out) {
  const Descriptor& type = *message.GetDescriptor();
  if (!IsWellKnown(type)) return AppendMessage(message, out);
  if (&type == google::protobuf::Timestamp::descriptor()) {
    return AppendTimestamp(message, out);
  }
  if (&type == google::protobuf::Duration::descriptor()) {
    return AppendDuration(message, out);
  }
  return AppendByProtobuf(message, out);
}

// One element of a field (index < 0: a singular field) as a JSON value.
absl::Status AppendScalarOrMessage(const Message& message,
                                   const FieldDescriptor& field, int index,
                                   std::string& out) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(&out, repeated
                                ? r.GetRepeatedInt32(message, &field, index)
                                : r.GetInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(&out, repeated
                                ? r.GetRepeatedUInt32(message, &field, index)
                                : r.GetUInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(&out, "\"",
                      repeated ? r.GetRepeatedInt64(message, &field, index)
                               : r.GetInt64(message, &field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(&out, "\"",
                      repeated ? r.GetRepeatedUInt64(message, &field, index)
                               : r.GetUInt64(message, &field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendDouble(repeated ? r.GetRepeatedDouble(message, &field, index)
                            : r.GetDouble(message, &field),
                   false, out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendDouble(repeated ? r.GetRepeatedFloat(message, &field, index)
                            : r.GetFloat(message, &field),
                   true, out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (repeated ? r.GetRepeatedBool(message, &field, index)
                       : r.GetBool(message, &field))
                 ? "true"
                 : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated
                             ? r.GetRepeatedEnumValue(message, &field, index)
                             : r.GetEnumValue(message, &field);
      const auto* value = field.enum_type()->FindValueByNumber(number);
      if (value != nullptr) {
        AppendJsonString(value->name(), out);
      } else {
        absl::StrAppend(&out, number);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          repeated
              ? r.GetRepeatedStringReference(message, &field, index, &scratch)
              : r.GetStringReference(message, &field, &scratch);
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        absl::StrAppend(&out, "\"", absl::Base64Escape(text), "\"");
      } else {
        AppendJsonString(text, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return AppendValue(repeated ? r.GetRepeatedMessage(message, &field, index)
                                  : r.GetMessage(message, &field),
                         out);
  }
  return absl::OkStatus();
}

// A map as an object: every key is a string in JSON.
absl::Status AppendMap(const Message& message, const FieldDescriptor& field,
                       int size, std::string& out) {
  const Reflection& r = *message.GetReflection();
  const FieldDescriptor& key = *field.message_type()->map_key();
  const FieldDescriptor& value = *field.message_type()->map_value();
  out.push_back('{');
  for (int j = 0; j < size; ++j) {
    if (j > 0) out.push_back(',');
    const Message& entry = r.GetRepeatedMessage(message, &field, j);
    if (key.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string scratch;
      AppendJsonString(
          entry.GetReflection()->GetStringReference(entry, &key, &scratch),
          out);
    } else {
      std::string text;
      (void)AppendScalarOrMessage(entry, key, -1, text);
      if (text.front() != '"') text = absl::StrCat("\"", text, "\"");
      out += text;
    }
    out.push_back(':');
    if (absl::Status s = AppendScalarOrMessage(entry, value, -1, out);
        !s.ok()) {
      return s;
    }
  }
  out.push_back('}');
  return absl::OkStatus();
}

absl::Status AppendMessage(const Message& message, std::string& out,
                           const PrintedField& printed) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  out.push_back('{');
  bool first = true;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (&field == printed.field) {
      if (!first) out.push_back(',');
      first = false;
      absl::StrAppend(&out, "\"", field.name(), "\":", printed.json);
      continue;
    }
    if (!field.is_repeated() && field.has_presence() &&
        !r.HasField(message, &field)) {
      continue;
    }
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out += field.name();
    out += "\":";
    if (!field.is_repeated()) {
      if (absl::Status s = AppendScalarOrMessage(message, field, -1, out);
          !s.ok()) {
        return s;
      }
      continue;
    }
    const int size = r.FieldSize(message, &field);
    if (field.is_map()) {
      if (absl::Status s = AppendMap(message, field, size, out); !s.ok()) {
        return s;
      }
      continue;
    }
    out.push_back('[');
    for (int j = 0; j < size; ++j) {
      if (j > 0) out.push_back(',');
      if (absl::Status s = AppendScalarOrMessage(message, field, j, out);
          !s.ok()) {
        return s;
      }
    }
    out.push_back(']');
  }
  out.push_back('}');
  return absl::OkStatus();
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case 0x7f:
        // Protobuf's printer escapes these too (safe inside HTML).
        out += "\\u00";
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xf]);
        break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

absl::Status AppendJson(const google::protobuf::Message& message,
                        std::string& out, const PrintedField& printed) {
  const size_t size = out.size();
  absl::Status status = printed.field != nullptr
                            ? AppendMessage(message, out, printed)
                            : AppendValue(message, out);
  if (!status.ok()) out.resize(size);
  return status;
}

}  // namespace spotburst::sidecar
