// The fast reader of state JSON: one pass over the text, filling the
// message through reflection, for the spellings protobuf's JSON parser
// reads in one plain way. Anything else returns false and protobuf reads
// the text (json_lines.h), so this file decides nothing about validity.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "io/civil_days.h"
#include "spotburst/internal/json_lines.h"

namespace spotburst::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// How a field's value is spelled in JSON, as far as this reader goes.
enum class Kind {
  kUnsupported,  // left to protobuf
  kDouble,
  kInt32,
  kInt64,
  kBool,
  kString,
  kEnum,
  kTimestamp,
  kMessage,
  kRepeatedMessage,
  kRepeatedString,
};

struct MessageTable;

struct FieldEntry {
  std::string_view name;  // the proto field name (snake_case)
  const FieldDescriptor* field = nullptr;
  Kind kind = Kind::kUnsupported;
  const MessageTable* message = nullptr;  // kMessage, kRepeatedMessage
  // kEnum: the values by name (a handful; a scan beats a hash here).
  std::vector<std::pair<std::string_view, int>> enum_values;
};

struct MessageTable {
  // Looked up once: a message's GetReflection() costs a call_once.
  const Reflection* reflection = nullptr;
  std::vector<FieldEntry> fields;  // at most 64: duplicates are one bitmask
};

Kind KindOf(const FieldDescriptor* f) {
  if (f->is_map() || f->real_containing_oneof() != nullptr) {
    return Kind::kUnsupported;
  }
  if (f->is_repeated()) {
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      return Kind::kRepeatedString;
    }
    return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                   f->message_type()->full_name().rfind("google.protobuf.",
                                                        0) != 0
               ? Kind::kRepeatedMessage
               : Kind::kUnsupported;
  }
  switch (f->type()) {
    case FieldDescriptor::TYPE_DOUBLE:
      return Kind::kDouble;
    case FieldDescriptor::TYPE_INT32:
      return Kind::kInt32;
    case FieldDescriptor::TYPE_INT64:
      return Kind::kInt64;
    case FieldDescriptor::TYPE_BOOL:
      return Kind::kBool;
    case FieldDescriptor::TYPE_STRING:
      return Kind::kString;
    case FieldDescriptor::TYPE_ENUM:
      return Kind::kEnum;
    case FieldDescriptor::TYPE_MESSAGE: {
      const std::string& type = f->message_type()->full_name();
      if (type == "google.protobuf.Timestamp") return Kind::kTimestamp;
      // Other well-known types have JSON forms of their own.
      return type.rfind("google.protobuf.", 0) == 0 ? Kind::kUnsupported
                                                    : Kind::kMessage;
    }
    default:
      return Kind::kUnsupported;
  }
}

// The tables of a message type and every message type under it, built
// once; the descriptors live as long as the program.
class Tables {
 public:
  explicit Tables(const Descriptor* root) { root_ = Build(root); }
  const MessageTable* root() const { return root_; }

 private:
  const MessageTable* Build(const Descriptor* d) {
    if (auto it = tables_.find(d); it != tables_.end()) return it->second.get();
    auto table = std::make_unique<MessageTable>();
    MessageTable* raw = table.get();
    raw->reflection = google::protobuf::MessageFactory::generated_factory()
                          ->GetPrototype(d)
                          ->GetReflection();
    tables_.emplace(d, std::move(table));
    for (int i = 0; i < d->field_count() && i < 64; ++i) {
      const FieldDescriptor* f = d->field(i);
      FieldEntry entry{.name = f->name(), .field = f, .kind = KindOf(f)};
      if (entry.kind == Kind::kMessage ||
          entry.kind == Kind::kRepeatedMessage) {
        entry.message = Build(f->message_type());
      }
      if (entry.kind == Kind::kEnum) {
        for (int v = 0; v < f->enum_type()->value_count(); ++v) {
          const auto* value = f->enum_type()->value(v);
          entry.enum_values.emplace_back(value->name(), value->number());
        }
      }
      raw->fields.push_back(entry);
    }
    return raw;
  }

  absl::flat_hash_map<const Descriptor*, std::unique_ptr<MessageTable>> tables_;
  const MessageTable* root_ = nullptr;
};

const MessageTable& StateTable() {
  static const Tables* tables = new Tables(v1::EvaluationState::descriptor());
  return *tables->root();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// A JSON number token, checked against RFC 8259's grammar.
struct Number {
  std::string_view text;
  bool negative = false;
  bool integral = true;  // no fraction, no exponent
  int digits = 0;        // integer digits, when integral
};

class Reader {
 public:
  explicit Reader(std::string_view json)
      : p_(json.data()), end_(json.data() + json.size()) {}

  bool ReadDocument(Message* out) {
    SkipSpace();
    if (!ReadMessage(StateTable(), out)) return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  void SkipSpace() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  bool Consume(char c) {
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // A string of printable ASCII without escapes; the text between the
  // quotes points into the input.
  bool ReadPlainString(std::string_view* out) {
    if (!Consume('"')) return false;
    const char* begin = p_;
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *out = std::string_view(begin, static_cast<size_t>(p_ - begin));
        ++p_;
        return true;
      }
      // Escapes, control characters and non-ASCII (UTF-8 to check) are
      // protobuf's to read.
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }

  bool ReadNumber(Number* n) {
    SkipSpace();
    const char* begin = p_;
    if (p_ < end_ && *p_ == '-') {
      n->negative = true;
      ++p_;
    }
    if (p_ == end_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
      n->digits = 1;
    } else {
      while (p_ < end_ && IsDigit(*p_)) {
        ++p_;
        ++n->digits;
      }
    }
    if (p_ < end_ && *p_ == '.') {
      n->integral = false;
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      n->integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    n->text = std::string_view(begin, static_cast<size_t>(p_ - begin));
    return true;
  }

  // An integer of at most `max_digits` digits, which any int64 holds.
  static bool SmallInteger(const Number& n, int max_digits, int64_t* out) {
    if (!n.integral || n.digits > max_digits) return false;
    int64_t value = 0;
    for (char c : n.text) {
      if (c != '-') value = value * 10 + (c - '0');
    }
    *out = n.negative ? -value : value;
    return true;
  }

  bool ReadDouble(double* out) {
    Number n;
    if (!ReadNumber(&n)) return false;
    int64_t integer = 0;
    // Protobuf reads an integer token as an integer and converts it; with
    // at most 15 digits that is exact (and "-0" is 0).
    if (SmallInteger(n, 15, &integer)) {
      *out = static_cast<double>(integer);
      return true;
    }
    if (n.integral) return false;  // long integers: protobuf's rules
    // Correctly rounded like protobuf's strtod; out of range (overflow or
    // underflow) is protobuf's to judge.
    const auto [end, ec] =
        std::from_chars(n.text.data(), n.text.data() + n.text.size(), *out);
    return ec == std::errc() && end == n.text.data() + n.text.size() &&
           std::isfinite(*out) && (*out == 0 || std::fabs(*out) >= 0x1p-1022);
  }

  bool ReadInt64(int64_t* out) {
    SkipSpace();
    if (p_ < end_ && *p_ == '"') {
      // The proto JSON form of int64 is a string of digits; a number is
      // read too.
      std::string_view text;
      if (!ReadPlainString(&text)) return false;
      const bool negative = !text.empty() && text[0] == '-';
      const std::string_view digits = text.substr(negative ? 1 : 0);
      if (digits.empty() || digits.size() > 18 ||
          (digits[0] == '0' && (digits.size() > 1 || negative))) {
        return false;
      }
      int64_t value = 0;
      for (char c : digits) {
        if (!IsDigit(c)) return false;
        value = value * 10 + (c - '0');
      }
      *out = negative ? -value : value;
      return true;
    }
    Number n;
    return ReadNumber(&n) && SmallInteger(n, 18, out);
  }

  bool ReadInt32(int32_t* out) {
    Number n;
    int64_t value = 0;
    if (!ReadNumber(&n) || !SmallInteger(n, 9, &value)) return false;
    *out = static_cast<int32_t>(value);
    return true;
  }

  bool ReadBool(bool* out) {
    SkipSpace();
    const size_t left = static_cast<size_t>(end_ - p_);
    if (left >= 4 && std::memcmp(p_, "true", 4) == 0) {
      p_ += 4;
      *out = true;
      return true;
    }
    if (left >= 5 && std::memcmp(p_, "false", 5) == 0) {
      p_ += 5;
      *out = false;
      return true;
    }
    return false;
  }

  // RFC 3339 in UTC with 'Z', "2016-03-01T12:00:00Z" with 0 to 9 digits
  // of fraction, years 0001 to 9999.
  bool ReadTimestamp(google::protobuf::Timestamp* out) {
    std::string_view t;
    if (!ReadPlainString(&t)) return false;
    if (t.size() < 20 || t.back() != 'Z') return false;
    auto number = [&](size_t at, size_t width, int* value) {
      *value = 0;
      for (size_t i = at; i < at + width; ++i) {
        if (!IsDigit(t[i])) return false;
        *value = *value * 10 + (t[i] - '0');
      }
      return true;
    };
    int year, month, day, hour, minute, second;
    if (!number(0, 4, &year) || t[4] != '-' || !number(5, 2, &month) ||
        t[7] != '-' || !number(8, 2, &day) || t[10] != 'T' ||
        !number(11, 2, &hour) || t[13] != ':' || !number(14, 2, &minute) ||
        t[16] != ':' || !number(17, 2, &second)) {
      return false;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > DaysInMonth(year, month) || hour > 23 || minute > 59 ||
        second > 59) {
      return false;
    }
    int nanos = 0;
    const size_t fraction = t.size() - 20;  // '.' and digits
    if (fraction > 0) {
      if (fraction < 2 || fraction > 10 || t[19] != '.' ||
          !number(20, fraction - 1, &nanos)) {
        return false;
      }
      for (size_t i = fraction - 1; i < 9; ++i) nanos *= 10;
    } else if (t[19] != 'Z') {
      return false;
    }
    out->set_seconds(DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                     minute * 60 + second);
    out->set_nanos(nanos);
    return true;
  }

  bool ReadValue(const Reflection* r, const FieldEntry& entry, Message* msg) {
    const FieldDescriptor* f = entry.field;
    switch (entry.kind) {
      case Kind::kUnsupported:
        return false;
      case Kind::kDouble: {
        double v;
        if (!ReadDouble(&v)) return false;
        r->SetDouble(msg, f, v);
        return true;
      }
      case Kind::kInt32: {
        int32_t v;
        if (!ReadInt32(&v)) return false;
        r->SetInt32(msg, f, v);
        return true;
      }
      case Kind::kInt64: {
        int64_t v;
        if (!ReadInt64(&v)) return false;
        r->SetInt64(msg, f, v);
        return true;
      }
      case Kind::kBool: {
        bool v;
        if (!ReadBool(&v)) return false;
        r->SetBool(msg, f, v);
        return true;
      }
      case Kind::kString: {
        std::string_view v;
        if (!ReadPlainString(&v)) return false;
        r->SetString(msg, f, std::string(v));
        return true;
      }
      case Kind::kEnum: {
        // By name only; numbers and unknown names are protobuf's.
        std::string_view name;
        if (!ReadPlainString(&name)) return false;
        for (const auto& [value_name, number] : entry.enum_values) {
          if (value_name == name) {
            r->SetEnumValue(msg, f, number);
            return true;
          }
        }
        return false;
      }
      case Kind::kTimestamp:
        return ReadTimestamp(static_cast<google::protobuf::Timestamp*>(
            r->MutableMessage(msg, f)));
      case Kind::kMessage:
        return ReadMessage(*entry.message, r->MutableMessage(msg, f));
      case Kind::kRepeatedMessage: {
        if (!Consume('[')) return false;
        if (Consume(']')) return true;
        do {
          if (!ReadMessage(*entry.message, r->AddMessage(msg, f))) {
            return false;
          }
        } while (Consume(','));
        return Consume(']');
      }
      case Kind::kRepeatedString: {
        if (!Consume('[')) return false;
        if (Consume(']')) return true;
        do {
          std::string_view v;
          if (!ReadPlainString(&v)) return false;
          r->AddString(msg, f, std::string(v));
        } while (Consume(','));
        return Consume(']');
      }
    }
    return false;
  }

  bool ReadMessage(const MessageTable& table, Message* msg) {
    if (!Consume('{')) return false;
    if (Consume('}')) return true;
    uint64_t seen = 0;
    const size_t count = table.fields.size();
    size_t next = 0;  // keys usually come in declaration order: look here first
    do {
      std::string_view key;
      if (!ReadPlainString(&key) || !Consume(':')) return false;
      size_t i = next, tried = 0;
      for (; tried < count; ++tried, i = i + 1 == count ? 0 : i + 1) {
        if (table.fields[i].name == key) break;
      }
      // Unknown (or camelCase) keys and repeated keys: protobuf's.
      if (tried == count || (seen >> i) & 1) return false;
      seen |= uint64_t{1} << i;
      next = i + 1 == count ? 0 : i + 1;
      if (!ReadValue(table.reflection, table.fields[i], msg)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool ReadStateJsonFast(std::string_view json, v1::EvaluationState* out) {
  return Reader(json).ReadDocument(out);
}

}  // namespace spotburst::internal
