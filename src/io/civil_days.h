// Calendar dates to day numbers, for the readers that parse dates by hand
// (CSV traces, JSON states) faster than a general time parser would.
#ifndef SPOTBURST_SRC_IO_CIVIL_DAYS_H_
#define SPOTBURST_SRC_IO_CIVIL_DAYS_H_

#include <cstdint>

namespace spotburst::internal {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil); `m` is 1-12, `d` 1-31.
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_IO_CIVIL_DAYS_H_
