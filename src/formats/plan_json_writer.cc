// The fast writer of plan JSON: the bytes protobuf's printer gives for
// ToProto(plan, next_state) with the wire format's options (snake_case
// names, defaults printed, no spaces), written straight from the plan.
// Field order is protobuf's: the declaration order in plan.proto and
// state.proto, except that Timestamp and Duration fields come last (in
// field number order), and then only when set, as its printer appends them
// after the fields it fills with defaults.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "formats/enum_proto.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"

namespace spotburst::internal {
namespace {

// The one place that reads a reason's sentence and figures: `f` gets the
// message and a range of (name, value) pairs, valid during the call.
template <typename F>
void WithReasonText(const Reason& reason, F&& f) {
  f(reason.message(), reason.figures);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

class Writer {
 public:
  explicit Writer(std::string* out) : out_(*out) {}

  // False when a string had bytes the writer leaves to protobuf.
  bool ok() const { return ok_; }

  void Open() {
    out_ += '{';
    first_ = true;
  }
  void Close() {
    out_ += '}';
    first_ = false;
  }
  void Key(std::string_view name) {
    char buffer[64];  // names are short: the fields of plan.proto
    char* p = buffer;
    if (!first_) *p++ = ',';
    first_ = false;
    *p++ = '"';
    p = std::copy(name.begin(), name.end(), p);
    *p++ = '"';
    *p++ = ':';
    out_.append(buffer, p);
  }
  void OpenList(std::string_view name) {
    Key(name);
    out_ += '[';
    first_ = true;
  }
  void CloseList() {
    out_ += ']';
    first_ = false;
  }
  // Before each element of a list.
  void Element() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  void String(std::string_view name, std::string_view value) {
    Key(name);
    Quoted(value);
  }
  // One string of a list.
  void StringElement(std::string_view value) {
    Element();
    Quoted(value);
  }
  void Int32(std::string_view name, int32_t value) {
    Key(name);
    Integer(value);
  }
  void Int64(std::string_view name, int64_t value) {
    Key(name);
    out_ += '"';
    Integer(value);
    out_ += '"';
  }
  void Bool(std::string_view name, bool value) {
    Key(name);
    out_ += value ? "true" : "false";
  }
  void Double(std::string_view name, double value) {
    Key(name);
    // Protobuf: "%.15g" when it reads back exactly, else "%.17g";
    // non-finite values as quoted names.
    if (std::isnan(value)) {
      out_ += "\"NaN\"";
      return;
    }
    if (std::isinf(value)) {
      out_ += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      return;
    }
    // Whole numbers below 1e15 print as their digits either way (counts,
    // minutes, zero); -0 keeps its sign through the general path.
    if (std::fabs(value) < 1e15 && value == std::trunc(value) &&
        !(value == 0 && std::signbit(value))) {
      Integer(static_cast<int64_t>(value));
      return;
    }
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                std::chars_format::general, 15);
    double back = 0;
    std::from_chars(buffer, result.ptr, back);
    if (back != value) {
      result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                             std::chars_format::general, 17);
    }
    out_.append(buffer, result.ptr);
  }
  // Unset (nothing written) when infinite or outside the Timestamp range.
  void Time(std::string_view name, absl::Time t) {
    const std::optional<google::protobuf::Timestamp> ts = TimeToProto(t);
    if (!ts) return;
    Key(name);
    const int64_t days = FloorDiv(ts->seconds(), 86400);
    const int64_t in_day = ts->seconds() - days * 86400;
    // H. Hinnant's civil_from_days.
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2);
    char buffer[40];
    char* p = buffer;
    *p++ = '"';
    p = Digits(p, year, 4);
    *p++ = '-';
    p = Digits(p, month, 2);
    *p++ = '-';
    p = Digits(p, day, 2);
    *p++ = 'T';
    p = Digits(p, in_day / 3600, 2);
    *p++ = ':';
    p = Digits(p, in_day / 60 % 60, 2);
    *p++ = ':';
    p = Digits(p, in_day % 60, 2);
    p = Nanos(p, ts->nanos());
    *p++ = 'Z';
    *p++ = '"';
    out_.append(buffer, p);
  }
  void Duration(std::string_view name, absl::Duration d) {
    const google::protobuf::Duration proto = DurationToProto(d);
    Key(name);
    int64_t seconds = proto.seconds();
    int32_t nanos = proto.nanos();
    out_ += '"';
    if (seconds < 0 || nanos < 0) {
      out_ += '-';
      seconds = -seconds;
      nanos = -nanos;
    }
    Integer(seconds);
    char buffer[16];
    out_.append(buffer, Nanos(buffer, nanos));
    out_ += "s\"";
  }

 private:
  template <typename T>
  void Integer(T value) {
    char buffer[24];
    out_.append(buffer, std::to_chars(buffer, buffer + 24, value).ptr);
  }

  static char* Digits(char* p, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    return p + width;
  }

  // Protobuf's fraction: none, or 3, 6 or 9 digits, as few as are exact.
  static char* Nanos(char* p, int32_t nanos) {
    if (nanos == 0) return p;
    *p++ = '.';
    if (nanos % 1000000 == 0) return Digits(p, nanos / 1000000, 3);
    if (nanos % 1000 == 0) return Digits(p, nanos / 1000, 6);
    return Digits(p, nanos, 9);
  }

  // Protobuf's escaping for ASCII: '<' and '>' too, for HTML. Other bytes
  // (UTF-8, which it checks and partly escapes) are left to protobuf.
  void Quoted(std::string_view s) {
    out_ += '"';
    size_t plain = 0;  // s[plain, i) needs no escape
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (!kEscapes.needed[c]) continue;
      if (c >= 0x80) {
        ok_ = false;
        return;
      }
      out_.append(s.data() + plain, i - plain);
      out_.append(kEscapes.text[c]);
      plain = i + 1;
    }
    out_.append(s.data() + plain, s.size() - plain);
    out_ += '"';
  }

  // What each byte is written as, when not as itself.
  struct EscapeTable {
    bool needed[256] = {};
    std::string_view text[128] = {};
    char hex[32][7] = {};  // "\u00XX" of the control characters
    constexpr EscapeTable() {
      constexpr char kHex[] = "0123456789abcdef";
      for (int c = 0; c < 256; ++c) {
        needed[c] = c < 0x20 || c >= 0x7F || c == '"' || c == '\\' ||
                    c == '<' || c == '>';
      }
      for (int c = 0; c < 32; ++c) {
        const char u[7] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF], 0};
        for (int i = 0; i < 7; ++i) hex[c][i] = u[i];
        text[c] = std::string_view(hex[c], 6);
      }
      text[static_cast<unsigned char>('\b')] = "\\b";
      text[static_cast<unsigned char>('\t')] = "\\t";
      text[static_cast<unsigned char>('\n')] = "\\n";
      text[static_cast<unsigned char>('\f')] = "\\f";
      text[static_cast<unsigned char>('\r')] = "\\r";
      text[static_cast<unsigned char>('"')] = "\\\"";
      text[static_cast<unsigned char>('\\')] = "\\\\";
      text[static_cast<unsigned char>('<')] = "\\u003c";
      text[static_cast<unsigned char>('>')] = "\\u003e";
      text[0x7F] = "\\u007f";
    }
  };
  static const EscapeTable kEscapes;

  std::string& out_;
  bool first_ = true;
  bool ok_ = true;
};

void WriteMarket(Writer& w, std::string_view name, const Market& m) {
  w.Key(name);
  w.Open();
  w.String("instance_type", m.instance_type);
  w.String("availability_zone", m.availability_zone);
  w.String("product", m.product);
  w.Close();
}

void WriteReasons(Writer& w, std::string_view name,
                  const std::vector<Reason>& reasons) {
  w.OpenList(name);
  for (const Reason& reason : reasons) {
    w.Element();
    w.Open();
    w.String("code", ReasonCodeName(reason.code));
    WithReasonText(reason, [&](const auto& message, const auto& figures) {
      w.String("message", message);
      w.OpenList("figures");
      for (const Figure& figure : figures) {
        w.Element();
        w.Open();
        w.String("name", figure.name.view());
        w.Double("value", figure.value);
        w.Close();
      }
      w.CloseList();
    });
    w.Close();
  }
  w.CloseList();
}

void WriteAction(Writer& w, const Action& a) {
  w.Open();
  w.String("kind", v1::ActionKind_Name(ToProto(a.kind)));
  w.Int32("count", a.count);
  w.String("instance_type", a.instance_type);
  w.String("availability_zone", a.availability_zone);
  w.Double("bid_usd_per_hour", a.bid_usd_per_hour);
  w.String("idempotency_token", a.idempotency_token);
  w.String("request_id", a.request_id);
  w.String("instance_id", a.instance_id);
  w.String("replaces_instance_id", a.replaces_instance_id);
  WriteReasons(w, "reasons", a.reasons);
  w.Duration("into_billing_period", a.into_billing_period);
  w.Time("endable_at", a.endable_at);
  w.Close();
}

// Left out when never learned, as ToProto leaves it out.
void WriteLag(Writer& w, std::string_view name, const LagEstimate& lag) {
  if (lag == LagEstimate{}) return;
  w.Key(name);
  w.Open();
  w.Double("mean_s", absl::ToDoubleSeconds(lag.mean));
  w.Int32("samples", lag.samples);
  w.Time("learned_until", lag.learned_until);
  w.Close();
}

void WriteEngineState(Writer& w, const EngineState& s) {
  w.Key("next_state");
  w.Open();
  w.String("supply_mode", v1::SupplyMode_Name(ToProto(s.supply_mode)));
  w.String("fallback_reason", s.fallback_reason);
  w.Bool("fallback_for_capacity", s.fallback_for_capacity);
  w.OpenList("backoffs");
  for (const LaunchBackoff& b : s.backoffs) {
    w.Element();
    w.Open();
    WriteMarket(w, "market", b.market);
    w.String("lifecycle", v1::Lifecycle_Name(ToProto(b.lifecycle)));
    w.String("cause", v1::FailureCause_Name(ToProto(b.cause)));
    w.Int32("failures", b.failures);
    w.String("code", b.code);
    w.Time("last_failure", b.last_failure);
    w.Time("until", b.until);
    w.Close();
  }
  w.CloseList();
  w.OpenList("drains");
  for (const AgentDrain& d : s.drains) {
    w.Element();
    w.Open();
    w.String("instance_id", d.instance_id);
    w.Bool("for_interruption", d.for_interruption);
    w.Time("started", d.started);
    w.Close();
  }
  w.CloseList();
  // Protobuf's order: by field number, timestamps last.
  WriteLag(w, "fulfilment_lag", s.fulfilment_lag);
  WriteLag(w, "boot_lag", s.boot_lag);
  w.OpenList("demand_history");
  for (const DemandSample& d : s.demand_history) {
    w.Element();
    w.Open();
    w.Key("demand");
    w.Open();
    w.Double("cpus", d.demand.cpus);
    w.Double("mem_mib", d.demand.mem_mib);
    w.Double("disk_mib", d.demand.disk_mib);
    w.Double("gpus", d.demand.gpus);
    w.Close();
    w.Time("time", d.time);
    w.Close();
  }
  w.CloseList();
  w.OpenList("interruptions");
  for (const MarketInterruption& i : s.interruptions) {
    w.Element();
    w.Open();
    WriteMarket(w, "market", i.market);
    w.String("instance_id", i.instance_id);
    w.Time("noticed", i.noticed);
    w.Close();
  }
  w.CloseList();
  w.OpenList("exposures");
  for (const MarketExposure& e : s.exposures) {
    w.Element();
    w.Open();
    WriteMarket(w, "market", e.market);
    w.Double("spot_hours", e.spot_hours);
    w.Double("notices", e.notices);
    w.Close();
  }
  w.CloseList();
  w.OpenList("replaced_notices");
  for (const std::string& id : s.replaced_notices) w.StringElement(id);
  w.CloseList();
  w.Time("last_scale_up", s.last_scale_up);
  w.Time("last_scale_down", s.last_scale_down);
  w.Time("scale_in_wanted_since", s.scale_in_wanted_since);
  w.Time("supply_mode_since", s.supply_mode_since);
  w.Time("spot_healthy_since", s.spot_healthy_since);
  w.Time("exposures_as_of", s.exposures_as_of);
  w.Close();
}

const Writer::EscapeTable Writer::kEscapes;

}  // namespace

bool AppendPlanJsonFast(const Plan& plan, const EngineState& next_state,
                        std::string* out) {
  const size_t size = out->size();
  Writer w(out);
  w.Open();
  w.String("policy_name", plan.policy_name);
  WriteMarket(w, "market", plan.market);
  w.Double("current_price_usd", plan.current_price_usd);
  w.Double("bid_usd_per_hour", plan.bid_usd_per_hour);
  w.String("supply_mode", v1::SupplyMode_Name(ToProto(plan.supply_mode)));
  w.Int32("running", plan.running);
  w.Int32("pending", plan.pending);
  w.Int32("desired", plan.desired);
  w.OpenList("usage");
  for (const ResourceUsage& u : plan.usage) {
    w.Element();
    w.Open();
    w.String("resource", ResourceName(u.kind));
    w.Double("used", u.used);
    w.Double("capacity", u.capacity);
    w.Double("share", u.share);
    w.Close();
  }
  w.CloseList();
  w.Double("fleet_usd_per_hour", plan.fleet_usd_per_hour);
  w.OpenList("actions");
  for (const Action& a : plan.actions) {
    w.Element();
    WriteAction(w, a);
  }
  w.CloseList();
  WriteReasons(w, "notes", plan.notes);
  WriteEngineState(w, next_state);
  w.Int32("booting", plan.booting);
  w.Int32("draining", plan.draining);
  w.Time("evaluated_at", plan.evaluated_at);
  w.Close();
  if (!w.ok()) out->resize(size);
  return w.ok();
}

}  // namespace spotburst::internal
