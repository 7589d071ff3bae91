// scripts/demo.sh's headings: plain text when its output is not a
// terminal, so a log or a pipe gets no escape codes. The script is sourced,
// which defines its helpers and runs nothing.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"

namespace {

TEST(DemoScript, HeadingsHaveNoEscapeCodesWhenOutputIsAPipe) {
  const ::spotburst::testing::ProgramResult r =
      ::spotburst::testing::RunProgram(
          // $0 is "bash", not the script: sourced, it runs nothing.
          "bash -c 'source \"$1\" && step \"Experiment 1\"' bash " +
          std::string(SPOTBURST_SOURCE_DIR) + "/scripts/demo.sh");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "\n== Experiment 1\n");
  EXPECT_EQ(r.output.find('\033'), std::string::npos);
}

}  // namespace
