// Utc(2016, 3, 1, 12): a time written as a UTC calendar date, for tests
// that compare against the times in their RFC 3339 fixtures.
#ifndef SPOTBURST_TESTS_TESTING_UTC_TIME_H_
#define SPOTBURST_TESTS_TESTING_UTC_TIME_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace spotburst::testing {

inline absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_UTC_TIME_H_
