// Help and version of the `spotburst` program, from the table in flags.cc.
#include "cli/help.h"

#include <iostream>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "cli/flags.h"

#ifndef SPOTBURST_VERSION
#error "SPOTBURST_VERSION must be defined by the build (CMake PROJECT_VERSION)"
#endif
#ifndef SPOTBURST_BUILD_TYPE
#define SPOTBURST_BUILD_TYPE ""
#endif

namespace spotburst::cli {
namespace {

constexpr size_t kWidth = 79;

// The words of `text`; a bracketed group such as "[--at TIME]" is one
// word, so that a usage line never breaks inside an option.
std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words(1);
  int depth = 0;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ' ' && depth <= 0) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    words.back() += c;
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// `text` wrapped at word boundaries; the first line starts with `first`,
// the others with `indent` spaces.
std::string Wrap(absl::string_view text, absl::string_view first,
                 size_t indent) {
  std::string out(first);
  size_t column = first.size();
  bool line_empty = true;
  for (const std::string& word : Words(text)) {
    if (!line_empty && column + 1 + word.size() > kWidth) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    absl::StrAppend(&out, word);
    column += word.size();
    line_empty = false;
  }
  return out;
}

const CommandDoc* FindCommand(absl::string_view name) {
  for (const CommandDoc& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// "--help", "-h", "--helpfull", "--help=bid"...: every way to ask absl or
// a user's habits for help.
bool IsHelpFlag(absl::string_view name) {
  return name == "h" || name == "help" || name == "helpfull" ||
         name == "helpshort" || name == "helppackage" || name == "helpon" ||
         name == "helpmatch";
}

// The flag name of an argument ("--at=x" -> "at"), or "" for a positional.
absl::string_view FlagName(absl::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-') return "";
  arg.remove_prefix(arg[1] == '-' ? 2 : 1);
  return arg.substr(0, arg.find('='));
}

}  // namespace

std::string ProgramUsage() {
  std::string out =
      "spotburst: decides how a private cluster bursts into spot capacity.\n"
      "\nusage:\n";
  for (const CommandDoc& command : Commands()) {
    absl::StrAppend(&out, Wrap(command.synopsis, "  spotburst ", 12), "\n",
                    Wrap(command.summary, "      ", 6), "\n");
  }
  absl::StrAppend(&out,
                  "  spotburst --version\n"
                  "      the version and build type\n"
                  "\nRun \"spotburst COMMAND --help\" for a command's flags "
                  "and their defaults.\n");
  return out;
}

std::optional<std::string> CommandHelp(const std::string& name) {
  const CommandDoc* command = FindCommand(name);
  if (command == nullptr) return std::nullopt;
  std::string out =
      absl::StrCat(Wrap(command->synopsis, "usage: spotburst ", 17), "\n\n",
                   Wrap(command->summary, "", 0), "\n");
  if (command->flags.empty()) {
    absl::StrAppend(&out, "\nno flags\n");
    return out;
  }
  absl::StrAppend(&out, "\nflags:\n");
  for (const FlagDoc& flag : command->flags) {
    std::string help = flag.help;
    const absl::CommandLineFlag* defined = absl::FindCommandLineFlag(flag.name);
    if (defined != nullptr && !defined->DefaultValue().empty()) {
      absl::StrAppend(&help, " (default: ", defined->DefaultValue(), ")");
    }
    absl::StrAppend(&out, "  --", flag.name, "=", flag.value, "\n",
                    Wrap(help, "      ", 6), "\n");
  }
  return out;
}

std::string VersionText() {
  const absl::string_view build_type = SPOTBURST_BUILD_TYPE;
  return absl::StrCat("spotburst ", SPOTBURST_VERSION, " (",
                      build_type.empty() ? "unnamed" : build_type, " build)");
}

std::optional<int> AnswerHelpOrVersion(int argc, char** argv) {
  bool help = false;
  bool version = false;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    const absl::string_view name = FlagName(arg);
    if (name.empty()) {
      positional.emplace_back(arg);
      continue;
    }
    if (IsHelpFlag(name)) help = true;
    if (name == "version") version = true;
    // "--policy FILE": the next argument is the flag's value, not a command.
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag != nullptr && !flag->IsOfType<bool>() &&
        !absl::StrContains(arg, '=')) {
      ++i;
    }
  }
  if (!positional.empty() && positional[0] == "help") {
    help = true;
    positional.erase(positional.begin());
  }
  if (help) {
    if (positional.empty()) {
      std::cout << ProgramUsage();
      return 0;
    }
    if (std::optional<std::string> text = CommandHelp(positional[0])) {
      std::cout << *text;
      return 0;
    }
    std::cerr << "spotburst: unknown command \"" << positional[0].substr(0, 40)
              << "\"\n\n"
              << ProgramUsage();
    return 2;
  }
  if (version) {
    std::cout << VersionText() << "\n";
    return 0;
  }
  return std::nullopt;
}

}  // namespace spotburst::cli
