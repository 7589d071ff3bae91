// `spotburst --help`, `spotburst COMMAND --help`, `spotburst help [COMMAND]`
// and `spotburst --version`, answered before absl parses the flags: absl's
// own usage output lists every flag of every command, with the build's
// source paths.
#ifndef SPOTBURST_CLI_HELP_H_
#define SPOTBURST_CLI_HELP_H_

#include <optional>
#include <string>

namespace spotburst::cli {

// The commands, one synopsis and summary each.
std::string ProgramUsage();

// One command's usage and its flags with their defaults; nullopt for an
// unknown command.
std::optional<std::string> CommandHelp(const std::string& command);

// "spotburst 0.1.0 (RelWithDebInfo build)".
std::string VersionText();

// When the command line asks for help or the version, prints it on
// standard output and returns the exit code (0; 2 for help on an unknown
// command). Otherwise nullopt, and the caller parses the flags.
std::optional<int> AnswerHelpOrVersion(int argc, char** argv);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_HELP_H_
