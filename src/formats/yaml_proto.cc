// Descriptor-driven conversion of a yaml-cpp tree into a protobuf message,
// with the schema's range option checked on the way. One walker handles any
// message, so the policy schema can grow without touching this file; the
// only special cases are map fields and google.protobuf.Struct (numbers
// only). yaml-cpp throws; every entry point here catches.
#include "spotburst/internal/yaml_proto.h"

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/policy.pb.h"
#include "yaml-cpp/eventhandler.h"

namespace spotburst::internal {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

constexpr char kStructType[] = "google.protobuf.Struct";

// Debian's abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

std::string FormatNumber(double value) {
  return absl::StrFormat("%.15g", value);
}

std::string JoinPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(Sv(path), ".", Sv(key));
}

// "source:line: path: what", leaving out the parts that are unknown.
absl::Status Error(std::string_view source, const YAML::Mark& mark,
                   std::string_view path, std::string_view what) {
  std::string where(source);
  if (!mark.is_null()) absl::StrAppend(&where, ":", mark.line + 1);
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", Sv(what)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", Sv(path), ": ", Sv(what)));
}

// How a node is shown in "expected X, got Y".
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return absl::StrCat("\"", absl::CEscape(text), "\"");
    }
    default:
      return "an empty value";
  }
}

// Quoted scalars ("0.5") carry the tag "!"; numbers and booleans must be
// plain so that a string never silently becomes a number.
bool IsPlainScalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!";
}

// YAML spells infinity and NaN as .inf / .nan; strtod-style parsers know
// inf / nan. Both are refused, with a clearer message than "not a number".
bool IsNonFiniteSpelling(std::string_view text) {
  std::string lower = absl::AsciiStrToLower(Sv(text));
  std::string_view word = lower;
  if (!word.empty() && (word[0] == '+' || word[0] == '-'))
    word.remove_prefix(1);
  if (!word.empty() && word[0] == '.') word.remove_prefix(1);
  return word == "inf" || word == "infinity" || word == "nan";
}

bool ParseBool(std::string_view text, bool& out) {
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
    return true;
  }
  return false;
}

std::pair<int64_t, int64_t> IntegerLimits(FieldDescriptor::CppType type) {
  switch (type) {
    case FieldDescriptor::CPPTYPE_INT32:
      return {std::numeric_limits<int32_t>::min(),
              std::numeric_limits<int32_t>::max()};
    case FieldDescriptor::CPPTYPE_UINT32:
      return {0, std::numeric_limits<uint32_t>::max()};
    case FieldDescriptor::CPPTYPE_UINT64:
      return {0, std::numeric_limits<int64_t>::max()};
    default:
      return {std::numeric_limits<int64_t>::min(),
              std::numeric_limits<int64_t>::max()};
  }
}

std::string KnownKeys(const Descriptor& descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    names.push_back(descriptor.field(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

const FieldDescriptor* FindField(const Descriptor& descriptor,
                                 const std::string& key) {
  if (const FieldDescriptor* field = descriptor.FindFieldByName(key)) {
    return field;
  }
  for (int i = 0; i < descriptor.field_count(); ++i) {
    if (descriptor.field(i)->json_name() == key) return descriptor.field(i);
  }
  return nullptr;
}

class Converter {
 public:
  explicit Converter(std::string_view source) : source_(source) {}

  absl::Status Mapping(const YAML::Node& node, const std::string& path,
                       Message& message) const {
    if (node.IsNull()) return absl::OkStatus();
    if (!node.IsMap()) {
      return Error(source_, node.Mark(), path,
                   absl::StrCat("expected a mapping, got ", Describe(node)));
    }
    const Descriptor& descriptor = *message.GetDescriptor();
    std::map<int, int> first_line;  // field number -> line it was set on
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) {
        return Error(source_, key.Mark(), path,
                     absl::StrCat("expected a key name, got ", Describe(key)));
      }
      std::string key_path = JoinPath(path, key.Scalar());
      const FieldDescriptor* field = FindField(descriptor, key.Scalar());
      if (field == nullptr) {
        return Error(
            source_, key.Mark(), key_path,
            absl::StrCat("unknown key (known: ", KnownKeys(descriptor), ")"));
      }
      SPOTBURST_RETURN_IF_ERROR(
          FirstTime(first_line, field->number(), key, key_path));
      SPOTBURST_RETURN_IF_ERROR(Field(entry.second, key_path, *field, message));
    }
    return absl::OkStatus();
  }

 private:
  // Records the line `key` is on; a key met twice is an error (yaml-cpp
  // keeps both entries, the first would silently lose).
  template <typename Id>
  absl::Status FirstTime(std::map<Id, int>& first_line, const Id& id,
                         const YAML::Node& key, const std::string& path) const {
    auto [it, inserted] = first_line.emplace(id, key.Mark().line + 1);
    if (inserted) return absl::OkStatus();
    return Error(
        source_, key.Mark(), path,
        absl::StrCat("duplicate key (first set on line ", it->second, ")"));
  }

  absl::Status Field(const YAML::Node& value, const std::string& path,
                     const FieldDescriptor& field, Message& message) const {
    const Reflection& reflection = *message.GetReflection();
    if (field.is_map()) return MapField(value, path, field, message);
    if (field.is_repeated()) {
      if (value.IsNull()) return absl::OkStatus();
      if (!value.IsSequence()) {
        return Error(
            source_, value.Mark(), path,
            absl::StrCat("expected a sequence, got ", Describe(value)));
      }
      for (size_t i = 0; i < value.size(); ++i) {
        std::string item_path = absl::StrCat(path, "[", i, "]");
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          SPOTBURST_RETURN_IF_ERROR(Mapping(
              value[i], item_path, *reflection.AddMessage(&message, &field)));
        } else {
          SPOTBURST_RETURN_IF_ERROR(
              Scalar(value[i], item_path, field, message));
        }
      }
      return absl::OkStatus();
    }
    if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return Scalar(value, path, field, message);
    }
    Message& child = *reflection.MutableMessage(&message, &field);
    if (field.message_type()->full_name() == kStructType) {
      return StructField(value, path, child);
    }
    return Mapping(value, path, child);
  }

  absl::Status MapField(const YAML::Node& value, const std::string& path,
                        const FieldDescriptor& field, Message& message) const {
    if (value.IsNull()) return absl::OkStatus();
    if (!value.IsMap()) {
      return Error(source_, value.Mark(), path,
                   absl::StrCat("expected a mapping, got ", Describe(value)));
    }
    const FieldDescriptor& key_field = *field.message_type()->map_key();
    const FieldDescriptor& value_field = *field.message_type()->map_value();
    std::map<std::string, int> first_line;
    for (const auto& item : value) {
      std::string item_path = JoinPath(path, item.first.Scalar());
      SPOTBURST_RETURN_IF_ERROR(
          FirstTime(first_line, item.first.Scalar(), item.first, item_path));
      Message& map_entry =
          *message.GetReflection()->AddMessage(&message, &field);
      SPOTBURST_RETURN_IF_ERROR(
          Scalar(item.first, item_path, key_field, map_entry));
      SPOTBURST_RETURN_IF_ERROR(
          Field(item.second, item_path, value_field, map_entry));
    }
    return absl::OkStatus();
  }

  // Strategy parameters: a flat mapping of name -> finite number.
  absl::Status StructField(const YAML::Node& value, const std::string& path,
                           Message& message) const {
    if (value.IsNull()) return absl::OkStatus();
    if (!value.IsMap()) {
      return Error(source_, value.Mark(), path,
                   absl::StrCat("expected a mapping of name -> number, got ",
                                Describe(value)));
    }
    google::protobuf::Struct params;
    std::map<std::string, int> first_line;
    for (const auto& item : value) {
      const std::string& name = item.first.Scalar();
      std::string item_path = JoinPath(path, name);
      SPOTBURST_RETURN_IF_ERROR(
          FirstTime(first_line, name, item.first, item_path));
      double number = 0;
      if (!IsPlainScalar(item.second) ||
          !absl::SimpleAtod(item.second.Scalar(), &number) ||
          IsNonFiniteSpelling(item.second.Scalar()) || !std::isfinite(number)) {
        return Error(source_, item.second.Mark(), item_path,
                     absl::StrCat("expected a finite number (params hold "
                                  "numbers only), got ",
                                  Describe(item.second)));
      }
      (*params.mutable_fields())[name].set_number_value(number);
    }
    // Through the wire format, so that `message` may come from any pool.
    if (!message.MergeFromString(params.SerializeAsString())) {
      return Error(source_, value.Mark(), path, "cannot store parameters");
    }
    return absl::OkStatus();
  }

  // Sets (or, for a repeated field, adds) one scalar value.
  absl::Status Scalar(const YAML::Node& value, const std::string& path,
                      const FieldDescriptor& field, Message& message) const {
    const Reflection& r = *message.GetReflection();
    const bool repeated = field.is_repeated();
    const std::string& text = value.Scalar();
    auto expected = [&](std::string_view what) {
      return Error(
          source_, value.Mark(), path,
          absl::StrCat("expected ", Sv(what), ", got ", Describe(value)));
    };
    auto check_range = [&](double number) {
      std::string violation = RangeViolation(field, number, text);
      return violation.empty() ? absl::OkStatus()
                               : Error(source_, value.Mark(), path, violation);
    };
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double number = 0;
        if (IsPlainScalar(value) && IsNonFiniteSpelling(text)) {
          return Error(source_, value.Mark(), path,
                       absl::StrCat(text,
                                    " is not allowed (NaN and "
                                    "infinity are refused)"));
        }
        if (!IsPlainScalar(value) || !absl::SimpleAtod(text, &number) ||
            !std::isfinite(number)) {
          return expected("a finite number");
        }
        SPOTBURST_RETURN_IF_ERROR(check_range(number));
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
          auto f = static_cast<float>(number);
          repeated ? r.AddFloat(&message, &field, f)
                   : r.SetFloat(&message, &field, f);
        } else {
          repeated ? r.AddDouble(&message, &field, number)
                   : r.SetDouble(&message, &field, number);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        // uint64 values above 2^63 - 1 are refused; no key needs them.
        int64_t n = 0;
        const auto [low, high] = IntegerLimits(field.cpp_type());
        if (!IsPlainScalar(value) || !absl::SimpleAtoi(text, &n) || n < low ||
            n > high) {
          return expected(low == 0 ? "a non-negative integer" : "an integer");
        }
        SPOTBURST_RETURN_IF_ERROR(check_range(static_cast<double>(n)));
        switch (field.cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            repeated ? r.AddInt32(&message, &field, n)
                     : r.SetInt32(&message, &field, n);
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            repeated ? r.AddUInt32(&message, &field, n)
                     : r.SetUInt32(&message, &field, n);
            break;
          case FieldDescriptor::CPPTYPE_UINT64:
            repeated ? r.AddUInt64(&message, &field, n)
                     : r.SetUInt64(&message, &field, n);
            break;
          default:
            repeated ? r.AddInt64(&message, &field, n)
                     : r.SetInt64(&message, &field, n);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool flag = false;
        if (!IsPlainScalar(value) || !ParseBool(text, flag)) {
          return expected("true or false");
        }
        repeated ? r.AddBool(&message, &field, flag)
                 : r.SetBool(&message, &field, flag);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_STRING:
        if (!value.IsScalar()) return expected("a string");
        repeated ? r.AddString(&message, &field, text)
                 : r.SetString(&message, &field, text);
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* enum_value = value.IsScalar()
                                     ? field.enum_type()->FindValueByName(text)
                                     : nullptr;
        if (enum_value == nullptr) {
          std::vector<std::string> names;
          for (int i = 0; i < field.enum_type()->value_count(); ++i) {
            names.push_back(field.enum_type()->value(i)->name());
          }
          return expected(absl::StrCat("one of ", absl::StrJoin(names, ", ")));
        }
        repeated ? r.AddEnum(&message, &field, enum_value)
                 : r.SetEnum(&message, &field, enum_value);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    return expected("a mapping");
  }

  std::string_view source_;
};

}  // namespace

std::string RangeViolation(const FieldDescriptor& field, double value,
                           std::string_view shown) {
  if (!field.options().HasExtension(v1::range)) return "";
  const v1::Range& range = field.options().GetExtension(v1::range);
  bool below =
      range.has_min() &&
      (value < range.min() || (range.min_exclusive() && value == range.min()));
  bool above = range.has_max() && value > range.max();
  if (!below && !above) return "";
  return absl::StrCat(Sv(shown), " is out of range ", FormatRange(field));
}

std::string FormatRange(const FieldDescriptor& field) {
  if (!field.options().HasExtension(v1::range)) return "";
  const v1::Range& range = field.options().GetExtension(v1::range);
  std::string low = range.has_min()
                        ? absl::StrCat(range.min_exclusive() ? "(" : "[",
                                       FormatNumber(range.min()))
                        : "(-inf";
  std::string high =
      range.has_max() ? absl::StrCat(FormatNumber(range.max()), "]") : "inf)";
  return absl::StrCat(low, ", ", high);
}

absl::Status YamlToProto(const YAML::Node& node, std::string_view source,
                         std::string_view path, Message& message) {
  try {
    return Converter(source).Mapping(node, std::string(path), message);
  } catch (const std::exception& e) {
    return Error(source, node.Mark(), path,
                 absl::StrCat("cannot read YAML: ", e.what()));
  }
}

namespace {

// Counts documents without building them.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (count_++ == 1) second_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  int count() const { return count_; }
  const YAML::Mark& second() const { return second_; }

 private:
  int count_ = 0;
  YAML::Mark second_ = YAML::Mark::null_mark();
};

// The first document of `text`, and where a second one starts (null mark
// when there is none). yaml-cpp 0.7's LoadAll never returns for some
// inputs, "," among them: its parser keeps reporting empty documents
// without consuming anything. So documents are counted, at most two, with
// an event handler, and only the first is built.
struct FirstDocument {
  std::optional<YAML::Node> node;  // empty: no document at all
  YAML::Mark second = YAML::Mark::null_mark();
};

FirstDocument LoadFirstDocument(const std::string& text) {
  std::istringstream counting(text);
  YAML::Parser parser(counting);
  DocumentCounter counter;
  while (counter.count() < 2 && parser.HandleNextDocument(counter)) {
  }
  FirstDocument first;
  if (counter.count() == 0) return first;
  first.node = YAML::Load(text);
  if (counter.count() > 1) first.second = counter.second();
  return first;
}

}  // namespace

absl::Status ParseYamlToProto(std::string_view text, std::string_view source,
                              Message& message) {
  FirstDocument document;
  try {
    document = LoadFirstDocument(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (!e.mark.is_null()) {
      absl::StrAppend(&where, ":", e.mark.line + 1, ":", e.mark.column + 1);
    }
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": YAML syntax error: ", e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(source), ": cannot read YAML: ", e.what()));
  }
  if (!document.node) return absl::OkStatus();
  if (!document.second.is_null()) {
    return Error(source, document.second, "",
                 "expected one YAML document, found 2 or more");
  }
  return YamlToProto(*document.node, source, "", message);
}

}  // namespace spotburst::internal
