// The documentation against the program: every `spotburst` command that
// README.md, docs/*.md and examples/**/README.md show is run as shown, and
// every sample line they show is checked against what it really prints.
//
// Two forms are recognised in fenced blocks:
// - a transcript: a line starting with "$ " is a command (a trailing "\"
//   continues it), and the lines after it, up to the next "$ " or the end of
//   the block, are its sample output; each must appear as a whole line of
//   the real output ("..." stands for lines left out). A transcript whose
//   sample has a line starting with "error:" must fail with exit code 1,
//   any other must succeed.
// - a synopsis: a line starting with "build/src/spotburst " or
//   "spotburst "; "[...]" marks optional flags. It runs twice, with every
//   optional flag and with none, and must succeed. Lines with a
//   placeholder (an upper-case word such as POLICY) or a redirection are
//   not run.
// Only the commands that need nothing but the repository and take at most
// a second or so are run: validate, strategies, bid, evaluate, sweep and
// ceiling.
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"

namespace {

namespace fs = std::filesystem;

const std::set<std::string>& RunnableCommands() {
  static const auto* const kCommands = new std::set<std::string>{
      "validate", "strategies", "bid", "evaluate", "sweep", "ceiling"};
  return *kCommands;
}

// A command as a doc shows it, with where it is.
struct DocCommand {
  std::string where;    // "README.md:181"
  std::string command;  // the spotburst arguments, continuations joined
  std::vector<std::string> sample;  // transcript output; empty for synopses
  bool transcript = false;
};

// Test names and failures show where a command is.
void PrintTo(const DocCommand& command, std::ostream* os) {
  *os << command.where;
}

std::vector<fs::path> DocFiles() {
  const fs::path root(SPOTBURST_SOURCE_DIR);
  std::vector<fs::path> files = {root / "README.md"};
  for (const auto& entry : fs::directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  for (const auto& entry :
       fs::recursive_directory_iterator(root / "examples")) {
    if (entry.path().filename() == "README.md") files.push_back(entry.path());
  }
  return files;
}

// "build/src/spotburst evaluate --x" -> "evaluate --x"; "" when the line
// does not run spotburst.
std::string SpotburstArguments(absl::string_view line) {
  for (absl::string_view program : {"build/src/spotburst ", "spotburst "}) {
    if (absl::ConsumePrefix(&line, program)) return std::string(line);
  }
  return "";
}

bool IsRunnable(const std::string& arguments) {
  const std::string first = arguments.substr(0, arguments.find(' '));
  return RunnableCommands().contains(first);
}

// Reads the fenced blocks of one file and the commands in them.
std::vector<DocCommand> CommandsIn(const fs::path& file) {
  const std::string name =
      fs::relative(file, fs::path(SPOTBURST_SOURCE_DIR)).string();
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::vector<DocCommand> commands;
  bool in_block = false;
  int current = -1;  // the transcript whose output follows, if any
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (absl::StartsWith(line, "```")) {
      in_block = !in_block;
      current = -1;
      continue;
    }
    if (!in_block) continue;
    const bool transcript = absl::StartsWith(line, "$ ");
    const std::string arguments =
        SpotburstArguments(transcript ? absl::string_view(line).substr(2)
                                      : absl::string_view(line));
    if (!arguments.empty() || transcript) {
      DocCommand command{.where = absl::StrCat(name, ":", i + 1),
                         .command = arguments,
                         .transcript = transcript};
      while (absl::EndsWith(command.command, "\\") && i + 1 < lines.size()) {
        command.command.pop_back();
        command.command +=
            std::string(absl::StripLeadingAsciiWhitespace(lines[++i]));
      }
      current = -1;
      if (!arguments.empty() && IsRunnable(command.command)) {
        if (transcript) current = static_cast<int>(commands.size());
        commands.push_back(std::move(command));
      }
      continue;
    }
    if (current >= 0) commands[current].sample.push_back(line);
  }
  return commands;
}

std::vector<DocCommand> AllCommands() {
  std::vector<DocCommand> all;
  for (const fs::path& file : DocFiles()) {
    for (DocCommand& command : CommandsIn(file)) all.push_back(command);
  }
  return all;
}

::spotburst::testing::ProgramResult RunCli(const std::string& arguments) {
  return ::spotburst::testing::RunProgram(
      absl::StrCat("cd '", SPOTBURST_SOURCE_DIR, "' && '", SPOTBURST_CLI_PATH,
                   "' ", arguments));
}

std::set<std::string> OutputLines(const std::string& output) {
  std::set<std::string> lines;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    lines.insert(std::string(line));
  }
  return lines;
}

TEST(Docs, EveryTranscriptPrintsWhatTheDocsShow) {
  int transcripts = 0;
  for (const DocCommand& doc : AllCommands()) {
    if (!doc.transcript) continue;
    ++transcripts;
    SCOPED_TRACE(doc.where + ": spotburst " + doc.command);
    ::spotburst::testing::ProgramResult r = RunCli(doc.command);
    bool shows_error = false;
    int checked = 0;
    const std::set<std::string> real = OutputLines(r.output);
    for (const std::string& line : doc.sample) {
      if (line.empty() || line == "...") continue;
      if (absl::StartsWith(line, "error:")) shows_error = true;
      ++checked;
      EXPECT_TRUE(real.contains(line)) << "the docs show\n"
                                       << line << "\nbut the program printed\n"
                                       << r.output;
    }
    EXPECT_GT(checked, 0) << "a transcript without sample output";
    EXPECT_EQ(r.exit_code, shows_error ? 1 : 0) << r.output;
  }
  // The README's validate and evaluate transcripts at least; none found
  // means the parser, not the docs, broke.
  EXPECT_GE(transcripts, 2);
}

// "a [--b c] [--d]" -> {"a --b c --d", "a"}.
std::vector<std::string> WithAndWithoutOptions(const std::string& command) {
  static const std::regex kOptional(R"(\[([^\]]*)\])");
  std::string all = std::regex_replace(command, kOptional, "$1");
  std::string none = std::regex_replace(command, kOptional, "");
  return {all, none};
}

bool HasPlaceholder(const std::string& command) {
  static const std::regex kPlaceholder(R"((^|\s)[A-Z]+(\.\.\.)?(\s|$)|[<>|])");
  return absl::StrContains(command, "...") ||
         std::regex_search(command, kPlaceholder);
}

// The synopses to run: no transcripts, no placeholders.
std::vector<DocCommand> Synopses() {
  std::vector<DocCommand> synopses;
  for (DocCommand& doc : AllCommands()) {
    if (!doc.transcript && !HasPlaceholder(doc.command)) {
      synopses.push_back(std::move(doc));
    }
  }
  return synopses;
}

TEST(Docs, ShowSynopsesToRun) {
  // The README's strategies, bid and evaluate lines at least.
  EXPECT_GE(Synopses().size(), 3u);
}

// One test per synopsis, named by its file and line ("README_md_181"), so
// that each has its own timeout and they run in parallel: a sweep of four
// weeks takes minutes under the sanitizers.
class Synopsis : public ::testing::TestWithParam<DocCommand> {};

TEST_P(Synopsis, RunsAsShown) {
  const DocCommand& doc = GetParam();
  for (const std::string& variant : WithAndWithoutOptions(doc.command)) {
    ::spotburst::testing::ProgramResult r = RunCli(variant);
    EXPECT_EQ(r.exit_code, 0) << doc.where << ": spotburst " << variant << "\n"
                              << r.output;
  }
}

std::string SynopsisName(const ::testing::TestParamInfo<DocCommand>& info) {
  std::string name = info.param.where;
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Docs, Synopsis, ::testing::ValuesIn(Synopses()),
                         SynopsisName);

// The examples' states carry their markets, so a documented `evaluate`
// needs no trace: with the trace it gives the same plan as without.
TEST(Docs, ExampleStatesEvaluateTheSameWithAndWithoutTheirTrace) {
  struct Example {
    const char* policy;
    const char* state;
    const char* trace;
  };
  for (const Example& e : {
           Example{"examples/policies/experiment2-scale-down.yaml",
                   "examples/states/experiment2-listing.json",
                   "data/spot_us-east-1_2021-03_2021-05_c4.large.csv"},
           Example{"examples/policies/on-demand-fallback.yaml",
                   "examples/states/scale-up.json",
                   "data/spot_us-east-1_2021-03_2021-05_c4.large.csv"},
           Example{"examples/policies/experiment1-scale-up.yaml",
                   "examples/states/spike-2015.json",
                   "data/spot_us-east-1_2015-03_2015-07_m3.medium.csv"},
       }) {
    SCOPED_TRACE(e.state);
    const std::string command =
        absl::StrCat("evaluate --policy ", e.policy, " --state ", e.state);
    ::spotburst::testing::ProgramResult alone = RunCli(command);
    ::spotburst::testing::ProgramResult traced =
        RunCli(absl::StrCat(command, " --trace ", e.trace));
    EXPECT_EQ(alone.exit_code, 0) << alone.output;
    EXPECT_EQ(traced.exit_code, 0) << traced.output;
    EXPECT_EQ(alone.output, traced.output);
  }
}

}  // namespace
