// Reason: why a plan does something, as data; the sentence is made when read.
//
// A reason is a code, the figures that decided it, and a sentence kept as
// its recipe: formats (absl::StrFormat syntax, string literals kept by
// address) and the values they quote. Evaluating a plan formats nothing;
// PlanToText, the wire formats and the logs call message() when they show
// it, and get the same text a StrFormat would have made at once.
//
//   Reason r{.code = ReasonCode::kScaleUp};
//   r.text.Add("cpus %.2f >= burst point %.2f", 0.86, 0.75);
//   r.figures.push_back({"usage_cpus", 0.86});
//   r.message();  // "cpus 0.86 >= burst point 0.75"
#ifndef SPOTBURST_REASON_H_
#define SPOTBURST_REASON_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"

namespace spotburst {

// Stable codes for programs; the message is for people.
enum class ReasonCode {
  kScaleUp,             // usage at or above the burst point
  kScaleDown,           // capacity can shrink and stay under the burst point
  kNoChange,            // the count is right as it is
  kAtMaxInstances,      // a scale-up stopped by max_instances
  kAtMinInstances,      // a scale-down stopped by min_instances
  kCooldown,            // a change held back by a cooldown
  kStabilizing,         // a scale-in waiting out the stabilization window
  kRequestTimedOut,     // an open request older than the timeout
  kExcessRequest,       // an open request no longer needed
  kBillingBoundary,     // ending now wastes no paid time
  kBillingPostponed,    // ending now would waste paid time
  kMinLifetime,         // an instance younger than the minimum lifetime
  kFallbackToOnDemand,  // spot cannot serve; on-demand instead
  kRevertToSpot,        // spot serves again; on-demand is replaced
  kReplaceOnDemand,     // a spot request that replaces an on-demand instance
  kCostCeiling,         // a launch held back by the hourly cost cap
  kBidCapped,           // a bid cut to the maximum bid
  kBidFloored,          // a bid raised to the current price
  kBid,                 // how the bid was made
  kOldPrices,           // a warning: the market's prices are over a day old
  kLaunchBackoff,       // a market or lifecycle left alone after failures
  kInterruption,        // instances the provider has given notice to end
  kDrain,               // an agent drained before its instance ends
  kDraining,            // agents still draining
  kDrained,             // an instance ended once its drain is over
  kBooting,             // instances whose agents have not joined yet
  kUnmetDemand,         // demand queued for resources vs held back
  kMarketSpread,        // a request sent to a zone to spread the fleet
  kForecast,            // demand expected over the lag (scaling.forecast)
  kBridge,              // on-demand at once while spot arrives
  kAvoidInterruptions,  // a zone chosen for fewer recent interruptions
  kMarketChoice,        // the type and zone chosen, cheapest per unit
};
std::string_view ReasonCodeName(ReasonCode code);  // "scale-up", ...

// A time quoted in a sentence as "2021-03-01 12:00:00" (UTC).
struct TimeOfDay {
  absl::Time time;
};

// A sentence kept as formats and values, made on demand. Values are copied
// in (short strings inline), so a ReasonText owns everything it quotes.
class ReasonText {
 public:
  ReasonText() = default;
  // A sentence without values: the literal is kept by address.
  template <size_t N>
  ReasonText(const char (&literal)[N]) {  // NOLINT: implicit, as a string
    AddLiteral(literal, N - 1);
  }
  // A sentence given as text (a parsed plan's, a strategy's own): copied.
  static ReasonText Copy(std::string_view text);

  // Appends `format` (a string literal in absl::StrFormat syntax) filled
  // with `values`: integers, doubles, strings, absl::Duration (quoted as
  // absl::FormatDuration does) and TimeOfDay, each quoted with %s except
  // numbers.
  template <size_t N, typename... Values>
  ReasonText& Add(const char (&format)[N], const Values&... values) {
    static_assert(sizeof...(Values) <= kMaxValues, "too many values");
    BeginSegment(format, N - 1, sizeof...(Values));
    (Put(values), ...);
    return *this;
  }
  // Appends another sentence.
  ReasonText& Add(const ReasonText& more);

  bool empty() const { return words_.empty(); }
  std::string ToString() const;
  void AppendTo(std::string& out) const;

  static constexpr size_t kMaxValues = 12;

 private:
  enum Tag : uint8_t {
    kSegment,  // format by address; then its values
    kInt,      // the value in the header's upper 56 bits
    kInt64,    // the value in the next word
    kDouble,
    kText,      // bytes inline in the words that follow
    kDuration,  // nanoseconds, or an infinite one
    kTime,
  };
  void AddLiteral(const char* text, size_t size);
  void BeginSegment(const char* format, size_t size, size_t values);
  void PutWord(uint64_t word) { words_.push_back(word); }
  void PutHeader(Tag tag, uint64_t size) { PutWord(tag | (size << 8)); }
  void PutText(std::string_view text);
  void PutDuration(absl::Duration d);
  void Put(TimeOfDay t);
  void Put(absl::Duration d) { PutDuration(d); }
  void Put(double v);
  void Put(float v) { Put(static_cast<double>(v)); }
  void Put(std::string_view s) { PutText(s); }
  void Put(const std::string& s) { PutText(s); }
  void Put(const char* s) { PutText(s); }
  template <typename Int,
            typename = std::enable_if_t<std::is_integral_v<Int> &&
                                        !std::is_same_v<Int, bool>>>
  void Put(Int v) {
    PutInt(static_cast<int64_t>(v));
  }
  void PutInt(int64_t v);

  // Room for a typical reason's recipe (a scaling decision quoting ten
  // values takes 16 words), so copying one into each action allocates
  // nothing.
  absl::InlinedVector<uint64_t, 20> words_;
};

// A figure's name: a string literal kept by address, or an owned copy
// (names read from a plan). Two words, so the figures a reason carries
// copy and free cheaply: a literal's copy is its address.
class FigureName {
 public:
  FigureName() = default;
  template <size_t N>
  FigureName(const char (&literal)[N])  // NOLINT: implicit, as a string
      : data_(literal), size_(N - 1) {}
  static FigureName Copy(std::string_view name);

  FigureName(const FigureName& other)
      : data_(other.data_), size_(other.size_), owned_(other.owned_) {
    if (owned_) data_ = Duplicate(other.view());
  }
  FigureName(FigureName&& other) noexcept
      : data_(other.data_), size_(other.size_), owned_(other.owned_) {
    other.data_ = nullptr;
    other.size_ = 0;
    other.owned_ = false;
  }
  FigureName& operator=(const FigureName& other) {
    if (this != &other) *this = FigureName(other);
    return *this;
  }
  FigureName& operator=(FigureName&& other) noexcept {
    if (this != &other) {
      Release();
      data_ = other.data_;
      size_ = other.size_;
      owned_ = other.owned_;
      other.data_ = nullptr;
      other.size_ = 0;
      other.owned_ = false;
    }
    return *this;
  }
  ~FigureName() { Release(); }

  std::string_view view() const { return std::string_view(data_, size_); }
  operator std::string_view() const { return view(); }  // NOLINT
  friend bool operator==(const FigureName& a, const FigureName& b) {
    return a.view() == b.view();
  }

 private:
  static const char* Duplicate(std::string_view name);
  void Release() {
    if (owned_) delete[] data_;
  }

  const char* data_ = nullptr;
  uint32_t size_ = 0;
  bool owned_ = false;  // data_ is a heap copy this name frees
};

// One of the key numbers of a reason, e.g. {"usage_cpus", 0.86}.
struct Figure {
  FigureName name;
  double value = 0;
  friend bool operator==(const Figure& a, const Figure& b) {
    return a.name == b.name && a.value == b.value;
  }
};

struct Reason {
  ReasonCode code = ReasonCode::kNoChange;
  // One line with the inputs that decided it, e.g.
  // "cpus 0.86 >= burst point 0.75 with 3 running + 1 pending -> +1".
  ReasonText text;
  // The key numbers, by name.
  absl::InlinedVector<Figure, 3> figures;

  std::string message() const { return text.ToString(); }
};

// A reason whose sentence is `format` (a string literal) with `values`,
// and, in the second form, its figures.
template <size_t N, typename... Values>
Reason MakeReason(ReasonCode code, const char (&format)[N],
                  const Values&... values) {
  Reason r{.code = code};
  r.text.Add(format, values...);
  return r;
}
template <size_t N, typename... Values>
Reason MakeReason(ReasonCode code, std::initializer_list<Figure> figures,
                  const char (&format)[N], const Values&... values) {
  Reason r{.code = code, .figures = figures};
  r.text.Add(format, values...);
  return r;
}

}  // namespace spotburst

#endif  // SPOTBURST_REASON_H_
