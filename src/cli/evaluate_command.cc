// `spotburst evaluate`: the plan for one state, or one plan per input line.
#include <iostream>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/trace_markets.h"
#include "file_util.h"
#include "spotburst/engine.h"
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

int EvaluateStream(const Engine& engine,
                   const std::optional<TraceMarkets>& trace, bool json) {
  std::string line;
  int line_number = 0, failures = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    const std::string_view text(stripped.data(), stripped.size());
    if (text.empty()) continue;
    absl::StatusOr<Evaluation> result = EvaluateJson(engine, trace, text);
    if (!result.ok()) {
      ++failures;
      // One output line per input line keeps callers' lines aligned.
      std::cout << absl::StrFormat(
          "{\"error\":{\"line\":%d,\"code\":\"%s\",\"message\":\"%s\"}}\n",
          line_number, absl::StatusCodeToString(result.status().code()),
          absl::CHexEscape(std::string(result.status().message())));
      std::cerr << "<stdin>:" << line_number << ": "
                << result.status().message() << "\n";
      continue;
    }
    std::cout << (json ? PlanToJson(result->plan, result->state) + "\n"
                       : PlanToText(result->plan) + "\n");
  }
  std::cout.flush();
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
    return EvaluateStream(*engine, *trace, format != "text");
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
