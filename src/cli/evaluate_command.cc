// `spotburst evaluate`: the plan for one state, or one plan per input line.
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/line_reader.h"
#include "cli/line_writer.h"
#include "cli/trace_markets.h"
#include "spotburst/engine.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/price_trace.h"
#include "spotburst/wire_format.h"

namespace spotburst::cli {
namespace {

constexpr size_t kMaxStateFileBytes = size_t{64} << 20;

// Replaces a state's markets with the trace's view at the state's time.
class TraceMarkets {
 public:
  static absl::StatusOr<std::optional<TraceMarkets>> Load(
      const std::string& path, const Policy& policy) {
    if (path.empty()) return std::optional<TraceMarkets>();
    absl::StatusOr<std::vector<PriceHistory>> trace = ReadPriceTraceCsv(path);
    if (!trace.ok()) return trace.status();
    TraceMarkets markets;
    markets.trace_ = *std::move(trace);
    markets.policy_ = &policy;
    absl::Status found = SelectHistories(markets.trace_, policy.instance.type,
                                         policy.instance.availability_zone)
                             .status();
    if (!found.ok()) return found;
    return std::optional<TraceMarkets>(std::move(markets));
  }

  // Replays from scratch: states may come in any time order.
  absl::Status Fill(StateWithTime& state) const {
    auto histories = SelectHistories(trace_, policy_->instance.type,
                                     policy_->instance.availability_zone);
    state.input.markets.clear();
    for (const PriceHistory* history : *histories) {
      TraceReplay replay(*history, policy_->bidding.price_window);
      absl::StatusOr<MarketView> view = replay.ViewAt(state.now, 0);
      if (!view.ok()) return view.status();
      state.input.markets.push_back(*std::move(view));
    }
    return absl::OkStatus();
  }

 private:
  std::vector<PriceHistory> trace_;
  const Policy* policy_ = nullptr;
};

absl::StatusOr<Evaluation> EvaluateJson(
    const Engine& engine, const std::optional<TraceMarkets>& trace,
    std::string_view json) {
  absl::StatusOr<StateWithTime> state = ParseStateJson(json);
  if (!state.ok()) return state.status();
  if (trace) {
    if (absl::Status s = trace->Fill(*state); !s.ok()) return s;
  }
  return engine.Evaluate(state->input, state->now);
}

// Longest error message in an error line, in bytes: messages may quote
// the input.
constexpr size_t kMaxErrorBytes = 512;

std::string ShortMessage(const absl::Status& status) {
  const absl::string_view message = status.message();
  return internal::Excerpt(std::string_view(message.data(), message.size()),
                           kMaxErrorBytes);
}

// One line of JSON for a line that gave no plan.
std::string ErrorLine(int line_number, const absl::Status& status) {
  return absl::StrCat(
      "{\"error\":{\"line\":", line_number, ",\"code\":\"",
      absl::StatusCodeToString(status.code()),
      "\",\"message\":", internal::JsonQuote(ShortMessage(status)), "}}");
}

absl::StatusOr<Evaluation> EvaluateLine(
    const Engine& engine, const std::optional<TraceMarkets>& trace,
    LineReader::Result kind, const LineReader& reader, size_t max_line_bytes) {
  if (kind == LineReader::Result::kTooLong) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "line of %d bytes is longer than --max_line_bytes=%d; it starts with "
        "%s...",
        reader.length(), max_line_bytes,
        // Only the start of the line is held; its length is given above.
        internal::JsonQuote(reader.line().substr(0, 40))));
  }
  const std::string_view line = reader.line();
  const absl::string_view stripped =
      absl::StripAsciiWhitespace(absl::string_view(line.data(), line.size()));
  if (stripped.empty()) {
    return absl::InvalidArgumentError(
        "empty line; want one JSON state per line");
  }
  return EvaluateJson(engine, trace,
                      std::string_view(stripped.data(), stripped.size()));
}

// One output line per input line. Answers go out before the command waits
// for more input: callers may write a line and wait for its answer, and
// count lines to match them up; lines that came together are answered in
// one write.
int EvaluateStream(const Engine& engine,
                   const std::optional<TraceMarkets>& trace, bool json,
                   size_t max_line_bytes) {
  LineReader reader(STDIN_FILENO, max_line_bytes);
  LineWriter out(STDOUT_FILENO);
  int line_number = 0, failures = 0;
  while (true) {
    if (!reader.HasBufferedLine()) out.Flush();
    const LineReader::Result kind = reader.Next();
    if (kind == LineReader::Result::kEnd) break;
    if (kind == LineReader::Result::kError) {
      out.Flush();
      std::cerr << "spotburst evaluate: reading standard input: "
                << reader.error() << "\n";
      return 1;
    }
    ++line_number;
    absl::StatusOr<Evaluation> result =
        EvaluateLine(engine, trace, kind, reader, max_line_bytes);
    if (!result.ok()) {
      ++failures;
      out.Add(ErrorLine(line_number, result.status()));
      // The answer first, as before, when both go to one place.
      out.Flush();
      std::cerr << "<stdin>:" << line_number << ": "
                << ShortMessage(result.status()) << "\n";
      continue;
    }
    out.Add(json ? PlanToJson(result->plan, result->state)
                 : PlanToText(result->plan));
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int RunEvaluate(const std::vector<std::string>&) {
  const std::string policy_path = absl::GetFlag(FLAGS_policy);
  const std::string state_path = absl::GetFlag(FLAGS_state);
  if (policy_path.empty() || state_path.empty()) {
    std::cerr << "spotburst evaluate: --policy and --state are required\n";
    return 2;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (!format.empty() && format != "text" && format != "json") {
    std::cerr << "spotburst evaluate: --format must be text or json\n";
    return 2;
  }
  absl::StatusOr<Policy> policy = LoadPolicyFile(policy_path);
  if (!policy.ok()) {
    std::cerr << "spotburst evaluate: " << policy.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<Engine> engine = Engine::Create(*policy);
  if (!engine.ok()) {
    std::cerr << "spotburst evaluate: " << engine.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::optional<TraceMarkets>> trace =
      TraceMarkets::Load(absl::GetFlag(FLAGS_trace), engine->policy());
  if (!trace.ok()) {
    std::cerr << "spotburst evaluate: " << trace.status().message() << "\n";
    return 1;
  }
  if (state_path == "-") {
    const int64_t max_line_bytes = absl::GetFlag(FLAGS_max_line_bytes);
    if (max_line_bytes < 1) {
      std::cerr << "spotburst evaluate: --max_line_bytes must be at least 1\n";
      return 2;
    }
    return EvaluateStream(*engine, *trace, format != "text",
                          static_cast<size_t>(max_line_bytes));
  }
  absl::StatusOr<std::string> text =
      internal::ReadFileToString(state_path, "state", kMaxStateFileBytes);
  absl::StatusOr<Evaluation> result =
      text.ok() ? EvaluateJson(*engine, *trace, *text)
                : absl::StatusOr<Evaluation>(text.status());
  if (!result.ok()) {
    std::cerr << "spotburst evaluate: " << state_path << ": "
              << result.status().message() << "\n";
    return 1;
  }
  std::cout << (format == "json" ? PlanToJson(result->plan, result->state)
                                 : PlanToText(result->plan))
            << "\n";
  return 0;
}

}  // namespace spotburst::cli
