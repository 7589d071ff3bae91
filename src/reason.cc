// ReasonText: the recipe of a sentence, and the sentence made from it.
//
// The words hold, in order, items of three kinds:
//   literal   [kLiteral | size << 8] [address]
//   text      [kText | size << 8] [bytes, 8 to a word]
//   segment   [kSegment | values << 8 | size << 16] [address of the format]
//             then `values` values, each a header word and its payload:
//             kInt none (the value fills the header's upper 56 bits),
//             kInt64, kDouble and kTime one word, kDuration one word (none
//             for an infinite one), kText its bytes.
#include "spotburst/reason.h"

#include <array>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace spotburst {
namespace {

constexpr uint8_t kLiteral = 100;  // outside ReasonText::Tag's values
constexpr int64_t kInfinitePast = INT64_MIN;
constexpr int64_t kInfiniteFuture = INT64_MAX;

size_t WordsFor(size_t bytes) { return (bytes + 7) / 8; }

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kScaleUp:
      return "scale-up";
    case ReasonCode::kScaleDown:
      return "scale-down";
    case ReasonCode::kNoChange:
      return "no-change";
    case ReasonCode::kAtMaxInstances:
      return "at-max-instances";
    case ReasonCode::kAtMinInstances:
      return "at-min-instances";
    case ReasonCode::kCooldown:
      return "cooldown";
    case ReasonCode::kStabilizing:
      return "stabilizing";
    case ReasonCode::kRequestTimedOut:
      return "request-timed-out";
    case ReasonCode::kExcessRequest:
      return "excess-request";
    case ReasonCode::kBillingBoundary:
      return "billing-boundary";
    case ReasonCode::kBillingPostponed:
      return "billing-postponed";
    case ReasonCode::kMinLifetime:
      return "min-lifetime";
    case ReasonCode::kFallbackToOnDemand:
      return "fallback-to-on-demand";
    case ReasonCode::kRevertToSpot:
      return "revert-to-spot";
    case ReasonCode::kReplaceOnDemand:
      return "replace-on-demand";
    case ReasonCode::kCostCeiling:
      return "cost-ceiling";
    case ReasonCode::kBidCapped:
      return "bid-capped";
    case ReasonCode::kBidFloored:
      return "bid-floored";
    case ReasonCode::kBid:
      return "bid";
    case ReasonCode::kOldPrices:
      return "old-prices";
    case ReasonCode::kLaunchBackoff:
      return "launch-backoff";
    case ReasonCode::kInterruption:
      return "interruption";
    case ReasonCode::kDrain:
      return "drain";
    case ReasonCode::kDraining:
      return "draining";
    case ReasonCode::kDrained:
      return "drained";
    case ReasonCode::kBooting:
      return "booting";
    case ReasonCode::kUnmetDemand:
      return "unmet-demand";
    case ReasonCode::kMarketSpread:
      return "market-spread";
    case ReasonCode::kForecast:
      return "forecast";
    case ReasonCode::kBridge:
      return "bridge";
    case ReasonCode::kAvoidInterruptions:
      return "avoid-interruptions";
    case ReasonCode::kMarketChoice:
      return "market-choice";
  }
  return "unknown";
}

ReasonText ReasonText::Copy(std::string_view text) {
  ReasonText out;
  out.PutText(text);
  return out;
}

ReasonText& ReasonText::Add(const ReasonText& more) {
  words_.insert(words_.end(), more.words_.begin(), more.words_.end());
  return *this;
}

void ReasonText::AddLiteral(const char* text, size_t size) {
  if (size == 0) return;
  PutWord(kLiteral | (static_cast<uint64_t>(size) << 8));
  PutWord(reinterpret_cast<uintptr_t>(text));
}

void ReasonText::BeginSegment(const char* format, size_t size, size_t values) {
  PutWord(kSegment | (static_cast<uint64_t>(values) << 8) |
          (static_cast<uint64_t>(size) << 16));
  PutWord(reinterpret_cast<uintptr_t>(format));
}

void ReasonText::PutInt(int64_t v) {
  constexpr int64_t kLimit = int64_t{1} << 55;
  if (v >= -kLimit && v < kLimit) {
    PutWord(kInt | (static_cast<uint64_t>(v) << 8));
    return;
  }
  PutHeader(kInt64, 0);
  PutWord(static_cast<uint64_t>(v));
}

void ReasonText::PutText(std::string_view text) {
  PutHeader(kText, text.size());
  const size_t start = words_.size();
  words_.resize(start + WordsFor(text.size()), 0);
  if (!text.empty()) std::memcpy(&words_[start], text.data(), text.size());
}

void ReasonText::PutDuration(absl::Duration d) {
  if (d == absl::InfiniteDuration() || d == -absl::InfiniteDuration()) {
    PutHeader(kDuration, d < absl::ZeroDuration() ? 2 : 1);
    return;
  }
  PutHeader(kDuration, 0);
  PutWord(static_cast<uint64_t>(absl::ToInt64Nanoseconds(d)));
}

void ReasonText::Put(TimeOfDay t) {
  PutHeader(kTime, 0);
  int64_t seconds = absl::ToUnixSeconds(t.time);
  if (t.time == absl::InfinitePast()) seconds = kInfinitePast;
  if (t.time == absl::InfiniteFuture()) seconds = kInfiniteFuture;
  PutWord(static_cast<uint64_t>(seconds));
}

void ReasonText::Put(double v) {
  PutHeader(kDouble, 0);
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  PutWord(bits);
}

void ReasonText::AppendTo(std::string& out) const {
  // Values of one segment, converted to what absl::FormatArg can quote.
  std::array<int64_t, kMaxValues> ints;
  std::array<double, kMaxValues> doubles;
  std::array<std::string, kMaxValues> made;  // durations and times
  std::array<absl::string_view, kMaxValues> texts;
  std::array<absl::FormatArg, kMaxValues> args = {
      absl::FormatArg(0), absl::FormatArg(0), absl::FormatArg(0),
      absl::FormatArg(0), absl::FormatArg(0), absl::FormatArg(0),
      absl::FormatArg(0), absl::FormatArg(0), absl::FormatArg(0),
      absl::FormatArg(0), absl::FormatArg(0), absl::FormatArg(0)};
  const uint64_t* w = words_.data();
  const uint64_t* end = w + words_.size();
  auto text_at = [](const uint64_t* at, size_t size) {
    return std::string_view(reinterpret_cast<const char*>(at), size);
  };
  while (w < end) {
    const uint8_t tag = *w & 0xff;
    if (tag == kLiteral) {
      out.append(reinterpret_cast<const char*>(w[1]), *w >> 8);
      w += 2;
      continue;
    }
    if (tag == kText) {
      const size_t size = *w >> 8;
      out.append(text_at(w + 1, size));
      w += 1 + WordsFor(size);
      continue;
    }
    // A segment.
    const size_t values = (*w >> 8) & 0xff;
    const std::string_view format(reinterpret_cast<const char*>(w[1]),
                                  *w >> 16);
    w += 2;
    for (size_t i = 0; i < values; ++i) {
      const uint8_t value_tag = *w & 0xff;
      const uint64_t size = *w >> 8;
      ++w;
      switch (value_tag) {
        case kInt:
          // The header's upper bits, sign-extended.
          ints[i] = static_cast<int64_t>(w[-1]) >> 8;
          args[i] = absl::FormatArg(ints[i]);
          break;
        case kInt64:
          ints[i] = static_cast<int64_t>(*w++);
          args[i] = absl::FormatArg(ints[i]);
          break;
        case kDouble:
          std::memcpy(&doubles[i], w++, sizeof(double));
          args[i] = absl::FormatArg(doubles[i]);
          break;
        case kText:
          texts[i] = Absl(text_at(w, size));
          w += WordsFor(size);
          args[i] = absl::FormatArg(texts[i]);
          break;
        case kDuration:
          if (size == 0) {
            made[i] = absl::FormatDuration(
                absl::Nanoseconds(static_cast<int64_t>(*w++)));
          } else {
            made[i] =
                absl::FormatDuration(size == 2 ? -absl::InfiniteDuration()
                                               : absl::InfiniteDuration());
          }
          args[i] = absl::FormatArg(made[i]);
          break;
        case kTime: {
          const int64_t seconds = static_cast<int64_t>(*w++);
          const absl::Time t = seconds == kInfinitePast ? absl::InfinitePast()
                               : seconds == kInfiniteFuture
                                   ? absl::InfiniteFuture()
                                   : absl::FromUnixSeconds(seconds);
          made[i] =
              absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
          args[i] = absl::FormatArg(made[i]);
          break;
        }
      }
    }
    if (!absl::FormatUntyped(
            &out, absl::UntypedFormatSpec(Absl(format)),
            absl::Span<const absl::FormatArg>(args.data(), values))) {
      // A format that does not fit its values is the code's mistake: show
      // the format so a test comparing the text points at it.
      out.append(format);
    }
  }
}

std::string ReasonText::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

const char* FigureName::Duplicate(std::string_view name) {
  char* copy = new char[name.size()];
  if (!name.empty()) std::memcpy(copy, name.data(), name.size());
  return copy;
}

FigureName FigureName::Copy(std::string_view name) {
  // A name longer than 4 GiB is not a figure's name: cut, not overflowed.
  name = name.substr(0, std::numeric_limits<uint32_t>::max());
  FigureName out;
  out.data_ = Duplicate(name);
  out.size_ = static_cast<uint32_t>(name.size());
  out.owned_ = true;
  return out;
}

}  // namespace spotburst
