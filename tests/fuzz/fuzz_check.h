// SPOTBURST_FUZZ_CHECK: a property a fuzz target asserts. On failure it
// prints the condition and aborts, so libFuzzer saves the input as a crash.
#ifndef SPOTBURST_TESTS_FUZZ_FUZZ_CHECK_H_
#define SPOTBURST_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define SPOTBURST_FUZZ_CHECK(condition)                                     \
  do {                                                                      \
    if (!(condition)) {                                                     \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                             \
      std::abort();                                                         \
    }                                                                       \
  } while (false)

#endif  // SPOTBURST_TESTS_FUZZ_FUZZ_CHECK_H_
