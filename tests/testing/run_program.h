// Runs a program as a user would from a shell and collects what it printed:
// for tests of the command-line programs.
#ifndef SPOTBURST_TESTS_TESTING_RUN_PROGRAM_H_
#define SPOTBURST_TESTS_TESTING_RUN_PROGRAM_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace spotburst::testing {

struct ProgramResult {
  int exit_code;       // -1 when it did not exit normally
  std::string output;  // stdout and stderr, interleaved
};

// Runs `command` through the shell, feeding `input` (if any) on stdin.
inline ProgramResult RunProgram(std::string command,
                                const std::string& input = "") {
  if (!input.empty()) {
    // One file per process: ctest runs test programs side by side.
    const std::string input_file = ::testing::TempDir() + "run_program_input_" +
                                   std::to_string(getpid()) + ".txt";
    std::ofstream(input_file) << input;
    command += " < " + input_file;
  }
  command += " 2>&1";
  ProgramResult result{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

#ifdef SPOTBURST_CLI_PATH
// The `spotburst` program under test (the build defines its path).
inline ProgramResult RunCli(const std::string& args,
                            const std::string& input = "") {
  return RunProgram(std::string(SPOTBURST_CLI_PATH) + " " + args, input);
}
#endif

#ifdef SPOTBURST_SOURCE_DIR
// A path in the source tree.
inline std::string Repo(const std::string& path) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + path;
}
#endif

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_RUN_PROGRAM_H_
