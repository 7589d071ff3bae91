// Files a test writes for the program or library it tests.
//
//   std::string path = WriteTestFile("scenario.yaml", "name: x\n");
#ifndef SPOTBURST_TESTS_TESTING_TEST_FILES_H_
#define SPOTBURST_TESTS_TESTING_TEST_FILES_H_

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace spotburst::testing {

// Writes `text` to a file in the test's temporary directory, named after
// the running test: ctest runs a file's tests in parallel processes, and a
// file one of them rewrites must not be another's input.
inline std::string WriteTestFile(const std::string& file_name,
                                 const std::string& text) {
  const std::string path =
      ::testing::TempDir() +
      ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
      file_name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_TEST_FILES_H_
