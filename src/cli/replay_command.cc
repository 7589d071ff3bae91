// `spotburst replay LOG... [--policy NEW] [--max_decision_bytes N]`: makes
// every decision in spotburstd's decision log again and reports each one
// whose actions change (PlanChanges: kinds, counts, targets, market, bid,
// supply mode, desired count; not reason texts, the policy name or the
// tokens derived from it, so an old log or a renamed policy replays clean).
//
// Each log line is a spotburst.v1.Decision as JSON. Its policy, state and
// plan are read back with the same parsers the JSON wire format uses
// (ParsePolicy, ParseStateJson, ParsePlanJson), so a line replays exactly
// like `spotburst evaluate` would evaluate it. Without --policy, each
// decision is replayed under the policy it recorded (a changed plan then
// means the engine changed); with --policy, under NEW (what would this
// policy have done?).
//
// Reading is bounded: every LOG must be a regular file (checked before
// anything is replayed), and a line longer than --max_decision_bytes is an
// error naming it, skipped without being held in memory. A last line
// without a newline that starts a decision ("{") but is not a whole one is
// what a crash or a full disk leaves mid-write: it is named ("torn
// FILE:LINE") and skipped; every complete line before it is replayed. Any
// other last line is replayed like the rest.
//
// Exit code: 0 when every complete decision replays to the same actions (a
// torn last line does not change that); 1 when some decision changed or a
// complete line could not be replayed (not a decision, too long); 2 for
// usage errors and files that cannot be read (missing, not a regular file,
// a read error).
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/plan_changes.h"
#include "spotburst/engine.h"
#include "spotburst/internal/decision_record.h"
#include "spotburst/internal/file_line_reader.h"
#include "spotburst/policy.h"
#include "spotburst/wire_format.h"

ABSL_FLAG(int64_t, max_decision_bytes, int64_t{256} << 20,
          "replay: longest decision log line read, bytes (default 256 MiB); "
          "a longer line is an error naming it");

namespace spotburst::cli {
namespace {

using Recorded = internal::DecisionRecord;

class Replayer {
 public:
  explicit Replayer(const Engine* fixed) : fixed_(fixed) {}

  // Empty: the same decision. Otherwise what changed. An error: the line
  // cannot be replayed.
  absl::StatusOr<std::vector<std::string>> Replay(const Recorded& recorded) {
    absl::StatusOr<const Engine*> engine = EngineFor(recorded.policy_json);
    if (!engine.ok()) return engine.status();
    absl::StatusOr<StateWithTime> state = ParseStateJson(recorded.state_json);
    if (!state.ok()) return state.status();
    absl::StatusOr<Evaluation> before = ParsePlanJson(recorded.plan_json);
    if (!before.ok()) return before.status();
    absl::StatusOr<Evaluation> after =
        (*engine)->Evaluate(state->input, state->now);
    if (!after.ok()) return after.status();
    return PlanChanges(before->plan, after->plan);
  }

 private:
  absl::StatusOr<const Engine*> EngineFor(const std::string& policy_json) {
    if (fixed_ != nullptr) return fixed_;
    auto it = engines_.find(policy_json);
    if (it == engines_.end()) {
      absl::StatusOr<Policy> policy = ParsePolicy(policy_json, "policy");
      if (!policy.ok()) return policy.status();
      absl::StatusOr<Engine> engine = Engine::Create(*std::move(policy));
      if (!engine.ok()) return engine.status();
      it = engines_
               .emplace(policy_json,
                        std::make_unique<Engine>(*std::move(engine)))
               .first;
    }
    return it->second.get();
  }

  const Engine* const fixed_;
  // By the recorded policy's exact JSON: one engine per policy revision.
  std::map<std::string, std::unique_ptr<Engine>> engines_;
};

// One complete line: replayed, and reported when it changed or failed.
struct Counts {
  int decisions = 0, changed = 0, failed = 0, torn = 0;
};

void ReplayLine(Replayer& replayer, const std::string& where,
                const std::string& line, Counts& counts) {
  ++counts.decisions;
  absl::StatusOr<Recorded> recorded = internal::ParseDecisionRecord(line);
  absl::StatusOr<std::vector<std::string>> result =
      recorded.ok()
          ? replayer.Replay(*recorded)
          : absl::StatusOr<std::vector<std::string>>(recorded.status());
  if (!result.ok()) {
    ++counts.failed;
    std::cout << "failed " << where << ": " << result.status().message()
              << "\n";
    return;
  }
  if (result->empty()) return;
  ++counts.changed;
  std::cout << "changed "
            << (recorded->decision_id.empty() ? "-" : recorded->decision_id)
            << " (" << where << "): " << absl::StrJoin(*result, "; ") << "\n";
}

// Replays one file; false when reading it failed midway.
bool ReplayFile(internal::FileLineReader& reader, int64_t max_decision_bytes,
                Replayer& replayer, Counts& counts) {
  while (true) {
    absl::StatusOr<internal::FileLineReader::Line> line = reader.Next();
    if (!line.ok()) {
      std::cerr << "spotburst replay: " << line.status().message() << "\n";
      return false;
    }
    const std::string where = absl::StrCat(reader.path(), ":", line->number);
    switch (line->kind) {
      case internal::FileLineReader::Kind::kEnd:
        return true;
      case internal::FileLineReader::Kind::kLine:
        if (!line->text.empty())
          ReplayLine(replayer, where, line->text, counts);
        break;
      case internal::FileLineReader::Kind::kTooLong:
        ++counts.decisions;
        ++counts.failed;
        std::cout << absl::StrFormat(
            "failed %s: line of %d bytes is longer than "
            "--max_decision_bytes=%d; "
            "skipped\n",
            where, line->bytes, max_decision_bytes);
        break;
      case internal::FileLineReader::Kind::kTorn: {
        // Whole but for its newline, or not the start of a decision at all:
        // a line like any other.
        if (!absl::StartsWith(line->text, "{") ||
            internal::ParseDecisionRecord(line->text).ok()) {
          ReplayLine(replayer, where, line->text, counts);
          break;
        }
        ++counts.torn;
        std::cout << absl::StrFormat(
            "torn %s: the last line has no newline and is not a whole "
            "decision (%d bytes): a write cut short by a crash or a full "
            "disk; skipped\n",
            where, line->bytes);
        break;
      }
    }
  }
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "spotburst replay: name at least one decision log\n";
    return 2;
  }
  const int64_t max_decision_bytes = absl::GetFlag(FLAGS_max_decision_bytes);
  if (max_decision_bytes < 1024) {
    std::cerr << "spotburst replay: --max_decision_bytes: "
              << max_decision_bytes << " is out of range [1024, inf)\n";
    return 2;
  }
  std::unique_ptr<Engine> fixed;
  const std::string policy_path = absl::GetFlag(FLAGS_policy);
  if (!policy_path.empty()) {
    absl::StatusOr<Policy> policy = LoadPolicyFile(policy_path);
    absl::StatusOr<Engine> engine =
        policy.ok() ? Engine::Create(*policy)
                    : absl::StatusOr<Engine>(policy.status());
    if (!engine.ok()) {
      std::cerr << "spotburst replay: " << engine.status().message() << "\n";
      return 2;
    }
    fixed = std::make_unique<Engine>(*std::move(engine));
  }
  // Every file is checked before anything is replayed.
  std::vector<internal::FileLineReader> readers;
  for (const std::string& path : args) {
    absl::StatusOr<internal::FileLineReader> reader =
        internal::FileLineReader::Open(path,
                                       static_cast<size_t>(max_decision_bytes));
    if (!reader.ok()) {
      std::cerr << "spotburst replay: " << reader.status().message() << "\n";
      return 2;
    }
    readers.push_back(*std::move(reader));
  }
  Replayer replayer(fixed.get());
  Counts counts;
  bool unreadable = false;
  for (internal::FileLineReader& reader : readers) {
    unreadable |= !ReplayFile(reader, max_decision_bytes, replayer, counts);
  }
  std::cout << absl::StrFormat(
      "replayed %d decisions%s: %d changed, %d failed%s\n", counts.decisions,
      policy_path.empty() ? "" : " under " + policy_path, counts.changed,
      counts.failed,
      counts.torn == 0
          ? ""
          : absl::StrFormat(", %d torn line%s skipped", counts.torn,
                            counts.torn == 1 ? "" : "s"));
  if (unreadable) return 2;
  return counts.changed == 0 && counts.failed == 0 ? 0 : 1;
}

}  // namespace spotburst::cli
